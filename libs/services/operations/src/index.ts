import { CreateOperatorActions1764360000000 } from './migrations/1764360000000-create-operator-actions';
import { CreateRedrivenDeadLetters1764360010000 } from './migrations/1764360010000-create-redriven-dead-letters';

export { audited, listOperatorActions, recordAdminCall, recordOperatorAction } from './audit/operator-actions';
export { CreateOperatorActions1764360000000, CreateRedrivenDeadLetters1764360010000 };
export { operationsMigrations, openOperationsDatabase } from './operations-database';

export { operationsSettings, platformServices, isPlatformService } from './settings/operations-settings';
export type { OperationsSettings, PlatformService } from './settings/operations-settings';
export { AdminClient } from './http/admin-client';
export type { AdminResponse, Fetch } from './http/admin-client';
export { Progress, progressTo } from './progress/progress';
export type { ProgressFactory } from './progress/progress';

export type { OffsetResetPlan, ResetTarget } from './offsets/offset-plan';
export {
  resetOffsets,
  offsetResetPlan,
  groupActivity,
  committedOffsets,
  committedOffsetsReaching,
  serviceOfGroup,
} from './offsets/offset-reset';

export { parsePosition } from './deadletters/dead-letter';
export { listDeadLetters, showDeadLetter, redriveDeadLetters, purgeDeadLetters } from './deadletters/dead-letters';
export type { DeadLetterSelection } from './deadletters/dead-letters';
export type { Redrive } from './deadletters/redrive-log';

export { deliveryStatus } from './status/delivery-status';
export { searchDeliveryHistory } from './status/delivery-history';
export { listBulkReplayJobs, runBulkReplay } from './webhooks/bulk-replay';
export type { BulkReplayJob, ReplayTarget } from './webhooks/bulk-replay';
export type { HistoryDelivery, HistorySearch } from './status/delivery-history';
export { findArchivedWebhooks, replayWebhooks } from './webhooks/webhook-replay';
export type { ReplayDelivery, WebhookSelection } from './webhooks/webhook-replay';
export { forceProcessing } from './events/force-processing';
export { publishCorrection, correctionValue, definitionOfType } from './events/correction';
export { findReconciliation, listReconciliations, repairReconciliation, startReconciliation } from './reconciliation/reconciler-client';
export { prepareTestDelivery, sendTestDelivery, topicFromFileName } from './webhooks/test-delivery';
export * from './tenants';
