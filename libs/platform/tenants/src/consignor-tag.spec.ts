import { consignorIdFromTags } from './consignor-tag';

describe('consignorIdFromTags', () => {
  it('finds the consignor tag among others, whatever its case and spacing', () => {
    expect(consignorIdFromTags(['vintage', ' Consignor:c-42 ', 'sale'], 'consignor:')).toBe('c-42');
  });

  it('uses the tenant-specific prefix', () => {
    expect(consignorIdFromTags(['consignor:c-1', 'owner=c-2'], 'owner=')).toBe('c-2');
  });

  it('returns undefined for the store own items and for an empty id', () => {
    expect(consignorIdFromTags(['vintage'], 'consignor:')).toBeUndefined();
    expect(consignorIdFromTags(['consignor:  '], 'consignor:')).toBeUndefined();
  });
});
