import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

// Column types are explicit: the bundler does not emit decorator metadata.
@Entity({ name: 'received_orders' })
export class ReceivedOrderEntity {
  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'order_id', type: 'text' })
  orderId!: string;

  @Column({ name: 'order_name', type: 'text' })
  orderName!: string;

  @Column({ name: 'line_count', type: 'integer' })
  lineCount!: number;

  /** bigint arrives from pg as a string; the transformer keeps minor units a number. */
  @Column({ name: 'total_minor', type: 'bigint', transformer: { to: (value: number) => value, from: (value: string) => Number(value) } })
  totalMinor!: number;

  @Column({ name: 'currency', type: 'char', length: 3 })
  currency!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;
}
