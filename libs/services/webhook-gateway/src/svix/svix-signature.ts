import { createHmac, timingSafeEqual } from 'node:crypto';
import { PlatformError } from '@consign/errors';

/*
 * Our own implementation rather than the `svix` package: its `Webhook.verify` reads `Date.now()`
 * (no injectable clock, so the 2021/2024 official vectors cannot be proven through it) and reports
 * every failure as one `WebhookVerificationError` told apart only by its message text, while the
 * gateway needs stable codes. The algorithm is small; svix-signature.spec.ts proves it against every
 * official vector and negative case in the shared SIGNING.md.
 */

export interface SvixHeaders {
  get(name: string): string | undefined;
}

export interface SvixVerifyOptions {
  /** Current time in milliseconds; injected by tests. */
  now?: () => number;
  /** Allowed clock skew either way; the Svix and Standard Webhooks libraries use 5 minutes. */
  toleranceSeconds?: number;
}

export interface VerifiedSvixDelivery {
  /** Stable across resends of one message: the idempotency key. */
  messageId: string;
  /** Unix seconds, as signed. */
  timestamp: number;
}

const DEFAULT_TOLERANCE_SECONDS = 5 * 60;
const SECRET_PREFIX = 'whsec_';
const STANDARD_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const HEADER_SETS = [
  ['svix-id', 'svix-timestamp', 'svix-signature'],
  ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
] as const;

/**
 * Verifies one Svix (Clerk) delivery and returns its message id and timestamp. Throws a
 * PlatformError with a stable `svix.*` code otherwise. Any of the tenant's secrets may match, so a
 * rotation never rejects deliveries signed with the previous secret; any `v1` entry of the
 * signature header may match, since Svix sends one per active key during its own rotation.
 */
export function verifySvixDelivery(
  rawBody: Buffer,
  headers: SvixHeaders,
  secrets: readonly string[],
  options: SvixVerifyOptions = {},
): VerifiedSvixDelivery {
  const { messageId, timestamp } = verifySvixDeliveryAmong(rawBody, headers, [secrets], options);
  return { messageId, timestamp };
}

/**
 * As verifySvixDelivery, for a delivery that any of several signers (tenants, each with its own
 * secrets) may have signed; also returns the index of the signer whose secret matched. The headers
 * and the timestamp are checked once, before any HMAC, and each secret costs one HMAC of the body:
 * the work is bounded by the secrets of the signers given.
 */
export function verifySvixDeliveryAmong(
  rawBody: Buffer,
  headers: SvixHeaders,
  signers: ReadonlyArray<readonly string[]>,
  options: SvixVerifyOptions = {},
): VerifiedSvixDelivery & { signer: number } {
  // A configuration fault is checked before the request, so it surfaces on every delivery.
  const keyrings = signers.map((secrets) => secrets.map(decodeSecret));
  if (keyrings.length === 0 || keyrings.some((keys) => keys.length === 0)) {
    throw secretInvalid('no Svix signing secret is configured', { reason: 'none_configured' });
  }

  const { id, timestampText, signatureHeader } = readHeaders(headers);
  const timestamp = parseTimestamp(timestampText);
  checkTolerance(timestamp, options);

  const received = signatureHeader
    .split(' ')
    .map(parseEntry)
    .filter((entry): entry is string => entry !== null)
    .map((signature) => Buffer.from(signature));

  for (let signer = 0; signer < keyrings.length; signer += 1) {
    let matched = false;
    for (const key of keyrings[signer]) {
      const expected = Buffer.from(computeSignature(rawBody, key, id, timestamp));
      for (const candidate of received) {
        matched = (candidate.length === expected.length && timingSafeEqual(candidate, expected)) || matched;
      }
    }
    if (matched) return { messageId: id, timestamp, signer };
  }
  throw new PlatformError('no v1 signature in the Svix signature header matches', {
    code: 'svix.signature_invalid',
    category: 'unauthorized',
    details: { entries: received.length },
  });
}

/** The `svix-signature` value (`v1,<base64>`) Svix would send for this body; for tests and tools. */
export function signSvixBody(rawBody: Buffer | string, secret: string, messageId: string, timestamp: number): string {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new Error(`Svix timestamp must be a non-negative integer of Unix seconds, got ${timestamp}`);
  }
  return `v1,${computeSignature(rawBody, decodeSecret(secret), messageId, timestamp)}`;
}

function computeSignature(rawBody: Buffer | string, key: Buffer, id: string, timestamp: number): string {
  // The body is fed as bytes, never decoded to text: re-encoding could alter what was signed.
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest('base64');
}

function decodeSecret(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (encoded.length === 0) {
    throw secretInvalid('a Svix signing secret is empty', { reason: 'empty' });
  }
  // Buffer.from(…, 'base64') silently skips invalid characters, which would turn a mangled secret
  // into a different key and every delivery into a confusing signature failure.
  if (!STANDARD_BASE64.test(encoded)) {
    throw secretInvalid('a Svix signing secret is not standard base64', { reason: 'not_base64' });
  }
  return Buffer.from(encoded, 'base64');
}

/**
 * Our misconfiguration, not the caller's fault: 500, so Svix keeps retrying and the deliveries
 * succeed once the secret is fixed rather than being dropped as unauthorised.
 */
function secretInvalid(message: string, details: Record<string, unknown>): PlatformError {
  return new PlatformError(message, { code: 'svix.secret_invalid', category: 'transient', httpStatus: 500, details });
}

function readHeaders(headers: SvixHeaders): { id: string; timestampText: string; signatureHeader: string } {
  // As the Svix libraries do: the svix-* set unless any of it is missing, then the webhook-* set.
  const [svix, standard] = HEADER_SETS.map((names) => names.map((name) => headers.get(name) || undefined));
  const values = svix.every((value) => value !== undefined) ? svix : standard;
  const [id, timestampText, signatureHeader] = values;
  if (id === undefined || timestampText === undefined || signatureHeader === undefined) {
    const missing = HEADER_SETS[0].filter((_name, index) => svix[index] === undefined);
    throw new PlatformError(`missing Svix headers: ${missing.join(', ')}`, {
      code: 'svix.headers_missing',
      category: 'unauthorized',
      details: { missing },
    });
  }
  return { id, timestampText, signatureHeader };
}

function parseTimestamp(text: string): number {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || !Number.isSafeInteger(value)) {
    throw new PlatformError('the Svix timestamp header is not an integer of Unix seconds', {
      code: 'svix.timestamp_invalid',
      category: 'unauthorized',
    });
  }
  // The libraries sign the re-formatted integer, so the canonical decimal form is what is verified.
  return value;
}

function checkTolerance(timestamp: number, options: SvixVerifyOptions): void {
  const toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  const skewSeconds = nowSeconds - timestamp;
  if (skewSeconds > toleranceSeconds || -skewSeconds > toleranceSeconds) {
    throw new PlatformError(`the Svix timestamp is ${skewSeconds > 0 ? 'too old' : 'too new'}`, {
      code: 'svix.timestamp_out_of_tolerance',
      category: 'unauthorized',
      details: { skewSeconds, toleranceSeconds, direction: skewSeconds > 0 ? 'too_old' : 'too_new' },
    });
  }
}

/** `<version>,<base64>`; only v1 (HMAC-SHA256) counts: v1a is ed25519, other versions unknown. */
function parseEntry(entry: string): string | null {
  const comma = entry.indexOf(',');
  if (comma < 0 || entry.slice(0, comma) !== 'v1') return null;
  return entry.slice(comma + 1);
}
