import { Router } from 'express';
import { DataSource } from 'typeorm';
import { ClerkUser } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { KeyEncryptionKeys, OpenedPersonalData, openPersonalData } from '@consign/personal-data';
import { clerkUserSubject, ConsignorStatus, consignorStatuses } from '../domain/consignor';
import { readHistoryValue } from '../store/history-values';

/**
 * A consignor as the read API shows it. `erased`: Clerk deleted the person, and with them their
 * personal data: the name and email fields are null for good.
 */
export interface ConsignorView {
  consignorId: string;
  tenantId: string;
  clerkUserId: string;
  status: ConsignorStatus;
  displayName: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  erased: boolean;
  commissionRateBasisPoints: number;
  shopifyTag: string;
  registeredByEventId: string;
  registeredAt: string;
  changedAt: string;
}

/** `erased`: the entry held personal data (a name, an address) that was erased: null in from/to. */
export interface ConsignorHistoryView {
  eventId: string;
  eventType: string;
  change: 'registered' | 'updated' | 'deactivated';
  field: string | null;
  from: unknown;
  to: unknown;
  erased: boolean;
  occurredAt: string;
}

export interface RejectedChangeView {
  eventId: string;
  field: string;
  attemptedValue: string | null;
  erased: boolean;
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

interface ConsignorRow {
  consignorId: string;
  tenantId: string;
  clerkUserId: string;
  status: ConsignorStatus;
  sealedDisplayName: Buffer | null;
  sealedEmail: Buffer | null;
  sealedFirstName: Buffer | null;
  sealedLastName: Buffer | null;
  commissionRateBasisPoints: number;
  shopifyTag: string;
  registeredByEventId: string;
  registeredAt: Date;
  changedAt: Date;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const consignorColumns = `consignor_id AS "consignorId", tenant_id AS "tenantId", clerk_user_id AS "clerkUserId", status,
  sealed_display_name AS "sealedDisplayName", sealed_email AS "sealedEmail", sealed_first_name AS "sealedFirstName", sealed_last_name AS "sealedLastName",
  commission_rate_basis_points AS "commissionRateBasisPoints", shopify_tag AS "shopifyTag",
  registered_by_event_id AS "registeredByEventId", registered_at AS "registeredAt", changed_at AS "changedAt"`;

/**
 * GET /clients/:tenantId/consignors[?status=active|deactivated], GET /consignors/:consignorId
 * (with history and rejected changes), GET /held (users no client could be determined for).
 * Personal data is opened here, for callers with the `read` scope; it is sealed everywhere else.
 */
export function createConsignorReadRouter(dataSource: DataSource, keys: KeyEncryptionKeys): Router {
  const router = Router();

  router.get('/clients/:tenantId/consignors', async (req, res) => {
    const status = statusFilter(req.query.status);
    const rows: ConsignorRow[] = await dataSource.query(
      `SELECT ${consignorColumns} FROM consignors WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2)`,
      [req.params.tenantId, status],
    );
    const opened = await openPersonalData(
      dataSource.manager,
      keys,
      rows.map((row) => clerkUserSubject(row.clerkUserId)),
    );
    // Sorted here: the database holds the names sealed. Erased ones last.
    const consignors = rows
      .map((row) => consignorView(row, opened))
      .sort((a, b) => compareText(a.displayName, b.displayName) || compareText(a.consignorId, b.consignorId));
    res.json({ tenantId: req.params.tenantId, consignors });
  });

  router.get('/consignors/:consignorId', async (req, res) => {
    const { consignorId } = req.params;
    const rows: ConsignorRow[] = uuidPattern.test(consignorId)
      ? await dataSource.query(`SELECT ${consignorColumns} FROM consignors WHERE consignor_id = $1`, [consignorId])
      : [];
    const row = rows[0];
    if (!row) {
      throw new PlatformError(`no consignor ${consignorId}`, {
        code: 'consignor.not_found',
        category: 'invalid',
        httpStatus: 404,
        details: { consignorId },
      });
    }
    const opened = await openPersonalData(dataSource.manager, keys, [clerkUserSubject(row.clerkUserId)]);
    const history: HistoryRow[] = await dataSource.query(
      `SELECT event_id AS "eventId", event_type AS "eventType", change, field, from_value AS "from", to_value AS "to",
              sealed_from_value AS "sealedFrom", sealed_to_value AS "sealedTo", occurred_at AS "occurredAt"
       FROM consignor_history WHERE consignor_id = $1 ORDER BY occurred_at, recorded_at, position`,
      [consignorId],
    );
    const rejectedChanges: RejectedRow[] = await dataSource.query(
      `SELECT event_id AS "eventId", field, sealed_attempted_value AS "sealedAttemptedValue", reason, occurred_at AS "occurredAt"
       FROM rejected_consignor_changes WHERE consignor_id = $1 ORDER BY occurred_at, recorded_at, field`,
      [consignorId],
    );
    res.json({
      consignor: consignorView(row, opened),
      history: history.map((entry) => historyView(entry, opened)),
      rejectedChanges: rejectedChanges.map((rejected) => rejectedChangeView(rejected, opened)),
    });
  });

  router.get('/held', async (_req, res) => {
    const rows: HeldRow[] = await dataSource.query(
      `SELECT clerk_user_id AS "clerkUserId", event_tenant_id AS "eventTenantId", hold_reason AS reason,
              sealed_user_snapshot AS "sealedUser", state_since AS "heldSince", last_event_id AS "lastEventId"
       FROM clerk_users WHERE state = 'held' ORDER BY state_since, clerk_user_id`,
    );
    const opened = await openPersonalData(
      dataSource.manager,
      keys,
      rows.map((row) => clerkUserSubject(row.clerkUserId)),
    );
    const held: HeldUserView[] = rows.map(({ sealedUser, heldSince, ...row }) => {
      const user = opened.text(sealedUser);
      return { ...row, email: user === null ? null : (JSON.parse(user) as ClerkUser).primaryEmail, heldSince: heldSince.toISOString() };
    });
    res.json({ held });
  });

  return router;
}

interface HistoryRow {
  eventId: string;
  eventType: string;
  change: ConsignorHistoryView['change'];
  field: string | null;
  from: unknown;
  to: unknown;
  sealedFrom: Buffer | null;
  sealedTo: Buffer | null;
  occurredAt: Date;
}

interface HeldRow {
  clerkUserId: string;
  eventTenantId: string;
  reason: string;
  sealedUser: Buffer | null;
  heldSince: Date;
  lastEventId: string;
}

interface RejectedRow {
  eventId: string;
  field: string;
  sealedAttemptedValue: Buffer | null;
  reason: string;
  occurredAt: Date;
}

function consignorView(row: ConsignorRow, opened: OpenedPersonalData): ConsignorView {
  return {
    consignorId: row.consignorId,
    tenantId: row.tenantId,
    clerkUserId: row.clerkUserId,
    status: row.status,
    displayName: opened.text(row.sealedDisplayName),
    email: opened.text(row.sealedEmail),
    firstName: opened.text(row.sealedFirstName),
    lastName: opened.text(row.sealedLastName),
    erased: opened.erased(clerkUserSubject(row.clerkUserId)),
    commissionRateBasisPoints: row.commissionRateBasisPoints,
    shopifyTag: row.shopifyTag,
    registeredByEventId: row.registeredByEventId,
    registeredAt: row.registeredAt.toISOString(),
    changedAt: row.changedAt.toISOString(),
  };
}

function historyView(row: HistoryRow, opened: OpenedPersonalData): ConsignorHistoryView {
  const from = readHistoryValue(row.field, { open: row.from, sealed: row.sealedFrom }, opened);
  const to = readHistoryValue(row.field, { open: row.to, sealed: row.sealedTo }, opened);
  return {
    eventId: row.eventId,
    eventType: row.eventType,
    change: row.change,
    field: row.field,
    from: from.value,
    to: to.value,
    erased: from.erased || to.erased,
    occurredAt: row.occurredAt.toISOString(),
  };
}

function rejectedChangeView(row: RejectedRow, opened: OpenedPersonalData): RejectedChangeView {
  const attemptedValue = opened.text(row.sealedAttemptedValue);
  return {
    eventId: row.eventId,
    field: row.field,
    attemptedValue,
    erased: row.sealedAttemptedValue !== null && attemptedValue === null,
    reason: row.reason,
    occurredAt: row.occurredAt.toISOString(),
  };
}

/** Code-point order, null last. */
function compareText(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
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
