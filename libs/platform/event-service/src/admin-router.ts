import express, { RequestHandler, Router } from 'express';
import { PlatformError } from '@consign/errors';
import { ApiScope } from '@consign/service-runtime';

/** A record in Kafka, named by its place: a topic the service consumes, or its dead-letter topic. */
export interface RecordPosition {
  topic: string;
  partition: number;
  offset: string;
}

export interface EventServiceAdmin {
  /** The internal listener's key check (`ServiceHttp.guard`). */
  guard(scope: ApiScope): RequestHandler;
  /** Leaves the consumer group (so offsets can be reset) or joins it again. */
  stopConsuming(): Promise<void>;
  startConsuming(): Promise<void>;
  consuming(): boolean;
  /** Reads the record at `position` from Kafka and runs it through the service's handler now, exactly as the consumer would. */
  process(position: RecordPosition): Promise<{ outcome: unknown; eventId: string; eventType: string; processed: RecordPosition }>;
}

/**
 * What operators do to a running service (`npm run ops`): stop and restart its consumer around an
 * offset reset, and push one stuck record through it, named by its place in Kafka (never its bytes,
 * so an operator cannot make a service apply an event nobody published). Behind the `admin` scope.
 */
export function createEventServiceAdminRouter(admin: EventServiceAdmin): Router {
  const router = Router();
  router.use('/admin', admin.guard('admin'));
  router.post('/admin/consumer/stop', async (_req, res) => {
    await admin.stopConsuming();
    res.json({ consuming: admin.consuming() });
  });
  router.post('/admin/consumer/start', async (_req, res) => {
    await admin.startConsuming();
    res.json({ consuming: admin.consuming() });
  });
  router.post('/admin/events/process', express.json({ limit: '4kb' }), async (req, res) => {
    res.json(await admin.process(positionFrom(req.body as unknown)));
  });
  return router;
}

function positionFrom(body: unknown): RecordPosition {
  const invalid = (field: string, expected: string): PlatformError =>
    new PlatformError(`${field} must be ${expected}`, {
      code: 'admin.invalid_record',
      category: 'invalid',
      httpStatus: 400,
      details: { field },
    });
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof record.topic !== 'string' || !/^[A-Za-z0-9._-]{1,249}$/.test(record.topic)) throw invalid('topic', 'a topic name');
  if (!Number.isInteger(record.partition) || (record.partition as number) < 0) throw invalid('partition', 'a partition number');
  if (typeof record.offset !== 'string' || !/^\d{1,19}$/.test(record.offset)) throw invalid('offset', 'a decimal offset string');
  return { topic: record.topic, partition: record.partition as number, offset: record.offset };
}
