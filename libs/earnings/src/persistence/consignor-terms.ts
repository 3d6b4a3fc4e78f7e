import { EntityManager } from 'typeorm';
import { EventMetadata } from '@consign/contracts';
import { ConsignorTerms } from '../domain/sale';

/**
 * The consignor's terms in force at `at`: the latest change effective by then. A sale before the
 * consignor's first known change takes that first change's terms. Undefined: never registered here.
 */
export async function consignorTermsAt(manager: EntityManager, tenantId: string, consignorId: string, at: Date): Promise<ConsignorTerms | undefined> {
  const rows: { active: boolean; commission_rate_basis_points: number | null }[] = await manager.query(
    `SELECT active, commission_rate_basis_points FROM consignor_changes
     WHERE tenant_id = $1 AND consignor_id = $2
     ORDER BY effective_at <= $3 DESC,
              CASE WHEN effective_at <= $3 THEN effective_at END DESC,
              CASE WHEN effective_at <= $3 THEN sequence END DESC,
              effective_at, sequence
     LIMIT 1`,
    [tenantId, consignorId, at],
  );
  return rows.length === 0 ? undefined : { active: rows[0].active, commissionRateBasisPoints: rows[0].commission_rate_basis_points };
}

/** What a consignor event changes; 'as_before': what it does not say, kept from the terms in force at its time. */
export interface ConsignorChange {
  rate: number | null | 'as_before';
  active: boolean | 'as_before';
}

/** Appends one change, taking what the event does not say from the terms in force at its time. */
export async function appendConsignorChange(manager: EntityManager, cause: EventMetadata, consignorId: string, change: ConsignorChange): Promise<void> {
  const effectiveAt = new Date(cause.occurredAt);
  const before = change.rate === 'as_before' || change.active === 'as_before' ? await consignorTermsAt(manager, cause.tenantId, consignorId, effectiveAt) : undefined;
  await manager.query(
    `INSERT INTO consignor_changes (tenant_id, consignor_id, event_id, event_type, effective_at, commission_rate_basis_points, active)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (tenant_id, event_id) DO NOTHING`,
    [
      cause.tenantId,
      consignorId,
      cause.eventId,
      cause.eventType,
      effectiveAt,
      change.rate === 'as_before' ? (before?.commissionRateBasisPoints ?? null) : change.rate,
      change.active === 'as_before' ? (before?.active ?? true) : change.active,
    ],
  );
}
