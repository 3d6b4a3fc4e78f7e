/** RFC 4180 CSV: a header row, then one row per record; fields quoted when they need it. */
export function toCsv<TRow>(columns: readonly { header: string; value: (row: TRow) => unknown }[], rows: readonly TRow[]): string {
  const lines = [
    columns.map((column) => csvField(column.header)),
    ...rows.map((row) => columns.map((column) => csvField(column.value(row)))),
  ];
  return lines.map((fields) => fields.join(',')).join('\r\n') + '\r\n';
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  // A leading =, +, - or @ would make a spreadsheet run the field as a formula; so would a leading
  // tab or carriage return, which spreadsheets strip before they look at the rest (OWASP's list).
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d+$/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
