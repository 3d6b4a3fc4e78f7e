import { EntityManager } from 'typeorm';
import { ConsignorDeactivated, ConsignorRegistered, ConsignorUpdated, EventMetadata, PlatformEvent } from '@consign/contracts';
import { Tenant } from '@consign/tenants';
import { isCommissionRate } from '../domain/sale';
import { appendConsignorChange, ConsignorChange } from '../store/consignor-terms';
import { recordEarningsException } from '../store/exceptions';
import { lockForTransaction } from '../store/locks';
import { releaseLinesAwaitingConsignor } from '../store/order-lines';
import { assertTenant } from '../store/earnings-source';

export async function recordConsignorRegistered(
  manager: EntityManager,
  event: ConsignorRegistered,
  tenant: Tenant,
): Promise<PlatformEvent[]> {
  assertTenant(event.metadata, tenant);
  const rate = await commissionRateOf(manager, event.metadata, event.consignor.id, event.consignor.commissionRateBasisPoints);
  return changeConsignor(manager, tenant, event.metadata, event.consignor.id, { rate, active: true });
}

/** An update changes the rate from its time on; it does not reactivate a deactivated consignor. */
export async function recordConsignorUpdated(manager: EntityManager, event: ConsignorUpdated, tenant: Tenant): Promise<PlatformEvent[]> {
  assertTenant(event.metadata, tenant);
  const rate = await commissionRateOf(manager, event.metadata, event.consignor.id, event.consignor.commissionRateBasisPoints);
  return changeConsignor(manager, tenant, event.metadata, event.consignor.id, { rate, active: 'as_before' });
}

/** From its time on the consignor earns nothing new; sales before it still count, whenever they are processed. */
export async function recordConsignorDeactivated(
  manager: EntityManager,
  event: ConsignorDeactivated,
  tenant: Tenant,
): Promise<PlatformEvent[]> {
  assertTenant(event.metadata, tenant);
  return changeConsignor(manager, tenant, event.metadata, event.consignorId, { rate: 'as_before', active: false });
}

/**
 * Records the change; the consignor is known from their first one on, so order lines held for them
 * are then evaluated, at the terms in force when each sold.
 */
async function changeConsignor(
  manager: EntityManager,
  tenant: Tenant,
  cause: EventMetadata,
  consignorId: string,
  change: ConsignorChange,
): Promise<PlatformEvent[]> {
  await lockForTransaction(manager, tenant.id, 'consignor', [consignorId]);
  await appendConsignorChange(manager, cause, consignorId, change);
  return releaseLinesAwaitingConsignor(manager, tenant, consignorId);
}

async function commissionRateOf(manager: EntityManager, cause: EventMetadata, consignorId: string, rate: number): Promise<number | null> {
  if (isCommissionRate(rate)) return rate;
  await recordEarningsException(manager, cause, {
    kind: 'invalid_commission_rate',
    orderId: null,
    lineItemId: null,
    consignorId,
    detail: { commissionRateBasisPoints: rate, applied: "the tenant's default rate" },
  });
  return null;
}
