import { median } from './stats.js';

/**
 * One row of a benchmark's closing table: the product's figure beside the engine's own limit measured in
 * the same run on the same rows, and the issue's target, so a reader sees how close the product is.
 */
export interface BenchRow {
  measure: string;
  /** Wall seconds of each run of the product's path. */
  seconds: number[];
  /** Rows (samples, activities...) each run processed: turns the median into a rate. Omit for plain times. */
  rows?: number;
  /** Wall seconds of each run of the engine-limit reference, and what it is (e.g. "bare INSERT … SELECT"). */
  limit?: { what: string; seconds: number[] };
  /** Peak RSS of the process that ran this measure alone (MB). */
  peakRssMb?: number;
  /** The target, in words, and whether the median meets it (undefined: not judged). */
  target?: { text: string; met: boolean | undefined };
}

const rate = (rows: number, seconds: number) => `${(rows / seconds / 1e6).toFixed(2)} M rows/s`;

function figure(seconds: number[], rows?: number): string {
  const m = median(seconds);
  const runs = seconds.map((s) => s.toFixed(2)).join(', ');
  return `${m.toFixed(2)} s${rows ? ` = ${rate(rows, m)}` : ''} (runs ${runs})`;
}

/** Prints the rows as a Markdown table (paste-ready for BENCHMARKS.md). */
export function printTable(title: string, rows: BenchRow[]): void {
  console.log(`\n${title}\n`);
  console.log('| measure | median (runs) | engine limit, same run | × limit | peak RSS | target |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const row of rows) {
    const limit = row.limit ? `${row.limit.what}: ${figure(row.limit.seconds, row.rows)}` : '–';
    const times = row.limit ? (median(row.seconds) / median(row.limit.seconds)).toFixed(1) : '–';
    const rss = row.peakRssMb === undefined ? '–' : `${row.peakRssMb.toLocaleString('en')} MB`;
    const verdict = row.target?.met === undefined ? '' : row.target.met ? ' **met**' : ' **not met**';
    const target = row.target ? `${row.target.text}${verdict}` : '–';
    console.log(`| ${row.measure} | ${figure(row.seconds, row.rows)} | ${limit} | ${times} | ${rss} | ${target} |`);
  }
}
