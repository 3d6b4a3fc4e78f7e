import { Router } from 'express';
import { DataSource } from 'typeorm';
import { PlatformError } from '@consign/errors';
import { ConsignorStatus, consignorStatuses } from '../domain/consignor';

/** A consignor as the read API shows it. */
export interface ConsignorView {
  consignorId: string;
  tenantId: string;
  clerkUserId: string;
  status: ConsignorStatus;
  displayName: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  commissionRateBasisPoints: number;
  shopifyTag: string;
  registeredByEventId: string;
  registeredAt: string;
  changedAt: string;
}

export interface ConsignorHistoryView {
  eventId: string;
  eventType: string;
  change: 'registered' | 'updated' | 'deactivated';
  field: string | null;
  from: unknown;
  to: unknown;
  occurredAt: string;
}

export interface RejectedChangeView {
  eventId: string;
  field: string;
  attemptedValue: string | null;
  reason: string;
  occurredAt: string;
}

export interface HeldUserView {
  clerkUserId: string;
  eventTenantId: string;
  reason: string;
  email: string | null;
  heldSince: string;
  lastEventId: string;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const consignorColumns = `consignor_id AS "consignorId", tenant_id AS "tenantId", clerk_user_id AS "clerkUserId", status,
  display_name AS "displayName", email, first_name AS "firstName", last_name AS "lastName",
  commission_rate_basis_points AS "commissionRateBasisPoints", shopify_tag AS "shopifyTag",
  registered_by_event_id AS "registeredByEventId", registered_at AS "registeredAt", changed_at AS "changedAt"`;

/**
 * GET /clients/:tenantId/consignors[?status=active|deactivated], GET /consignors/:consignorId
 * (with history and rejected changes), GET /held (users no client could be determined for).
 */
export function createConsignorReadRouter(dataSource: DataSource): Router {
  const router = Router();

  router.get('/clients/:tenantId/consignors', async (req, res) => {
    const status = statusFilter(req.query.status);
    const consignors: ConsignorView[] = await dataSource.query(
      `SELECT ${consignorColumns} FROM consignors
       WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2)
       ORDER BY display_name, consignor_id`,
      [req.params.tenantId, status],
    );
    res.json({ tenantId: req.params.tenantId, consignors: consignors.map(withIsoDates) });
  });

  router.get('/consignors/:consignorId', async (req, res) => {
    const { consignorId } = req.params;
    const rows: ConsignorView[] = uuidPattern.test(consignorId) ? await dataSource.query(`SELECT ${consignorColumns} FROM consignors WHERE consignor_id = $1`, [consignorId]) : [];
    const consignor = rows[0];
    if (!consignor) {
      throw new PlatformError(`no consignor ${consignorId}`, { code: 'consignor.not_found', category: 'invalid', httpStatus: 404, details: { consignorId } });
    }
    const history: ConsignorHistoryView[] = await dataSource.query(
      `SELECT event_id AS "eventId", event_type AS "eventType", change, field, from_value AS "from", to_value AS "to", occurred_at AS "occurredAt"
       FROM consignor_history WHERE consignor_id = $1 ORDER BY occurred_at, recorded_at, position`,
      [consignorId],
    );
    const rejectedChanges: RejectedChangeView[] = await dataSource.query(
      `SELECT event_id AS "eventId", field, attempted_value AS "attemptedValue", reason, occurred_at AS "occurredAt"
       FROM rejected_consignor_changes WHERE consignor_id = $1 ORDER BY occurred_at, recorded_at, field`,
      [consignorId],
    );
    res.json({ consignor: withIsoDates(consignor), history: history.map(withIsoDates), rejectedChanges: rejectedChanges.map(withIsoDates) });
  });

  router.get('/held', async (_req, res) => {
    const held: HeldUserView[] = await dataSource.query(
      `SELECT clerk_user_id AS "clerkUserId", event_tenant_id AS "eventTenantId", hold_reason AS reason,
              user_snapshot ->> 'primaryEmail' AS email, state_since AS "heldSince", last_event_id AS "lastEventId"
       FROM clerk_users WHERE state = 'held' ORDER BY state_since, clerk_user_id`,
    );
    res.json({ held: held.map(withIsoDates) });
  });

  return router;
}

function statusFilter(value: unknown): ConsignorStatus | null {
  if (value === undefined) return null;
  const status = consignorStatuses.find((candidate) => candidate === value);
  if (status === undefined) {
    throw new PlatformError(`status must be one of ${consignorStatuses.join(', ')}`, {
      code: 'consignor.status_filter_invalid',
      category: 'invalid',
      httpStatus: 400,
      details: { statusFilter: value },
    });
  }
  return status;
}

/** pg returns timestamptz as Date; the API answers ISO 8601 text. */
function withIsoDates<T extends object>(row: T): T {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value])) as T;
}
