import { isInteger, isSafeNumber, parse } from 'lossless-json';
import { PlatformError } from '@consign/errors';
import { readFixture } from '@consign/test-support';
import { parseExactJson } from './exact-json';

const parseText = (text: string): unknown => parseExactJson(Buffer.from(text));

/** lossless-json, slower but independent, as the reference: integers beyond 2^53 as bigint. */
const reference = (text: string): unknown => parse(text, null, (literal) => (isInteger(literal) && !isSafeNumber(literal) ? BigInt(literal) : Number(literal)));

describe('parseExactJson', () => {
  it.each(['shopify/orders-create.json', 'shopify/orders-cancelled.json', 'shopify/products-create.json', 'shopify/inventory-levels-update.json', 'clerk/user-created.json', 'clerk/user-updated.json'])(
    'reads %s exactly as the reference parser does',
    (fixture) => {
      const body = readFixture(fixture);
      expect(parseExactJson(body)).toEqual(reference(body.toString('utf8')));
    },
  );

  it('keeps integers beyond 2^53 exact, wherever they are, and leaves safe integers and other numbers as numbers', () => {
    expect(parseText('{"id":9007199254740993,"ids":[18446744073709551615,{"n":-9007199254740993}],"safe":9007199254740991,"price":12345678901234567.5,"big":1e300,"exp":12345678901234567e2,"tiny":0.00000000000000000001}')).toEqual({
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
    expect(parseText(text)).toEqual({ note: '9007199254740993', quoted: 'say "9007199254740993" \\', key: { '9007199254740993': 9007199254740993n } });
  });

  it('stays exact when the body itself contains private-use characters, raw or escaped', () => {
    const text = `{"a":"\u{e000}9007199254740993","b":"\\ue001x","c":"\\uE002","id":9007199254740993}`;
    expect(parseText(text)).toEqual({ a: '\u{e000}9007199254740993', b: '\u{e001}x', c: '\u{e002}', id: 9007199254740993n });
  });

  it.each(['{"id":', '{"id":9007199254740993', '{"a":"unterminated', '{"id":09007199254740993}', ''])('rejects malformed JSON %p with webhook.malformed_json', (text) => {
    let error: unknown;
    try {
      parseText(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ code: 'webhook.malformed_json', message: expect.stringMatching(/^body is not valid JSON/) });
  });
});
