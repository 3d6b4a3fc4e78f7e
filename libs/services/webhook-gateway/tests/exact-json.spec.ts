import { isInteger, isSafeNumber, parse } from 'lossless-json';
import { PlatformError } from '@consign/errors';
import { readFixture } from '@consign/test-support';
import { maxJsonDepth, maxNumberDigits, parseExactJson } from '../src/exact-json';

const parseText = (text: string): unknown => parseExactJson(Buffer.from(text));

/** lossless-json, slower but independent, as the reference: integers beyond 2^53 as bigint. */
const reference = (text: string): unknown =>
  parse(text, null, (literal) => (isInteger(literal) && !isSafeNumber(literal) ? BigInt(literal) : Number(literal)));

describe('parseExactJson', () => {
  it.each([
    'shopify/orders-create.json',
    'shopify/orders-cancelled.json',
    'shopify/products-create.json',
    'shopify/inventory-levels-update.json',
    'clerk/user-created.json',
    'clerk/user-updated.json',
  ])('reads %s exactly as the reference parser does', (fixture) => {
    const body = readFixture(fixture);
    expect(parseExactJson(body)).toEqual(reference(body.toString('utf8')));
  });

  it('keeps integers beyond 2^53 exact, wherever they are, and leaves safe integers and other numbers as numbers', () => {
    expect(
      parseText(
        '{"id":9007199254740993,"ids":[18446744073709551615,{"n":-9007199254740993}],"safe":9007199254740991,"price":12345678901234567.5,"big":1e300,"exp":12345678901234567e2,"tiny":0.00000000000000000001}',
      ),
    ).toEqual({
      id: 9007199254740993n,
      ids: [18446744073709551615n, { n: -9007199254740993n }],
      safe: 9007199254740991,
      // Numbers that are not integers stay doubles, rounded as JSON.parse rounds them.
      price: Number('12345678901234567.5'),
      big: 1e300,
      exp: Number('12345678901234567e2'),
      tiny: 0.00000000000000000001,
    });
  });

  it('leaves digits inside strings (escaped quotes and backslashes included) as strings', () => {
    const text = String.raw`{"note":"9007199254740993","quoted":"say \"9007199254740993\" \\","key":{"9007199254740993":9007199254740993}}`;
    expect(parseText(text)).toEqual({
      note: '9007199254740993',
      quoted: 'say "9007199254740993" \\',
      key: { '9007199254740993': 9007199254740993n },
    });
  });

  it('stays exact when the body itself contains private-use characters, raw or escaped', () => {
    const text = `{"a":"\u{e000}9007199254740993","b":"\\ue001x","c":"\\uE002","id":9007199254740993}`;
    expect(parseText(text)).toEqual({ a: '\u{e000}9007199254740993', b: '\u{e001}x', c: '\u{e002}', id: 9007199254740993n });
  });

  it('stays exact, without a marker, when the body holds every private-use character', () => {
    let every = '';
    for (let code = 0xe000; code <= 0xf8ff; code += 1) every += String.fromCharCode(code);
    const text = `{"note":"${every}","escaped":"\\uf8ff","id":9007199254740993,"ids":[-18446744073709551615,1.5,1e300]}`;
    expect(parseText(text)).toEqual(reference(text));
    expect(parseText(text)).toMatchObject({ id: 9007199254740993n, ids: [-18446744073709551615n, 1.5, 1e300] });
  });

  it(`accepts ${maxJsonDepth} levels of nesting and counts no brackets inside strings`, () => {
    const deepest = `${'['.repeat(maxJsonDepth - 1)}{"id":9007199254740993,"note":"${'['.repeat(1000)}"}${']'.repeat(maxJsonDepth - 1)}`;
    expect(parseText(deepest)).toEqual(reference(deepest));
  });

  it.each([
    ['one level too deep', `${'['.repeat(maxJsonDepth + 1)}${']'.repeat(maxJsonDepth + 1)}`],
    // Deep enough to overflow the stack of a recursive walk (restoring the bigint, mapping).
    ['10,000 levels with an unsafe integer', `{"id":9007199254740993,"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`],
    ['4,000 levels of unsafe_metadata', `{"type":"user.created","data":{"unsafe_metadata":${'{"a":'.repeat(4000)}1${'}'.repeat(4000)}}}`],
  ])('refuses a body nested too deep (%s) with webhook.too_deep', (_name, text) => {
    expect(rejection(() => parseText(text))).toMatchObject({
      code: 'webhook.too_deep',
      httpStatus: 400,
      details: { maxDepth: maxJsonDepth },
    });
  });

  it(`keeps integers of ${maxNumberDigits} digits and longer fractions and exponents, and digits inside strings`, () => {
    const text = `{"max":-99999999999999999999,"fraction":0.${'1'.repeat(40)},"exponent":1e${'0'.repeat(40)}5,"note":"${'9'.repeat(100)}"}`;
    expect(parseText(text)).toEqual(reference(text));
    expect(parseText(text)).toMatchObject({ max: -99999999999999999999n });
  });

  it.each([
    ['21 digits', '{"id":123456789012345678901}'],
    ['21 digits before a fraction', '{"price":123456789012345678901.5}'],
    ['a million digits', `{"id":${'7'.repeat(1_000_000)}}`],
  ])('refuses a number of %s with webhook.number_too_long, before converting it', (_name, text) => {
    const bigInt = jest.spyOn(globalThis, 'BigInt');
    try {
      expect(rejection(() => parseText(text))).toMatchObject({
        code: 'webhook.number_too_long',
        httpStatus: 400,
        details: { maxDigits: maxNumberDigits },
      });
      expect(bigInt).not.toHaveBeenCalled();
    } finally {
      bigInt.mockRestore();
    }
  });

  it.each(['{"id":', '{"id":9007199254740993', '{"a":"unterminated', '{"id":09007199254740993}', ''])(
    'rejects malformed JSON %p with webhook.malformed_json',
    (text) => {
      let error: unknown;
      try {
        parseText(text);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(PlatformError);
      expect(error).toMatchObject({ code: 'webhook.malformed_json', message: expect.stringMatching(/^body is not valid JSON/) });
    },
  );
});

function rejection(parse: () => unknown): unknown {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(PlatformError);
    return error;
  }
  throw new Error('expected the body to be refused');
}
