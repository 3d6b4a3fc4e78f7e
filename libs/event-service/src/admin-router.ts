import express, { Router } from 'express';
import { PlatformError } from '@consign/errors';
import { requireApiKey } from '@consign/service-runtime';

export interface RecordToProcess {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

export interface EventServiceAdmin {
  apiKeyHashes: readonly string[];
  /** Leaves the consumer group (so offsets can be reset) or joins it again. */
  stopConsuming(): Promise<void>;
  startConsuming(): Promise<void>;
  consuming(): boolean;
  /** Runs one record through the service's handler now, exactly as the consumer would. */
  process(record: RecordToProcess): Promise<{ outcome: unknown; eventId: string; eventType: string }>;
}

/**
 * What operators do to a running service (`npm run ops`): stop and restart its consumer around an
 * offset reset, and push one stuck record through it. Behind the admin API key.
 */
export function createEventServiceAdminRouter(admin: EventServiceAdmin): Router {
  const router = Router();
  router.use('/admin', requireApiKey(admin.apiKeyHashes));
  router.post('/admin/consumer/stop', async (_req, res) => {
    await admin.stopConsuming();
    res.json({ consuming: admin.consuming() });
  });
  router.post('/admin/consumer/start', async (_req, res) => {
    await admin.startConsuming();
    res.json({ consuming: admin.consuming() });
  });
  router.post('/admin/events/process', express.json({ limit: '20mb' }), async (req, res) => {
    res.json(await admin.process(recordFrom(req.body as Record<string, unknown>)));
  });
  return router;
}

function recordFrom(body: Record<string, unknown>): RecordToProcess {
  const invalid = (field: string, expected: string): PlatformError =>
    new PlatformError(`${field} must be ${expected}`, { code: 'admin.invalid_record', category: 'invalid', httpStatus: 400, details: { field } });
  if (typeof body.topic !== 'string' || body.topic === '') throw invalid('topic', 'a topic name');
  if (!Number.isInteger(body.partition) || (body.partition as number) < 0) throw invalid('partition', 'a partition number');
  if (typeof body.offset !== 'string' || !/^\d+$/.test(body.offset)) throw invalid('offset', 'a decimal offset string');
  if (typeof body.valueBase64 !== 'string' || body.valueBase64 === '') throw invalid('valueBase64', 'the record value, base64');
  const headers = body.headers ?? {};
  if (typeof headers !== 'object' || headers === null || Object.values(headers).some((value) => typeof value !== 'string')) throw invalid('headers', 'an object of strings');
  return {
    topic: body.topic,
    partition: body.partition as number,
    offset: body.offset,
    key: typeof body.key === 'string' ? body.key : null,
    value: Buffer.from(body.valueBase64, 'base64'),
    headers: headers as Record<string, string>,
  };
}
