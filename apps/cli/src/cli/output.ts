import { type OutputStream, writeLine } from './io';

const MAX_CELL = 48;

function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  const text = String(value).replace(/\s+/g, ' ');
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}

/** A plain aligned table: a header row, then one row per item. */
export function formatTable(headers: string[], rows: unknown[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(cell))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((value, column) => value.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `label: value` lines, labels aligned. */
export function formatFields(fields: [string, unknown][]): string {
  const width = Math.max(...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${cell(value)}`).join('\n');
}

export const printJson = (stream: OutputStream, value: unknown) => writeLine(stream, JSON.stringify(value));

/** Thousands separated, as people read counts: 100,000. */
export const count = (n: number) => Math.round(n).toLocaleString('en-US');
