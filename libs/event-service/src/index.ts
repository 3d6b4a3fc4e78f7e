export { runEventService } from './event-service';
export type { EventHandlers, EventRunHandlers, EventServiceConfig, EventServiceContext, EventServiceDefinition } from './event-service';
export { eventServiceSettings } from './event-service-config';
