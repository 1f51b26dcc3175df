import type { IngestSummary } from '../workflows/index.js';

/** A fixed-width table for the terminal. */
export function table(rows: Record<string, string | number>[]): string {
  if (rows.length === 0) return '(none)';
  const columns = Object.keys(rows[0]!);
  const width = (c: string) => Math.max(c.length, ...rows.map((r) => String(r[c]).length));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(width(columns[i]!))).join('  ');
  return [
    line(columns),
    line(columns.map((c) => '-'.repeat(width(c)))),
    ...rows.map((r) => line(columns.map((c) => String(r[c])))),
  ].join('\n');
}

export function ingestTable(summary: IngestSummary): string {
  // The summary lists the first sources only (bounded result); the totals cover all of them.
  const more =
    summary.sourcesNotListed > 0 ? `\n… and ${summary.sourcesNotListed} more sources (counted in the totals)` : '';
  return (
    table(
      summary.sources.map((s) => ({
        source: s.source,
        kind: s.kind,
        records: s.records,
        inserted: s.inserted,
        unchanged: s.unchanged,
        rejected:
          Object.entries(s.rejected)
            .map(([reason, n]) => `${reason}:${n}`)
            .join(' ') || '0',
      })),
    ) + more
  );
}
