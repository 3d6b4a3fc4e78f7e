import { parseExactJson } from '@consign/webhook-gateway';
import { idAt, integerAt, JsonObject, optionalIdAt, optionalStringAt, stringAt, timestampAt } from '../src/payload-fields';
import { rejection } from './support/mapping-assertions';

describe('idAt', () => {
  it.each([
    ['a safe integer', { id: 24826418 }, '24826418'],
    ['a bigint beyond 2^53', { id: 9007199254740993n }, '9007199254740993'],
    ['2^64−1, the largest id', { id: 18446744073709551615n }, '18446744073709551615'],
    ['a digit string', { id: '18446744073709551615' }, '18446744073709551615'],
  ])('reads %s', (_case, body, expected) => {
    expect(idAt(body, 'id', 'id')).toBe(expected);
  });

  it('reads the largest id from the exact JSON parser', () => {
    expect(idAt(parseExactJson(Buffer.from('{"id":18446744073709551615}')) as JsonObject, 'id', 'id')).toBe('18446744073709551615');
  });

  it.each([
    ['2^64, one past the largest id', { id: 18446744073709551616n }, 'range'],
    ['a bigint of 400 digits', { id: 10n ** 400n }, 'range'],
    ['zero', { id: 0 }, 'range'],
    ['a negative number', { id: -5 }, 'range'],
    ['a negative bigint', { id: -9007199254740993n }, 'range'],
    ['a string beyond 2^64−1', { id: '18446744073709551616' }, 'range'],
    ['a string of 21 digits', { id: '100000000000000000000' }, 'range'],
    ['a string of 200,000 digits', { id: '9'.repeat(200_000) }, 'range'],
    ['a string with a letter', { id: '12a4' }, 'format'],
    ['a signed string', { id: '-12' }, 'format'],
    ['a string with a leading zero', { id: '0123' }, 'format'],
    ['an empty string', { id: '' }, 'format'],
    ['a fraction', { id: 1.5 }, 'format'],
    ['an integer written as a double', { id: 1e20 }, 'format'],
    ['a boolean', { id: true }, 'type'],
    ['an object', { id: { value: 1 } }, 'type'],
  ])('refuses %s, naming the field', (_case, body, reason) => {
    const error = rejection(() => idAt(body, 'id', 'line_items[2].product_id'));
    expect(error.message).toBe('field line_items[2].product_id must be an integer id from 1 to 18446744073709551615');
    expect(error).toMatchObject({ code: 'webhook.invalid_field', httpStatus: 400, details: { field: 'line_items[2].product_id', reason } });
  });

  it('requires the id; optionalIdAt reads its absence as null', () => {
    expect(rejection(() => idAt({}, 'id', 'id')).details).toEqual({ field: 'id', reason: 'missing' });
    expect(optionalIdAt({ id: null }, 'id', 'id')).toBeNull();
    expect(optionalIdAt({}, 'id', 'id')).toBeNull();
  });
});

describe('stringAt', () => {
  it('accepts text up to the limit, counting characters rather than UTF-16 units', () => {
    expect(stringAt({ title: 'x'.repeat(255) }, 'title', 'title', 255)).toHaveLength(255);
    // 255 emoji are 510 UTF-16 units but 255 characters, as Shopify counts them.
    expect(stringAt({ title: '👕'.repeat(255) }, 'title', 'title', 255)).toHaveLength(510);
  });

  it.each([
    ['one character too many', 'x'.repeat(256)],
    ['one emoji too many', '👕'.repeat(256)],
    ['a megabyte', 'x'.repeat(1 << 20)],
  ])('refuses %s, naming the field', (_case, title) => {
    const error = rejection(() => stringAt({ title }, 'title', 'line_items[0].title', 255));
    expect(error.message).toBe('field line_items[0].title must be at most 255 characters long');
    expect(error).toMatchObject({
      code: 'webhook.invalid_field',
      httpStatus: 400,
      details: { field: 'line_items[0].title', reason: 'length' },
    });
  });

  it('bounds optional text the same way', () => {
    expect(optionalStringAt({ sku: '' }, 'sku', 'sku', 3)).toBeNull();
    expect(optionalStringAt({ sku: 'abc' }, 'sku', 'sku', 3)).toBe('abc');
    expect(rejection(() => optionalStringAt({ sku: 'abcd' }, 'sku', 'sku', 3)).details).toEqual({ field: 'sku', reason: 'length' });
  });

  it.each([
    [{}, 'missing'],
    [{ title: '' }, 'missing'],
    [{ title: 42 }, 'type'],
  ])('refuses %j as not a non-empty string', (body, reason) => {
    expect(rejection(() => stringAt(body, 'title', 'title', 255)).details).toEqual({ field: 'title', reason });
  });
});

describe('timestampAt', () => {
  it('refuses a timestamp longer than 64 characters before reading it', () => {
    const error = rejection(() => timestampAt({ created_at: `2026-01-01T00:00:00${'0'.repeat(60)}Z` }, 'created_at', 'created_at'));
    expect(error.details).toEqual({ field: 'created_at', reason: 'length' });
  });

  it('refuses text that is no time', () => {
    expect(rejection(() => timestampAt({ created_at: 'yesterday' }, 'created_at', 'created_at')).details).toEqual({
      field: 'created_at',
      reason: 'format',
    });
  });
});

describe('integerAt', () => {
  it.each([
    [{ quantity: -1 }, 'must be an integer of at least 0', 'range'],
    [{ quantity: 2 ** 31 }, 'must be an integer of at most 2147483647', 'range'],
    [{ quantity: 18446744073709551616n }, 'must be an integer of at most 2147483647', 'range'],
    [{ quantity: -18446744073709551616n }, 'must be an integer of at least 0', 'range'],
    [{ quantity: 1.5 }, 'must be an integer of at least 0', 'type'],
    [{ quantity: '3' }, 'must be an integer of at least 0', 'type'],
    [{}, 'must be an integer of at least 0', 'missing'],
  ])('refuses %j', (body, expectation, reason) => {
    const error = rejection(() => integerAt(body, 'quantity', 'quantity', 0, 2_147_483_647));
    expect(error.message).toBe(`field quantity ${expectation}`);
    expect(error.details).toEqual({ field: 'quantity', reason });
  });
});
