/**
 * The consignor a product belongs to, from its tags: the first tag `<prefix><consignor id>`
 * (prefix compared case-insensitively, as Shopify tags are). Undefined for the store's own items.
 */
export function consignorIdFromTags(tags: readonly string[], prefix: string): string | undefined {
  const lowerPrefix = prefix.toLowerCase();
  for (const tag of tags) {
    const trimmed = tag.trim();
    if (!trimmed.toLowerCase().startsWith(lowerPrefix)) continue;
    const consignorId = trimmed.slice(prefix.length).trim();
    if (consignorId !== '') return consignorId;
  }
  return undefined;
}
