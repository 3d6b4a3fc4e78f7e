export { runEventService } from './event-service';
export type { EventHandlers, EventRunHandlers, EventServiceContext } from './event-service';
export { eventServiceSettings } from './event-service-config';
