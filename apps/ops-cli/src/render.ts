/** Plain-text rendering for people; `--json` prints the results as they are instead. */
export function table(header: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = [header, ...rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '-' : String(cell))))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0)));
  return `${cells
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

export function fields(entries: Array<[string, string | number | boolean | null | undefined]>): string {
  const width = Math.max(...entries.map(([name]) => name.length));
  return `${entries.map(([name, value]) => `${`${name}:`.padEnd(width + 1)} ${value === null || value === undefined ? '-' : String(value)}`).join('\n')}\n`;
}

export function indent(text: string, by = 2): string {
  return text
    .split('\n')
    .map((line) => (line ? `${' '.repeat(by)}${line}` : line))
    .join('\n');
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item), 2)}\n`;
}
