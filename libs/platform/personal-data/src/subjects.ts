/**
 * Whose personal data a value is: the subject names the data key that seals it. One naming for
 * every database, so that one person's erasure means the same subject everywhere.
 */

/** A Clerk user: one person. Their data key is erased when Clerk deletes the user. */
export function clerkUserSubject(clerkUserId: string): string {
  return `clerk-user:${clerkUserId}`;
}

/**
 * A store's Shopify webhooks: they carry its customers' names and addresses. One key per store,
 * erased when the store leaves the platform (Shopify's per-customer redaction is not handled).
 */
export function shopifyStoreSubject(tenantId: string): string {
  return `shopify-store:${tenantId}`;
}
