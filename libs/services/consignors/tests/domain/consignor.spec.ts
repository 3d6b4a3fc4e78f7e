import { consignorIdFromTags } from '@consign/tenants';
import { readFixture } from '@consign/test-support';
import { devStore, otherStore } from '../support/clerk-user-events';
import { consignorIdFor, shopifyTagFor } from '@consign/consignors';

describe('consignor identity', () => {
  it('derives the same UUID from the same tenant and Clerk user, and another from another tenant', () => {
    const id = consignorIdFor('dev-store', 'user_1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(consignorIdFor('dev-store', 'user_1')).toBe(id);
    expect(consignorIdFor('other-store', 'user_1')).not.toBe(id);
    expect(consignorIdFor('dev-store', 'user_2')).not.toBe(id);
  });

  it('tags products with the client prefix and the consignor id, which the tag reader understands', () => {
    const id = consignorIdFor('other-store', 'user_1');
    expect(shopifyTagFor(otherStore, id)).toBe(`cs-${id}`);
    expect(consignorIdFromTags(['vintage', shopifyTagFor(devStore, id)], devStore.consignorTagPrefix)).toBe(id);
  });
});

describe('the development walk-through fixtures', () => {
  it('tag the development product with the consignor that the Clerk fixture user becomes in dev-store', () => {
    const user = JSON.parse(readFixture('clerk/user-created.json').toString('utf8')) as { data: { id: string } };
    const product = JSON.parse(readFixture('development/products-update-consignor.json').toString('utf8')) as { tags: string };
    const tags = product.tags.split(',').map((tag) => tag.trim());
    expect(tags).toContain(shopifyTagFor({ consignorTagPrefix: 'consignor:' }, consignorIdFor('dev-store', user.data.id)));
  });
});
