import { statusCommand } from './status';
import { deliveriesList } from './deliveries/list';
import { deliveriesReplay } from './deliveries/replay';
import { deliveriesJobs } from './deliveries/jobs';
import { offsetsReset } from './offsets/reset';
import { deadlettersList } from './deadletters/list';
import { deadlettersShow } from './deadletters/show';
import { deadlettersRedrive } from './deadletters/redrive';
import { deadlettersPurge } from './deadletters/purge';
import { webhooksReplay } from './webhooks/replay';
import { webhooksSendTest } from './webhooks/send-test';
import { eventsProcess } from './events/process';
import { eventsPublish } from './events/publish';
import { reconcileRun } from './reconcile/run';
import { reconcileRepair } from './reconcile/repair';
import { reconcileShow } from './reconcile/show';
import { tenantsList } from './tenants/list';
import { tenantsAdd } from './tenants/add';
import { tenantsRotateSecret } from './tenants/rotate-secret';
import { tenantsRemove } from './tenants/remove';
import { consoleCommand } from './console';
import { auditCommand } from './audit';
import { Command } from '../command';

/** Every command, in the order help lists them. */
export const commands: Command[] = [
  statusCommand,
  deliveriesList,
  deliveriesReplay,
  deliveriesJobs,
  offsetsReset,
  deadlettersList,
  deadlettersShow,
  deadlettersRedrive,
  deadlettersPurge,
  webhooksReplay,
  webhooksSendTest,
  eventsProcess,
  eventsPublish,
  reconcileRun,
  reconcileRepair,
  reconcileShow,
  tenantsList,
  tenantsAdd,
  tenantsRotateSecret,
  tenantsRemove,
  consoleCommand,
  auditCommand,
];
