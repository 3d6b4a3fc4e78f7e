import { Tenant, TenantDirectory } from '@consign/tenants';

const instanceIdKey = Buffer.from('"instance_id"');
const quote = 0x22;
const colon = 0x3a;

/**
 * The tenants a Clerk delivery may be for, found in its raw bytes without parsing them: the body is
 * not verified yet, and parsing is the costly part a stranger could make the gateway do. Each
 * `"instance_id"` key whose string value is an instance id some tenant lists names that tenant,
 * once, in order of appearance. The scan does not know where a key sits, so a nested one counts
 * too: the caller tries each candidate's secrets and, after parsing, checks that the top-level
 * `instance_id` belongs to the tenant whose secret matched.
 *
 * Linear in the body: a native search for the key, and after each hit at most the longest known
 * instance id is read. An instance id written with escapes is not recognised (Clerk writes none).
 */
export function clerkTenantCandidates(body: Buffer, tenants: TenantDirectory): Tenant[] {
  const longestId = Math.max(0, ...tenants.tenants.flatMap((tenant) => tenant.clerkInstanceIds.map((id) => id.length)));
  const candidates = new Set<Tenant>();
  for (let keyAt = body.indexOf(instanceIdKey); keyAt !== -1; keyAt = body.indexOf(instanceIdKey, keyAt + instanceIdKey.length)) {
    let at = skipWhitespace(body, keyAt + instanceIdKey.length);
    if (body[at] !== colon) continue;
    at = skipWhitespace(body, at + 1);
    if (body[at] !== quote) continue;
    const closing = body.subarray(at + 1, at + 2 + longestId).indexOf(quote);
    if (closing === -1) continue;
    const tenant = tenants.byClerkInstanceId(body.toString('latin1', at + 1, at + 1 + closing));
    if (tenant) candidates.add(tenant);
  }
  return [...candidates];
}

/** JSON's whitespace: space, tab, line feed, carriage return. */
function skipWhitespace(body: Buffer, from: number): number {
  let at = from;
  while (body[at] === 0x20 || body[at] === 0x09 || body[at] === 0x0a || body[at] === 0x0d) at += 1;
  return at;
}
