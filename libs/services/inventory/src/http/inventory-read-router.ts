import { Request, Router } from 'express';
import { DataSource } from 'typeorm';
import { PlatformError } from '@consign/errors';
import { availabilityOf } from '../domain/availability';
import { heldOf, itemsOf, itemWithMovements, openReconciliationRecords, orderState, productWithItems } from '../store/read-model';
import { ReconciliationKind, reconciliationKinds } from '../store/reconciliation';

/**
 * Inventory's read API, every answer scoped to `?tenantId=`. Errors are PlatformErrors; the
 * service's problem handler renders them.
 */
export function createInventoryReadRouter(dataSource: DataSource): Router {
  const router = Router();

  router.get('/items', async (req, res) => {
    const tenantId = requiredTenantId(req);
    const consignorId = optionalQuery(req, 'consignorId');
    res.json({ tenantId, consignorId: consignorId ?? null, items: await itemsOf(dataSource, tenantId, consignorId) });
  });

  router.get('/items/:variantId', async (req, res) => {
    const item = await itemWithMovements(dataSource, requiredTenantId(req), req.params.variantId);
    if (item === undefined)
      throw notFound('inventory.item_not_found', `no item for variant ${req.params.variantId}`, { variantId: req.params.variantId });
    res.json(item);
  });

  router.get('/availability', async (req, res) => {
    const tenantId = requiredTenantId(req);
    const consignorId = optionalQuery(req, 'consignorId');
    res.json({ tenantId, consignorId: consignorId ?? null, ...availabilityOf(await itemsOf(dataSource, tenantId, consignorId)) });
  });

  router.get('/orders/:orderId', async (req, res) => {
    const order = await orderState(dataSource, requiredTenantId(req), req.params.orderId);
    if (order === undefined) throw notFound('inventory.order_not_found', `no order ${req.params.orderId}`, { orderId: req.params.orderId });
    res.json(order);
  });

  router.get('/products/:productId', async (req, res) => {
    const product = await productWithItems(dataSource, requiredTenantId(req), req.params.productId);
    if (product === undefined)
      throw notFound('inventory.product_not_found', `no product ${req.params.productId}`, { productId: req.params.productId });
    res.json(product);
  });

  router.get('/reconciliation', async (req, res) => {
    const tenantId = requiredTenantId(req);
    const kind = optionalQuery(req, 'kind');
    if (kind !== undefined && !isReconciliationKind(kind)) {
      throw new PlatformError(`unknown reconciliation kind ${kind}`, {
        code: 'inventory.reconciliation_kind_unknown',
        category: 'invalid',
        httpStatus: 400,
        details: { kind, kinds: reconciliationKinds },
      });
    }
    res.json({ tenantId, kind: kind ?? null, records: await openReconciliationRecords(dataSource, tenantId, kind) });
  });

  router.get('/held', async (req, res) => {
    const tenantId = requiredTenantId(req);
    res.json({ tenantId, ...(await heldOf(dataSource, tenantId)) });
  });

  return router;
}

function optionalQuery(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function requiredTenantId(req: Request): string {
  const tenantId = optionalQuery(req, 'tenantId');
  if (tenantId === undefined) {
    throw new PlatformError('the tenantId query parameter is required', {
      code: 'inventory.tenant_id_required',
      category: 'invalid',
      httpStatus: 400,
      details: { parameter: 'tenantId' },
    });
  }
  return tenantId;
}

function notFound(code: string, message: string, details: Record<string, unknown>): PlatformError {
  return new PlatformError(message, { code, category: 'invalid', httpStatus: 404, details });
}

function isReconciliationKind(value: string): value is ReconciliationKind {
  return (reconciliationKinds as readonly string[]).includes(value);
}
