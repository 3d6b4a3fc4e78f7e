import { Router } from 'express';
import type { DataSource } from 'typeorm';
import { PlatformError } from '@consign/errors';
import type { KeyEncryptionKeys } from '@consign/personal-data';
import { findContact } from '../store/contacts';
import { findNotifications, reportedNotificationStatuses, type ReportedNotificationStatus } from '../store/notification-log';

export interface NotificationReadOptions {
  /** A row `sending` for longer than this is reported as `uncertain` (default 10 minutes). */
  uncertainAfterMs?: number;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 500;

function queryText(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw new PlatformError(`query parameter ${name} must be given once, non-empty`, {
      code: 'notification.query_invalid',
      category: 'invalid',
      httpStatus: 400,
    });
  }
  return value;
}

function statusFilter(value: string | undefined): ReportedNotificationStatus | undefined {
  if (value === undefined) return undefined;
  const status = reportedNotificationStatuses.find((candidate) => candidate === value);
  if (!status) {
    throw new PlatformError(`status must be one of ${reportedNotificationStatuses.join(', ')}`, {
      code: 'notification.query_invalid',
      category: 'invalid',
      httpStatus: 400,
      details: { status: value },
    });
  }
  return status;
}

function limitOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LIMIT;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new PlatformError(`limit must be an integer from 1 to ${MAX_LIMIT}`, {
      code: 'notification.query_invalid',
      category: 'invalid',
      httpStatus: 400,
    });
  }
  return limit;
}

/**
 * GET /notifications?consignorId=&status=&limit=, GET /notifications/:id, GET /contacts/:consignorId.
 * The addresses are opened here, for callers with the `read` scope; `erased: true` marks a
 * consignor whose personal data was erased.
 */
export function createNotificationReadRouter(
  dataSource: DataSource,
  keys: KeyEncryptionKeys,
  options: NotificationReadOptions = {},
): Router {
  const uncertainAfterMs = options.uncertainAfterMs ?? 10 * 60_000;
  const router = Router();

  router.get('/notifications', async (req, res) => {
    const notifications = await findNotifications(dataSource.manager, keys, {
      consignorId: queryText(req.query.consignorId, 'consignorId'),
      status: statusFilter(queryText(req.query.status, 'status')),
      limit: limitOf(queryText(req.query.limit, 'limit')),
      uncertainAfterMs,
    });
    res.json({ notifications });
  });

  router.get('/notifications/:id', async (req, res) => {
    const [notification] = await findNotifications(dataSource.manager, keys, { notificationId: req.params.id, limit: 1, uncertainAfterMs });
    if (!notification) {
      throw new PlatformError(`no notification ${req.params.id}`, { code: 'notification.not_found', category: 'invalid', httpStatus: 404 });
    }
    res.json(notification);
  });

  router.get('/contacts/:consignorId', async (req, res) => {
    const contact = await findContact(dataSource.manager, keys, req.params.consignorId);
    if (!contact) {
      throw new PlatformError(`no contact for consignor ${req.params.consignorId}`, {
        code: 'notification.contact_not_found',
        category: 'invalid',
        httpStatus: 404,
      });
    }
    res.json(contact);
  });

  return router;
}
