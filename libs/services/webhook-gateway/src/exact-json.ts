import { PlatformError } from '@consign/errors';

const quote = 0x22;
const backslash = 0x5c;
const minus = 0x2d;
const zero = 0x30;
const nine = 0x39;
const openBracket = 0x5b;
const closeBracket = 0x5d;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const firstPrivateUse = 0xe000;
const lastPrivateUse = 0xf8ff;

/** Levels of objects and arrays a body may nest; Shopify's and Clerk's bodies use fewer than 10. */
export const maxJsonDepth = 64;
/** Digits a number may have before any fraction or exponent: ids are at most 20 (2^64 has 20). */
export const maxNumberDigits = 20;

/**
 * Parses a webhook body keeping 64-bit integers exact: integers beyond 2^53 become bigint instead
 * of being rounded through a double, as JSON.parse alone would do with Shopify ids.
 *
 * It runs on every webhook, so the native parser does the work: one linear scan over the text
 * refuses bodies nested too deep or with too long a number (before anything recursive or
 * superlinear sees them) and finds the integer literals that a double cannot hold; each is handed
 * to JSON.parse as a string carrying a marker character that the body provably does not contain
 * (neither raw nor escaped), and a walk over the result turns exactly those strings into bigints.
 */
export function parseExactJson(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  const unsafe = scanJson(text);
  if (unsafe.length === 0) return parseOrReject(text);
  const marker = markerAbsentFrom(text);
  // Only a body holding every private-use character gets here: the slower reviver is exact too.
  if (marker === undefined) return parseOrReject(text, bigIntsFromSource);
  let rewritten = '';
  let from = 0;
  for (const [start, end] of unsafe) {
    rewritten += `${text.slice(from, start)}"${marker}${text.slice(start, end)}"`;
    from = end;
  }
  return restoreBigInts(parseOrReject(rewritten + text.slice(from)), marker);
}

function parseOrReject(text: string, reviver?: Parameters<typeof JSON.parse>[1]): unknown {
  try {
    return JSON.parse(text, reviver);
  } catch (error) {
    throw new PlatformError(`body is not valid JSON: ${(error as Error).message}`, { code: 'webhook.malformed_json', category: 'invalid' });
  }
}

/**
 * One pass over the text, without recursion: refuses nesting beyond `maxJsonDepth` and numbers
 * beyond `maxNumberDigits`, and returns the start and end of every integer literal that is not a
 * safe integer. Strings are skipped quote to quote with indexOf, so the loop visits only the
 * characters between them. Malformed text is left for JSON.parse to reject.
 */
function scanJson(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let depth = 0;
  for (let index = 0; index < text.length;) {
    const code = text.charCodeAt(index);
    if (code === quote) {
      const close = closingQuote(text, index + 1);
      if (close === -1) return spans;
      index = close + 1;
    } else if (code === openBrace || code === openBracket) {
      depth += 1;
      if (depth > maxJsonDepth) {
        throw new PlatformError(`body nests objects and arrays deeper than ${maxJsonDepth} levels`, {
          code: 'webhook.too_deep',
          category: 'invalid',
          details: { maxDepth: maxJsonDepth },
        });
      }
      index += 1;
    } else if (code === closeBrace || code === closeBracket) {
      depth -= 1;
      index += 1;
    } else if (code === minus || isDigit(code)) {
      const digitsFrom = code === minus ? index + 1 : index;
      let end = digitsFrom;
      while (isDigit(text.charCodeAt(end))) end += 1;
      const digits = end - digitsFrom;
      if (digits > maxNumberDigits) {
        throw new PlatformError(
          `body has a number of ${digits} digits; at most ${maxNumberDigits} are accepted before a fraction or exponent`,
          {
            code: 'webhook.number_too_long',
            category: 'invalid',
            details: { maxDigits: maxNumberDigits },
          },
        );
      }
      const next = text.charCodeAt(end);
      const isInteger = next !== 0x2e && next !== 0x65 && next !== 0x45;
      // 16 digits or more may be unsafe; a leading zero is not JSON, left for JSON.parse to reject.
      if (isInteger && digits >= 16 && text.charCodeAt(digitsFrom) !== zero && !Number.isSafeInteger(Number(text.slice(index, end))))
        spans.push([index, end]);
      index = isInteger ? end : endOfNumber(text, end);
    } else {
      index += 1;
    }
  }
  return spans;
}

/** Past a number's fraction and exponent, which start at `from`: their digits are no integers of their own. */
function endOfNumber(text: string, from: number): number {
  let end = from;
  for (
    let code = text.charCodeAt(end);
    isDigit(code) || code === 0x2e || code === 0x65 || code === 0x45 || code === 0x2b || code === minus;
    code = text.charCodeAt(end)
  )
    end += 1;
  return end;
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

function isDigit(code: number): boolean {
  return code >= zero && code <= nine;
}

/** Whether the text may hold a private-use character, raw or as a \u escape (`\uE…`, `\uF…`). */
const privateUseOrItsEscape = /[\uE000-\uF8FF]|\\u[ef]/i;

/**
 * A private-use character the body contains neither as itself nor as a \u escape, or undefined when
 * it contains every one. One pass over the text marks those present: a search per candidate would
 * cost the text's length for each of the 6,400 candidates.
 */
function markerAbsentFrom(text: string): string | undefined {
  if (!privateUseOrItsEscape.test(text)) return String.fromCharCode(firstPrivateUse);
  const present = new Uint8Array(lastPrivateUse - firstPrivateUse + 1);
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= firstPrivateUse && code <= lastPrivateUse) present[code - firstPrivateUse] = 1;
    else if (code === backslash) {
      if (text.charCodeAt(index + 1) === 0x75) {
        const escaped = Number(`0x${text.slice(index + 2, index + 6)}`);
        if (escaped >= firstPrivateUse && escaped <= lastPrivateUse) present[escaped - firstPrivateUse] = 1;
      }
      // The escaped character is no character of the text: `\\ue000` is a backslash, then "ue000".
      index += 1;
    }
  }
  const absent = present.indexOf(0);
  return absent === -1 ? undefined : String.fromCharCode(firstPrivateUse + absent);
}

const integerLiteral = /^-?\d+$/;

/** A JSON.parse reviver that reads an unsafe integer from its source text (digits bounded by the scan). */
function bigIntsFromSource(_key: string, value: unknown, context?: { source?: string }): unknown {
  return typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined && integerLiteral.test(context.source)
    ? BigInt(context.source)
    : value;
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
