import { derivedMetadata, events, type EventMetadata, type PlatformEvent } from '@consign/contracts';
import type { NotificationTemplate } from './notification-content';

export const NOTIFICATION_SOURCE = 'notification-service';

export interface AttemptFacts {
  notificationId: string;
  consignorId: string;
  template: NotificationTemplate;
  attempt: number;
  /** When the attempt ended. */
  at: number;
}

export function notificationSent(cause: EventMetadata, facts: AttemptFacts, providerMessageId: string | null): PlatformEvent {
  return {
    definition: events.notificationSent,
    value: {
      metadata: derivedMetadata(events.notificationSent, cause, {
        source: NOTIFICATION_SOURCE,
        discriminator: facts.template,
        occurredAt: facts.at,
      }),
      notificationId: facts.notificationId,
      consignorId: facts.consignorId,
      template: facts.template,
      channel: 'email',
      attempt: facts.attempt,
      providerMessageId,
    },
  };
}

/** One event per failed attempt: the attempt number keeps their ids apart. */
export function notificationFailed(
  cause: EventMetadata,
  facts: AttemptFacts,
  failure: { error: string; errorCode: string | null; willRetry: boolean },
): PlatformEvent {
  return {
    definition: events.notificationFailed,
    value: {
      metadata: derivedMetadata(events.notificationFailed, cause, {
        source: NOTIFICATION_SOURCE,
        discriminator: `${facts.template}#${facts.attempt}`,
        occurredAt: facts.at,
      }),
      notificationId: facts.notificationId,
      consignorId: facts.consignorId,
      template: facts.template,
      channel: 'email',
      attempt: facts.attempt,
      ...failure,
    },
  };
}

/** The provider's queue id from an SMTP reply like "250 2.0.0 Ok: queued as 4FZ9x2", when it gives one. */
export function providerMessageIdFrom(smtpResponse: string | undefined): string | null {
  return /queued as\s+<?([^\s>]+)>?/i.exec(smtpResponse ?? '')?.[1] ?? null;
}
