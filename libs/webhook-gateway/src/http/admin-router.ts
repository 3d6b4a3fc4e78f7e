import { createHash, timingSafeEqual } from 'node:crypto';
import { NextFunction, Request, Response, Router } from 'express';
import { PlatformError } from '@consign/errors';
import { DeliveryStore } from '../intake/delivery-store';

/** SHA-256 of an API key, hex: what the configuration stores instead of the key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Compares the presented key's hash with every stored hash in constant time. */
export function apiKeyMatches(presented: string | undefined, storedHashes: readonly string[]): boolean {
  if (!presented) return false;
  const candidate = Buffer.from(hashApiKey(presented), 'hex');
  let matched = false;
  for (const stored of storedHashes) {
    const hash = Buffer.from(stored, 'hex');
    matched = (hash.length === candidate.length && timingSafeEqual(hash, candidate)) || matched;
  }
  return matched;
}

export function createAdminRouter(options: { store: DeliveryStore; apiKeyHashes: readonly string[] }): Router {
  const router = Router();
  router.use('/admin', (req: Request, _res: Response, next: NextFunction) => {
    const bearer = req.header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
    if (!apiKeyMatches(bearer ?? req.header('x-api-key'), options.apiKeyHashes)) {
      next(new PlatformError('a valid API key is required (Authorization: Bearer <key> or X-Api-Key)', { code: 'admin.unauthorized', category: 'unauthorized' }));
      return;
    }
    next();
  });
  router.get('/admin/deliveries/:id', async (req: Request, res: Response, next: NextFunction) => {
    try {
      const deliveries = await options.store.find(String(req.params.id));
      if (deliveries.length === 0) {
        throw new PlatformError(`no delivery ${req.params.id} within the dedupe window`, { code: 'admin.delivery_not_found', category: 'invalid', httpStatus: 404 });
      }
      res.json({ deliveries });
    } catch (error) {
      next(error);
    }
  });
  return router;
}
