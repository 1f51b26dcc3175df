import type { ClickHouse } from '../clickhouse/client.js';
import { FEATURE_TABLES } from '../features/catalog.js';
import { median } from './stats.js';
import type { BenchRow } from './report.js';

/** One timed one-day run: its wall seconds and the engine-limit reference measured right after it. */
export interface OneDayRun {
  seconds: number;
  limitSeconds: number;
}

/**
 * The engine's limit for a one-day run: writing the very rows the run wrote (every feature table, rows of the run's
 * version), with nothing computed. The rows are first copied into scratch tables (not timed); then one bare
 * `INSERT … SELECT *` per table copies them into empty tables of the same definition, one statement per table as
 * the run has at least. That is what a run that only had to write its output would cost, and it does not grow with
 * the history (the scratch tables hold the run's rows only), as the run itself should not.
 */
export async function writeLimitSeconds(ch: ClickHouse, runId: string): Promise<number> {
  const [run] = await (
    await ch.client.query({
      query: `SELECT toString(version) AS version FROM ${ch.db}.pipeline_runs FINAL WHERE run_id = {runId:String}`,
      query_params: { runId },
      format: 'JSONEachRow',
    })
  ).json<{ version: string }>();
  if (!run) throw new Error(`no pipeline_runs row for ${runId}`);
  const scratch = (table: string, role: string) => `${ch.db}.bench_limit_${role}_${table}`;
  const command = (query: string, params: Record<string, unknown> = {}) =>
    ch.client.command({ query, query_params: params });
  for (const table of FEATURE_TABLES) {
    for (const role of ['src', 'dst']) {
      await command(`DROP TABLE IF EXISTS ${scratch(table, role)}`);
      await command(`CREATE TABLE ${scratch(table, role)} AS ${ch.db}.${table}`);
    }
    await command(
      `INSERT INTO ${scratch(table, 'src')} SELECT * FROM ${ch.db}.${table} WHERE version = {version:UInt64}`,
      { version: run.version },
    );
  }
  const started = performance.now();
  for (const table of FEATURE_TABLES)
    await command(`INSERT INTO ${scratch(table, 'dst')} SELECT * FROM ${scratch(table, 'src')}`);
  const seconds = (performance.now() - started) / 1000;
  for (const table of FEATURE_TABLES)
    for (const role of ['src', 'dst']) await command(`DROP TABLE ${scratch(table, role)}`);
  return seconds;
}

/** The closing table's one-day rows: each history, then the ratio of the two (the "follows the new data"). */
export function oneDayRows(
  long: OneDayRun[],
  short: OneDayRun[],
  size: { athletes: number; long: string; short: string },
): BenchRow[] {
  // The targets are for 1,000 athletes × 2 years: at another size the rows are printed but not judged.
  const judged = size.athletes === 1000 && size.long === '730' && size.short === '90';
  const limit = { what: 'bare INSERT … SELECT of the rows the run wrote' };
  const [longSeconds, shortSeconds] = [long.map((r) => r.seconds), short.map((r) => r.seconds)];
  return [
    {
      measure: `one-day run, ${size.long} days of history`,
      seconds: longSeconds,
      limit: { ...limit, seconds: long.map((r) => r.limitSeconds) },
      target: { text: '≤ 1.5 s at 1,000 athletes', met: judged ? median(longSeconds) <= 1.5 : undefined },
    },
    {
      measure: `one-day run, ${size.short} days of history`,
      seconds: shortSeconds,
      limit: { ...limit, seconds: short.map((r) => r.limitSeconds) },
    },
    {
      // The "limit" column holds the short-history runs, so "× limit" is the ratio of the medians.
      measure: `ratio: ${size.long} days / ${size.short} days of history`,
      seconds: longSeconds,
      limit: { what: `the same run with ${size.short} days of history`, seconds: shortSeconds },
      target: {
        text: 'ratio ≤ 1.2 at 1,000 athletes',
        met: judged ? median(longSeconds) / median(shortSeconds) <= 1.2 : undefined,
      },
    },
  ];
}
