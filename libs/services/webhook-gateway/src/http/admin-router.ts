import express, { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { PlatformError } from '@consign/errors';
import { ApiScope } from '@consign/service-runtime';
import { DeliveryHistory } from '../history/delivery-history';
import { parseHistoryQuery } from '../history/history-query';
import { DeliveryStore } from '../intake/delivery-store';
import { WebhookIntake } from '../intake/webhook-intake';
import { WebhookArchive } from '../replay/webhook-archive';
import { WebhookReplay } from '../replay/webhook-replay';
import { parseReplayRequest, replayBodyLimitBytes } from './replay-request';

export interface AdminRouterOptions {
  store: DeliveryStore;
  /** Deliveries acknowledged moments ago are recorded as published in the background: reads wait for that. */
  intake: Pick<WebhookIntake, 'recorded'>;
  history: Pick<DeliveryHistory, 'flush' | 'search'>;
  replay: WebhookReplay;
  /** Where replays read the deliveries they publish again. */
  archive: Pick<WebhookArchive, 'read'>;
  /** The internal listener's key check (`ServiceHttp.guard`). */
  guard(scope: ApiScope): RequestHandler;
}

/** The operators' API: what happened to a delivery or a subject, the delivery history's search, and replays of archived deliveries, by their place in the archive. */
export function createAdminRouter(options: AdminRouterOptions): Router {
  const router = Router();
  router.use('/admin', options.guard('admin'));
  router.get('/admin/deliveries', async (req: Request, res: Response) => {
    const subjectId = req.query.subjectId;
    if (typeof subjectId !== 'string' || subjectId === '') {
      throw new PlatformError('a filter is required: ?subjectId=<order, product, inventory item or Clerk user id>', {
        code: 'admin.filter_required',
        category: 'invalid',
        httpStatus: 400,
      });
    }
    await options.intake.recorded();
    res.json({ deliveries: await options.store.findBySubject(subjectId) });
  });
  // The searchable history: every request answered, refused ones too, for DELIVERY_HISTORY_RETENTION.
  router.get('/admin/delivery-history', async (req: Request, res: Response) => {
    const page = parseHistoryQuery(req.query);
    // What was answered a moment ago is in the next batch of history rows: a search waits for it.
    await options.history.flush();
    res.json(await options.history.search(page));
  });
  router.get('/admin/deliveries/:id', async (req: Request, res: Response, next: NextFunction) => {
    try {
      await options.intake.recorded();
      const deliveries = await options.store.find(String(req.params.id));
      if (deliveries.length === 0) {
        throw new PlatformError(`no delivery ${req.params.id} within the dedupe window`, {
          code: 'admin.delivery_not_found',
          category: 'invalid',
          httpStatus: 404,
        });
      }
      res.json({ deliveries });
    } catch (error) {
      next(error);
    }
  });
  // Positions in the raw archive, never bodies: what is replayed is only what the gateway verified and archived.
  router.post('/admin/webhooks/replay', express.json({ limit: replayBodyLimitBytes }), async (req: Request, res: Response) => {
    const positions = parseReplayRequest(req.body);
    const reads = await options.archive.read(positions);
    res.json({ results: await options.replay.replay(reads) });
  });
  return router;
}
