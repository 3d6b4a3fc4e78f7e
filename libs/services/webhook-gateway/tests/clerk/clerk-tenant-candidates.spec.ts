import { Tenant, TenantDirectory } from '@consign/tenants';
import { readFixture } from '@consign/test-support';
import { clerkTenantCandidates } from '../../src/clerk/clerk-tenant-candidates';

const store = (id: string, clerkInstanceIds: string[]): Tenant => ({
  id,
  shopDomain: `${id}.myshopify.com`,
  shopifyWebhookSecrets: [],
  clerkInstanceIds,
  clerkSigningSecrets: [],
  currency: 'USD',
  defaultCommissionRateBasisPoints: 4000,
  consignorTagPrefix: 'consignor:',
});
const first = store('first', ['ins_123', 'ins_first_production']);
const second = store('second', ['ins_second']);
const tenants = new TenantDirectory([first, second]);
const candidates = (text: string | Buffer): string[] => clerkTenantCandidates(Buffer.from(text), tenants).map((tenant) => tenant.id);

describe('clerkTenantCandidates', () => {
  it("finds the tenant of a Clerk fixture's instance_id", () => {
    expect(candidates(readFixture('clerk/user-created.json'))).toEqual(['first']);
  });

  it('reads the key wherever it is, with JSON whitespace around the colon, each tenant once in order of appearance', () => {
    expect(
      candidates('{"data":{"instance_id" :\n "ins_second"},"instance_id":"ins_123","x":{"instance_id":"ins_first_production"}}'),
    ).toEqual(['second', 'first']);
  });

  it.each([
    ['an unknown instance', '{"instance_id":"ins_nobody"}'],
    ['a known id as the prefix of a longer value', '{"instance_id":"ins_1234"}'],
    ['a value that is no string', '{"instance_id":123}'],
    ['the key inside a string', '{"note":"\\"instance_id\\":\\"ins_123\\""}'],
    ['the id under another key', '{"id":"ins_123"}'],
    ['an unterminated value', '{"instance_id":"ins_123'],
    ['an escaped id', '{"instance_id":"ins\\u005f123"}'],
  ])('names no tenant for %s', (_name, text) => {
    expect(candidates(text)).toEqual([]);
  });

  it('ignores values longer than any known id, in a 1 MiB body of nothing else', () => {
    const body = Buffer.from(`{${'"instance_id":"ins_second_and_then_some'.repeat(25_000)}`);
    expect(candidates(body)).toEqual([]);
    expect(candidates(Buffer.concat([body, Buffer.from('","instance_id":"ins_second"}')]))).toEqual(['second']);
  });
});
