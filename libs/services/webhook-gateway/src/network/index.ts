export { clientAddress } from './client-address';
export { inRanges, isAllowed, parseCidrList } from './ip-allowlist';
export type { CidrRange } from './ip-allowlist';
export { normaliseAddress } from './ip-address';
