import { toCsv } from './csv';

describe('toCsv', () => {
  const columns = [
    { header: 'name', value: (row: { name: unknown }) => row.name },
    { header: 'amount', value: () => -5 },
  ];

  it('writes a header and CRLF-terminated rows, quoting only what needs it', () => {
    expect(toCsv(columns, [{ name: 'plain' }, { name: 'a, "quoted"\nline' }, { name: null }, { name: { a: 1 } }])).toBe(
      'name,amount\r\nplain,-5\r\n"a, ""quoted""\nline",-5\r\n,-5\r\n"{""a"":1}",-5\r\n',
    );
  });

  it('defuses text a spreadsheet would run as a formula, but keeps negative numbers', () => {
    expect(toCsv(columns, [{ name: '=HYPERLINK("x")' }, { name: '@SUM(A1)' }, { name: '-12' }])).toBe(
      'name,amount\r\n"\'=HYPERLINK(""x"")",-5\r\n\'@SUM(A1),-5\r\n-12,-5\r\n',
    );
  });

  it('defuses a formula hidden behind a leading tab or carriage return', () => {
    expect(toCsv(columns, [{ name: '\t=1+1' }, { name: '\r=cmd' }, { name: '+1' }])).toBe(
      "name,amount\r\n'\t=1+1,-5\r\n\"'\r=cmd\",-5\r\n'+1,-5\r\n",
    );
  });
});
