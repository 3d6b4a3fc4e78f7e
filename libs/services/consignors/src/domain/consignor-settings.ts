/** What the user's public metadata says about the client it belongs to. */
export type ClientClaim =
  { kind: 'absent' } | { kind: 'named'; clientId: string } | { kind: 'malformed'; attemptedValue: string; reason: string };

/** What the user's public metadata says about the commission rate. */
export type CommissionRateSetting =
  { kind: 'absent' } | { kind: 'valid'; basisPoints: number } | { kind: 'invalid'; attemptedValue: string; reason: string };

/** The consignor settings recorded in Clerk public metadata (`clientId`, `commissionRatePercent`). */
export interface ConsignorSettings {
  client: ClientClaim;
  commissionRate: CommissionRateSetting;
}

/**
 * Reads the settings from ClerkUser.publicMetadataJson. Unreadable metadata makes both settings
 * malformed rather than absent: it may well name another client, so it must not be taken as silence.
 */
export function consignorSettingsFrom(publicMetadataJson: string): ConsignorSettings {
  const metadata = parseObject(publicMetadataJson);
  if (metadata === undefined) {
    const reason = 'public metadata is not a JSON object';
    const attemptedValue = publicMetadataJson.slice(0, 200);
    return { client: { kind: 'malformed', attemptedValue, reason }, commissionRate: { kind: 'invalid', attemptedValue, reason } };
  }
  return { client: clientClaimOf(metadata.clientId), commissionRate: commissionRateOf(metadata.commissionRatePercent) };
}

function parseObject(json: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function clientClaimOf(value: unknown): ClientClaim {
  if (value === undefined || value === null) return { kind: 'absent' };
  if (typeof value === 'string' && value.trim() !== '') return { kind: 'named', clientId: value.trim() };
  return { kind: 'malformed', attemptedValue: textOf(value), reason: 'clientId must be a non-empty string' };
}

function commissionRateOf(value: unknown): CommissionRateSetting {
  if (value === undefined || value === null) return { kind: 'absent' };
  const parsed = parseCommissionRatePercent(value);
  return 'basisPoints' in parsed
    ? { kind: 'valid', basisPoints: parsed.basisPoints }
    : { kind: 'invalid', attemptedValue: textOf(value), reason: parsed.reason };
}

/**
 * A commission rate in percent (a number or numeric text, 0 to 100, decimals allowed) as integer
 * basis points. Read from its decimal digits, not by multiplying floats: 0.07 % must be 7, not
 * 7.000000000000001. More precision than a basis point is refused rather than rounded, since the
 * rate decides money.
 */
export function parseCommissionRatePercent(value: unknown): { basisPoints: number } | { reason: string } {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
  if (text === undefined) return { reason: 'commissionRatePercent must be a number' };
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return { reason: 'commissionRatePercent must be a number from 0 to 100' };
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > 2) return { reason: 'commissionRatePercent has more than two decimals (finer than a basis point)' };
  const basisPoints = Number(match[1]) * 100 + Number(fraction.padEnd(2, '0'));
  if (basisPoints > 10_000) return { reason: 'commissionRatePercent must be a number from 0 to 100' };
  return { basisPoints };
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
