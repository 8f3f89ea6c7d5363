// How the CLI prints for people: aligned columns, and amounts with exactly two decimals. (--json
// prints the API's own shapes instead.)
import { formatStatus, localDay } from '../protocol/format';
import type { SubscriptionStatus } from '../protocol/api';

/** Columns padded to their widest cell; the last column is not padded. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** Hundredths (credits) or cents (dollars) → "12.34", always two decimals, no grouping (for CSV). */
export function twoDecimals(hundredths: number): string {
  const sign = hundredths < 0 ? '-' : '';
  const abs = Math.abs(hundredths);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function statusText(status: SubscriptionStatus | null): string {
  return status === null ? '-' : formatStatus(status);
}

/** An instant as its local day in `timeZone` (the organization's), "2026-12-01"; '-' when absent. */
export function day(iso: string | null, timeZone: string): string {
  return iso === null ? '-' : localDay(iso, timeZone);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
