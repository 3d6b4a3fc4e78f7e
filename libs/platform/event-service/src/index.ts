export { runEventService } from './event-service';
export type { EventHandlers, EventRunHandlers, EventServiceContext } from './event-service';
export { eventServiceSettings } from './event-service-config';
export { dispatchTable } from './dispatch-table';
export type { InputEventOf } from './dispatch-table';
