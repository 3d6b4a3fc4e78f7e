/**
 * The longest text the gateway accepts in each kind of field, in characters (Unicode code points).
 * Shopify's own limit where it has one; elsewhere a bound real deliveries stay far below, so that a
 * value can be refused as absurd without refusing a real one. docs/integration-guide.md lists them
 * per field ("What the gateway refuses as invalid"), and a test holds the page to the mapping.
 */
export const textLimits = {
  /** Shopify's limit for product titles, handles, vendors, product types, SKUs and each tag. */
  shopifyText: 255,
  /** A variant's title joins up to three option values (255 characters each) with " / ". */
  variantTitle: 1024,
  /** A product's tags as one comma-separated string. */
  tags: 65_535,
  /** Shopify's enumerations (financial status, cancel reason, restock type, ...): short words. */
  enumeration: 64,
  /** Free text a merchant writes, such as a refund's note. */
  note: 65_535,
  /** ISO 8601 with nanoseconds and an offset is 35 characters. */
  timestamp: 64,
  /** RFC 5321: a 64-character local part, "@" and a 255-character domain. */
  email: 320,
  /** Clerk's names, username and external id. */
  clerkText: 256,
  /** `user_` and a base62 id of 27 characters today, with room for a longer one. */
  clerkUserId: 64,
  /** Clerk's ids of other objects (email addresses), only compared. */
  clerkObjectId: 128,
  url: 2048,
  /** Clerk limits a user's metadata to 8 KB in all; twice that, as JSON text, for each part. */
  metadataJson: 16_384,
} as const;
