import { DataSource } from 'typeorm';
import { PlatformError } from '@consign/errors';
import {
  clerkUserSubject,
  erasePersonalData,
  KeyEncryptionKeys,
  openPersonalData,
  personalDataSealer,
  PersonalDataSealer,
  shopifyStoreSubject,
} from '@consign/personal-data';

/** Whose personal data a delivery's body holds. */
export type BodyOwner = { source: 'shopify'; tenantId: string } | { source: 'clerk'; clerkUserId: string };

/** A body as the raw archive holds it (RawWebhookArchived's body and bodySealedFor). */
export interface ArchivedBody {
  body: Buffer;
  bodySealedFor: string | null;
}

/**
 * Seals the raw archive's bodies (on Kafka and in the spool) under personal-data keys held in the
 * gateway's database: a Clerk body under its user's key, which the user's deletion erases; a
 * Shopify body under its store's key. Replay opens them; an erased subject's bodies stay sealed
 * for good (decision 0011).
 */
export class ArchiveSealing {
  // A store's key is erased only when the store leaves, so it is looked up once per process:
  // Shopify's webhooks, the bulk of the traffic, pay no round trip for it.
  private readonly storeSealers = new Map<string, Promise<PersonalDataSealer>>();

  constructor(
    private readonly database: DataSource,
    private readonly keys: KeyEncryptionKeys,
  ) {}

  async seal(owner: BodyOwner, body: Buffer): Promise<ArchivedBody> {
    const sealer =
      owner.source === 'shopify'
        ? await this.storeSealer(owner.tenantId)
        : await personalDataSealer(this.database.manager, this.keys, clerkUserSubject(owner.clerkUserId));
    // An erased user's redelivered body is not stored at all: the record says whose it was.
    return { body: sealer.sealBytes(body) ?? Buffer.alloc(0), bodySealedFor: sealer.subject };
  }

  /** The body as received; refuses (410) when its subject was erased. */
  async open(archived: ArchivedBody): Promise<Buffer> {
    if (archived.bodySealedFor === null) return archived.body;
    const subject = archived.bodySealedFor;
    const opened = await openPersonalData(this.database.manager, this.keys, [subject]);
    const body = archived.body.length === 0 ? null : opened.bytes(archived.body);
    if (body === null || opened.erased(subject)) {
      throw new PlatformError(`the archived body belonged to ${subject}, whose personal data was erased`, {
        code: 'replay.erased',
        category: 'invalid',
        httpStatus: 410,
        details: { subject },
      });
    }
    return body;
  }

  /** Clerk deleted the user: every archived body of theirs becomes unreadable, wherever it is kept. */
  async eraseClerkUser(clerkUserId: string): Promise<void> {
    await erasePersonalData(this.database.manager, clerkUserSubject(clerkUserId));
  }

  private storeSealer(tenantId: string): Promise<PersonalDataSealer> {
    let sealer = this.storeSealers.get(tenantId);
    if (sealer === undefined) {
      sealer = personalDataSealer(this.database.manager, this.keys, shopifyStoreSubject(tenantId));
      this.storeSealers.set(tenantId, sealer);
      // A failed lookup (the database down) is asked again by the next webhook.
      sealer.catch(() => this.storeSealers.delete(tenantId));
    }
    return sealer;
  }
}
