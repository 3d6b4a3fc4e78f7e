import { PlatformError } from '@consign/errors';
import { readFixture } from '@consign/test-support';
import { signSvixBody, SvixHeaders, SvixVerifyOptions, verifySvixDelivery, verifySvixDeliveryAmong } from '../../src/svix/svix-signature';

// Official vector 1 (svix-webhooks Go and Python library tests), see SIGNING.md.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const MSG_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TIMESTAMP = 1614265330;
const BODY = Buffer.from('{"test": 2432232314}');
const SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
const WRONG = 'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=';

const atVectorTime: SvixVerifyOptions = { now: () => TIMESTAMP * 1000 };

function headerBag(values: Record<string, string | undefined>): SvixHeaders {
  const lower = new Map(Object.entries(values).map(([name, value]) => [name.toLowerCase(), value]));
  return { get: (name) => lower.get(name.toLowerCase()) };
}

function svixHeaders(overrides: Record<string, string | undefined> = {}): SvixHeaders {
  return headerBag({ 'svix-id': MSG_ID, 'svix-timestamp': String(TIMESTAMP), 'svix-signature': SIGNATURE, ...overrides });
}

function failure(run: () => unknown): PlatformError {
  try {
    run();
  } catch (error) {
    if (error instanceof PlatformError) return error;
    throw error;
  }
  throw new Error('expected a PlatformError, but nothing was thrown');
}

