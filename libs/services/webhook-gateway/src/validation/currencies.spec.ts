import { currencyMinorUnits } from './currencies';

describe('currencyMinorUnits', () => {
  it.each([
    ['USD', 2],
    ['EUR', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['KWD', 3],
    ['TND', 3],
    ['CLF', 4],
    ['XCG', 2],
    ['ZWG', 2],
    ['SLE', 2],
  ])('counts %s in %d decimals, as ISO 4217 list one does', (code, digits) => {
    expect(currencyMinorUnits(code)).toBe(digits);
  });

  it.each(['BGN', 'HRK', 'ANG', 'SLL', 'LTL', 'LVL'])(
    'counts withdrawn %s, which Shopify still sends on older orders, in 2 decimals',
    (code) => {
      expect(currencyMinorUnits(code)).toBe(2);
    },
  );

  it.each([
    ['an unknown code', 'ZZZ'],
    ['a code without a minor unit', 'XAU'],
    ['the no-currency code', 'XXX'],
    ["Shopify's non-ISO Jersey pound", 'JEP'],
    ["Shopify's digital currency code", 'USDC'],
    ['a lower-case code', 'usd'],
    ['an inherited property name', 'toString'],
    ['an empty code', ''],
  ])('knows no minor unit for %s (%s)', (_case, code) => {
    expect(currencyMinorUnits(code)).toBeUndefined();
  });
});
