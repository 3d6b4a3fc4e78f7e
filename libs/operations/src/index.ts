import { CreateOperatorActions1764360000000 } from './migrations/1764360000000-create-operator-actions';
import { CreateRedrivenDeadLetters1764360010000 } from './migrations/1764360010000-create-redriven-dead-letters';

export { audited, listOperatorActions, recordAdminCall, recordOperatorAction } from './audit/operator-actions';
export type { ActionOutcome, AuditQuery, OperatorAction, RecordedAction } from './audit/operator-actions';
export { CreateOperatorActions1764360000000, CreateRedrivenDeadLetters1764360010000 };
export { operationsMigrations, openOperationsDatabase } from './operations-database';

export { operationsSettings, platformServices, isPlatformService } from './settings/operations-settings';
export type { OperationsSettings, PlatformService } from './settings/operations-settings';
export { AdminClient } from './http/admin-client';
export type { AdminResponse, Fetch } from './http/admin-client';
export { Progress, progressTo, formatDuration } from './progress/progress';
export type { ProgressFactory, ProgressSink, ProgressSnapshot } from './progress/progress';

export { planOffsetReset, describeTarget } from './offsets/offset-plan';
export type { OffsetResetPlan, PartitionResetPlan, ResetTarget } from './offsets/offset-plan';
export { resetOffsets, offsetResetPlan, groupActivity, committedOffsets, committedOffsetsReaching, waitUntilGroupEmpty, serviceOfGroup } from './offsets/offset-reset';
export type { GroupActivity, OffsetResetDependencies, OffsetResetOutcome, OffsetResetRequest } from './offsets/offset-reset';

export { deadLetterFrom, parsePosition, formatPosition, isDeadLetterTopic, redriveHeaders, bytesPreview, plainValue } from './deadletters/dead-letter';
export type { DeadLetter, DeadLetterFilter, RecordPosition } from './deadletters/dead-letter';
export { listDeadLetters, showDeadLetter, redriveDeadLetters, purgeDeadLetters, deadLetterTopics } from './deadletters/dead-letters';
export type { DeadLetterSelection, ListedDeadLetter, ShownDeadLetter, RedriveRequest, RedriveResult, PurgePlan } from './deadletters/dead-letters';
export type { Redrive } from './deadletters/redrive-log';

export { deliveryStatus, gatewayDeliveries, consumerGroupsOf } from './status/delivery-status';
export type { ConsumerProgress, DeliveryStatus, GatewayDelivery, RecordPath } from './status/delivery-status';
export { searchDeliveryHistory } from './status/delivery-history';
export { listBulkReplayJobs, planBulkReplay, runBulkReplay } from './webhooks/bulk-replay';
export type { BulkReplayJob, BulkReplayOutcome, NotReplayable, ReplayTarget } from './webhooks/bulk-replay';
export type { HistoryDelivery, HistoryPage, HistorySearch } from './status/delivery-history';
export { findArchivedWebhooks, replayWebhooks, matchesSelection } from './webhooks/webhook-replay';
export type { ArchivedWebhook, ArchiveSearch, ReplayDelivery, ReplayResult, WebhookReplayRequest, WebhookSelection } from './webhooks/webhook-replay';
export { forceProcessing } from './events/force-processing';
export type { ProcessOutcome } from './events/force-processing';
export { publishCorrection, correctionValue, definitionOfType, canonicalJson } from './events/correction';
export type { CorrectionOutcome } from './events/correction';
export { findReconciliation, listReconciliations, repairReconciliation, startReconciliation } from './reconciliation/reconciler-client';
export type { ReconciliationDiscrepancy, ReconciliationRunView, RepairView } from './reconciliation/reconciler-client';
export { prepareTestDelivery, sendTestDelivery, shopifyHmacOf, svixSignatureOf, topicFromFileName } from './webhooks/test-delivery';
export type { TestDelivery, TestDeliveryAnswer, TestDeliveryRequest } from './webhooks/test-delivery';
export * from './tenants';
