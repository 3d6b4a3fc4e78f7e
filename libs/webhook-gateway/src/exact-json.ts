import { PlatformError } from '@consign/errors';

const backslash = 0x5c;
const minus = 0x2d;
const zero = 0x30;
const nine = 0x39;

/**
 * Parses a webhook body keeping 64-bit integers exact: integers beyond 2^53 become bigint instead
 * of being rounded through a double, as JSON.parse alone would do with Shopify ids.
 *
 * It runs on every webhook, so the native parser does the work: one scan over the text finds the
 * integer literals that a double cannot hold, each is handed to JSON.parse as a string carrying a
 * marker character that the body provably does not contain (neither raw nor escaped), and a walk
 * over the result turns exactly those strings into bigints.
 */
export function parseExactJson(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  const unsafe = unsafeIntegerSpans(text);
  if (unsafe.length === 0) return parseOrReject(text);
  const marker = markerAbsentFrom(text);
  let rewritten = '';
  let from = 0;
  for (const [start, end] of unsafe) {
    rewritten += `${text.slice(from, start)}"${marker}${text.slice(start, end)}"`;
    from = end;
  }
  return restoreBigInts(parseOrReject(rewritten + text.slice(from)), marker);
}

function parseOrReject(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PlatformError(`body is not valid JSON: ${(error as Error).message}`, { code: 'webhook.malformed_json', category: 'invalid' });
  }
}

/** Runs of 16 or more digits: shorter integers are always safe. */
const longDigitRuns = /-?\d{16,}/g;

/**
 * Start and end of every integer literal outside strings that is not a safe integer. Between the
 * few long digit runs, strings are skipped quote to quote with indexOf, which keeps the scan far
 * cheaper than JSON.parse itself. Malformed text is left for JSON.parse to reject.
 */
function unsafeIntegerSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  // Always a position outside any string.
  let outside = 0;
  for (const match of text.matchAll(longDigitRuns)) {
    const start = match.index;
    if (start < outside) continue;
    let insideString = false;
    for (let open = text.indexOf('"', outside); open !== -1 && open < start; open = text.indexOf('"', outside)) {
      const close = closingQuote(text, open + 1);
      if (close === -1) return spans;
      outside = close + 1;
      if (close > start) {
        insideString = true;
        break;
      }
    }
    const end = start + match[0].length;
    // Inside a string, part of a longer number (a fraction or an exponent, a double anyway), or
    // with a leading zero (not JSON, left for JSON.parse to reject).
    if (insideString || isNumberCharacter(text.charCodeAt(end)) || isNumberCharacter(text.charCodeAt(start - 1)) || !/^-?[1-9]/.test(match[0])) continue;
    if (!Number.isSafeInteger(Number(match[0]))) spans.push([start, end]);
  }
  return spans;
}

/** The index of the quote that closes a string whose content starts at `from`, or -1. */
function closingQuote(text: string, from: number): number {
  for (let quoteAt = text.indexOf('"', from); quoteAt !== -1; quoteAt = text.indexOf('"', quoteAt + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(quoteAt - 1 - backslashes) === backslash) backslashes += 1;
    if (backslashes % 2 === 0) return quoteAt;
  }
  return -1;
}

function isNumberCharacter(code: number): boolean {
  // Digits, '.', 'e', 'E', '+', '-'.
  return (code >= zero && code <= nine) || code === 0x2e || code === 0x65 || code === 0x45 || code === 0x2b || code === minus;
}

/** A private-use character the body contains neither as itself nor as a \u escape. */
function markerAbsentFrom(text: string): string {
  const escapes = text.includes('\\') ? text.toLowerCase() : '';
  for (let code = 0xe000; code <= 0xf8ff; code += 1) {
    const marker = String.fromCharCode(code);
    if (!text.includes(marker) && !escapes.includes(`\\u${code.toString(16)}`)) return marker;
  }
  throw new Error('the body uses every private-use character');
}

function restoreBigInts(value: unknown, marker: string): unknown {
  if (typeof value === 'string') return value.startsWith(marker) ? BigInt(value.slice(marker.length)) : value;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) value[index] = restoreBigInts(value[index], marker);
    return value;
  }
  const object = value as Record<string, unknown>;
  // for...in, not Object.keys: no array of keys per object (JSON.parse's objects have no inherited keys).
  for (const key in object) object[key] = restoreBigInts(object[key], marker);
  return object;
}
