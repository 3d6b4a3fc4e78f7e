import { EntityManager } from 'typeorm';
import { EventMetadata } from '@consign/contracts';
import { ConsignorTerms } from '../domain/sale';

/**
 * The consignor's terms in force at `at`: the latest change effective by then. A sale before the
 * consignor's first known change takes that first change's terms. Undefined: never registered here.
 */
export async function consignorTermsAt(
  manager: EntityManager,
  tenantId: string,
  consignorId: string,
  at: Date,
): Promise<ConsignorTerms | undefined> {
  return (await consignorTermsAtEach(manager, tenantId, [{ consignorId, at }]))[0];
}

/** consignorTermsAt for several consignors and times, in one statement; in the order asked. */
export async function consignorTermsAtEach(
  manager: EntityManager,
  tenantId: string,
  asked: ReadonlyArray<{ consignorId: string; at: Date }>,
): Promise<Array<ConsignorTerms | undefined>> {
  if (asked.length === 0) return [];
  const rows: { position: string; active: boolean; commission_rate_basis_points: number | null }[] = await manager.query(
    `SELECT asked.position, terms.active, terms.commission_rate_basis_points
     FROM unnest($2::text[], $3::timestamptz[]) WITH ORDINALITY AS asked (consignor_id, at, position)
     CROSS JOIN LATERAL (
       SELECT active, commission_rate_basis_points FROM consignor_changes
       WHERE tenant_id = $1 AND consignor_id = asked.consignor_id
       ORDER BY effective_at <= asked.at DESC,
                CASE WHEN effective_at <= asked.at THEN effective_at END DESC,
                CASE WHEN effective_at <= asked.at THEN sequence END DESC,
                effective_at, sequence
       LIMIT 1) AS terms`,
    [tenantId, asked.map((one) => one.consignorId), asked.map((one) => one.at)],
  );
  const terms: Array<ConsignorTerms | undefined> = asked.map(() => undefined);
  for (const row of rows)
    terms[Number(row.position) - 1] = { active: row.active, commissionRateBasisPoints: row.commission_rate_basis_points };
  return terms;
}

/** What a consignor event changes; 'as_before': what it does not say, kept from the terms in force at its time. */
export interface ConsignorChange {
  rate: number | null | 'as_before';
  active: boolean | 'as_before';
}

/** Appends one change, taking what the event does not say from the terms in force at its time. */
export async function appendConsignorChange(
  manager: EntityManager,
  cause: EventMetadata,
  consignorId: string,
  change: ConsignorChange,
): Promise<void> {
  const effectiveAt = new Date(cause.occurredAt);
  const before =
    change.rate === 'as_before' || change.active === 'as_before'
      ? await consignorTermsAt(manager, cause.tenantId, consignorId, effectiveAt)
      : undefined;
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