describe('Svix signature verification', () => {
  describe('official vector 1 (Svix library tests)', () => {
    it('signs to the exact expected signature', () => {
      expect(signSvixBody(BODY, SECRET, MSG_ID, TIMESTAMP)).toBe(SIGNATURE);
      expect(signSvixBody('{"test": 2432232314}', SECRET, MSG_ID, TIMESTAMP)).toBe(SIGNATURE);
    });

    it('verifies and returns the message id and timestamp', () => {
      expect(verifySvixDelivery(BODY, svixHeaders(), [SECRET], atVectorTime)).toEqual({ messageId: MSG_ID, timestamp: TIMESTAMP });
    });

    it('accepts the secret with or without the whsec_ prefix', () => {
      const bare = SECRET.slice('whsec_'.length);
      expect(signSvixBody(BODY, bare, MSG_ID, TIMESTAMP)).toBe(SIGNATURE);
      expect(verifySvixDelivery(BODY, svixHeaders(), [bare], atVectorTime).messageId).toBe(MSG_ID);
    });

    it.each([
      ['last character changed', 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA='],
      ['wrong signature', WRONG],
      ['empty signature', 'v1,'],
      ['the valid signature under a non-v1 version', SIGNATURE.replace('v1,', 'v2,')],
      ['the valid signature without a version', SIGNATURE.slice('v1,'.length)],
    ])('rejects %s with svix.signature_invalid (401)', (_case, signature) => {
      const error = failure(() => verifySvixDelivery(BODY, svixHeaders({ 'svix-signature': signature }), [SECRET], atVectorTime));
      expect(error.code).toBe('svix.signature_invalid');
      expect(error.category).toBe('unauthorized');
      expect(error.httpStatus).toBe(401);
    });

    it('passes a list containing the valid signature among wrong and non-v1 entries', () => {
      const list = `${WRONG} v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= ${SIGNATURE} ${WRONG}`;
      expect(verifySvixDelivery(BODY, svixHeaders({ 'svix-signature': list }), [SECRET], atVectorTime).messageId).toBe(MSG_ID);
    });

    it.each(['svix-id', 'svix-timestamp', 'svix-signature'])('rejects a delivery without %s with svix.headers_missing', (name) => {
      for (const value of [undefined, '']) {
        const error = failure(() => verifySvixDelivery(BODY, svixHeaders({ [name]: value }), [SECRET], atVectorTime));
        expect(error.code).toBe('svix.headers_missing');
        expect(error.httpStatus).toBe(401);
        expect(error.details).toEqual({ missing: [name] });
      }
    });

    it.each(['hello', '1614265330.5', '1614265330abc', '-1614265330', '1e9'])(
      'rejects the non-integer timestamp %p with svix.timestamp_invalid',
      (timestamp) => {
        const error = failure(() => verifySvixDelivery(BODY, svixHeaders({ 'svix-timestamp': timestamp }), [SECRET], atVectorTime));
        expect(error.code).toBe('svix.timestamp_invalid');
        expect(error.httpStatus).toBe(401);
      },
    );

    it('passes with the Standard Webhooks webhook-* header names', () => {
      const headers = headerBag({ 'webhook-id': MSG_ID, 'webhook-timestamp': String(TIMESTAMP), 'webhook-signature': SIGNATURE });
      expect(verifySvixDelivery(BODY, headers, [SECRET], atVectorTime)).toEqual({ messageId: MSG_ID, timestamp: TIMESTAMP });
    });

    it('falls back to the whole webhook-* set when any svix-* header is missing', () => {
      const headers = headerBag({
        'svix-id': 'msg_ignored',
        'svix-timestamp': String(TIMESTAMP),
        'webhook-id': MSG_ID,
        'webhook-timestamp': String(TIMESTAMP),
        'webhook-signature': SIGNATURE,
      });
      expect(verifySvixDelivery(BODY, headers, [SECRET], atVectorTime).messageId).toBe(MSG_ID);
    });

    it('reads the svix-* set first when both sets are complete', () => {
      const headers = headerBag({
        'svix-id': MSG_ID,
        'svix-timestamp': String(TIMESTAMP),
        'svix-signature': SIGNATURE,
        'webhook-id': 'msg_other',
        'webhook-timestamp': String(TIMESTAMP),
        'webhook-signature': WRONG,
      });
      expect(verifySvixDelivery(BODY, headers, [SECRET], atVectorTime).messageId).toBe(MSG_ID);
    });

    it('rejects a body changed after signing', () => {
      const error = failure(() => verifySvixDelivery(Buffer.from('{"test":2432232314}'), svixHeaders(), [SECRET], atVectorTime));
      expect(error.code).toBe('svix.signature_invalid');
    });

    it('rejects the vector against the live clock, as the libraries do', () => {
      const error = failure(() => verifySvixDelivery(BODY, svixHeaders(), [SECRET]));
      expect(error.code).toBe('svix.timestamp_out_of_tolerance');
    });
  });

  describe('timestamp tolerance (5 minutes either way)', () => {
    const nowAt = (seconds: number): SvixVerifyOptions => ({ now: () => seconds * 1000 });

    it.each([
      ['exactly 5 minutes old', TIMESTAMP + 300],
      ['exactly 5 minutes ahead', TIMESTAMP - 300],
      ['5 minutes old, mid-second', TIMESTAMP + 300.999],
    ])('accepts a timestamp %s', (_case, nowSeconds) => {
      expect(verifySvixDelivery(BODY, svixHeaders(), [SECRET], nowAt(nowSeconds)).timestamp).toBe(TIMESTAMP);
    });

    it('rejects a timestamp older than now - 5 min, with the skew in the details', () => {
      const error = failure(() => verifySvixDelivery(BODY, svixHeaders(), [SECRET], nowAt(TIMESTAMP + 301)));
      expect(error.code).toBe('svix.timestamp_out_of_tolerance');
      expect(error.httpStatus).toBe(401);
      expect(error.details).toEqual({ skewSeconds: 301, toleranceSeconds: 300, direction: 'too_old' });
    });

    it('rejects a timestamp newer than now + 5 min, with the skew in the details', () => {
      const error = failure(() => verifySvixDelivery(BODY, svixHeaders(), [SECRET], nowAt(TIMESTAMP - 301)));
      expect(error.code).toBe('svix.timestamp_out_of_tolerance');
      expect(error.details).toEqual({ skewSeconds: -301, toleranceSeconds: 300, direction: 'too_new' });
    });

    it('honours a custom tolerance', () => {
      const options = { ...nowAt(TIMESTAMP + 61), toleranceSeconds: 60 };
      expect(failure(() => verifySvixDelivery(BODY, svixHeaders(), [SECRET], options)).code).toBe('svix.timestamp_out_of_tolerance');
    });

    it('checks the timestamp before the signature', () => {
      const headers = svixHeaders({ 'svix-signature': WRONG });
      expect(failure(() => verifySvixDelivery(BODY, headers, [SECRET], nowAt(TIMESTAMP + 301))).code).toBe(
        'svix.timestamp_out_of_tolerance',
      );
    });
  });

  describe('official vector 2 (Svix docs, 18-byte key)', () => {
    const secret = 'whsec_plJ3nmyCDGBKInavdOK15jsl';
    const body = Buffer.from('{"event_type":"ping","data":{"success":true}}');
    const signature = 'v1,rAvfW3dJ/X/qxhsaXPOyyCGmRKsaKWcsNccKXlIktD0=';

    it('signs and verifies without a minimum key size', () => {
      expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(18);
      expect(signSvixBody(body, secret, 'msg_loFOjxBNrRLzqYUf', 1731705121)).toBe(signature);
      const headers = headerBag({ 'svix-id': 'msg_loFOjxBNrRLzqYUf', 'svix-timestamp': '1731705121', 'svix-signature': signature });
      expect(verifySvixDelivery(body, headers, [secret], { now: () => 1731705121_000 }).timestamp).toBe(1731705121);
    });
  });

  describe('Clerk fixtures (derived values in SIGNING.md)', () => {
    it.each([
      ['clerk/user-created.json', 'v1,bSVrMmm/XJL2kR1GxuZ8ySaaEKnxCYGB4pEUVdWJYmc='],
      ['clerk/user-updated.json', 'v1,XWp7e2QTwpWh6oqtkB5tP1HHy8ylSrN0ZwGlfO3KhSw='],
    ])('%s signs to and verifies against %s', (file, signature) => {
      const body = readFixture(file);
      expect(signSvixBody(body, SECRET, MSG_ID, TIMESTAMP)).toBe(signature);
      expect(verifySvixDelivery(body, svixHeaders({ 'svix-signature': signature }), [SECRET], atVectorTime).messageId).toBe(MSG_ID);
    });

    it('verifies a fixture re-signed with a current timestamp against the live clock', () => {
      const body = readFixture('clerk/user-created.json');
      const now = Math.floor(Date.now() / 1000);
      const headers = svixHeaders({ 'svix-timestamp': String(now), 'svix-signature': signSvixBody(body, SECRET, MSG_ID, now) });
      expect(verifySvixDelivery(body, headers, [SECRET]).timestamp).toBe(now);
    });
  });

  describe('secrets', () => {
    const other = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;

    it('accepts any of the tenant secrets during a rotation and rejects a rotated-out one', () => {
      expect(verifySvixDelivery(BODY, svixHeaders(), [other, SECRET], atVectorTime).messageId).toBe(MSG_ID);
      expect(failure(() => verifySvixDelivery(BODY, svixHeaders(), [other], atVectorTime)).code).toBe('svix.signature_invalid');
    });

    it.each([
      ['an empty secret', [''], 'empty'],
      ['a bare whsec_ prefix', ['whsec_'], 'empty'],
      ['an empty secret beside a valid one', [SECRET, ''], 'empty'],
      ['a secret that is not base64', ['whsec_not*base64!'], 'not_base64'],
      ['no secret at all', [], 'none_configured'],
    ])("rejects %s as our misconfiguration (500), not the caller's", (_case, secrets, reason) => {
      const error = failure(() => verifySvixDelivery(BODY, svixHeaders(), secrets, atVectorTime));
      expect(error.code).toBe('svix.secret_invalid');
      expect(error.httpStatus).toBe(500);
      expect(error.details).toEqual({ reason });
      expect(error.message).not.toContain(SECRET.slice('whsec_'.length));
    });

    it('tells which of several signers matched, and refuses when none does', () => {
      const third = `whsec_${Buffer.alloc(24, 9).toString('base64')}`;
      expect(verifySvixDeliveryAmong(BODY, svixHeaders(), [[other], [third, SECRET]], atVectorTime)).toEqual({
        messageId: MSG_ID,
        timestamp: TIMESTAMP,
        signer: 1,
      });
      expect(failure(() => verifySvixDeliveryAmong(BODY, svixHeaders(), [[other], [third]], atVectorTime)).code).toBe(
        'svix.signature_invalid',
      );
    });

    it('refuses to sign with an empty secret or a non-integer timestamp', () => {
      expect(() => signSvixBody(BODY, 'whsec_', MSG_ID, TIMESTAMP)).toThrow(/empty/);
      expect(() => signSvixBody(BODY, SECRET, MSG_ID, 1.5)).toThrow(/integer/);
    });
  });
});
