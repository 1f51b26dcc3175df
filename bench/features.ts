import { parseArgs } from 'node:util';
import type { ClickHouse } from '../clickhouse/client.js';
import { featurePipeline, ingestActivities, type FeaturePipelineSummary } from '../workflows/index.js';
import { benchBackfill } from './backfill.js';
import { benchEnvironment, machine } from './environment.js';
import { oneDayRows, writeLimitSeconds, type OneDayRun } from './one-day-runs.js';
import { printTable } from './report.js';
import { peakRssMb } from './stats.js';

/**
 * `npm run bench:features`: full backfills of a synthetic population through the featurePipeline workflow, each
 * in its own process and alternated with the DuckDB peer checked equal to it (bench/backfill.ts), then one-day
 * incremental runs on it, and the same one-day runs on a population with only
 * three months of history (the cost of a daily run should follow new data, not history).
 */
const { values } = parseArgs({
  options: {
    athletes: { type: 'string', default: '1000' },
    days: { type: 'string', default: '730' },
    'short-days': { type: 'string', default: '90' },
    'stream-share': { type: 'string', default: '0.1' },
    increments: { type: 'string', default: '3' },
    /** Full backfills of the long population, each alternated with the DuckDB peer. */
    runs: { type: 'string', default: '3' },
    'duckdb-memory-limit': { type: 'string', default: '1.5GB' },
    /** Skip the DuckDB peer (e.g. when comparing bucket counts). */
    'no-peer': { type: 'boolean', default: false },
    /** Skip the Polars peer only (it holds every sample in memory: an estimated 10 GB or more at 1,000 athletes × 730 days). */
    'no-polars': { type: 'boolean', default: false },
    /** FEATURE_BUCKETS of the backfill variants alternated within each run, e.g. "2,8" (default: FEATURE_BUCKETS or 2). */
    buckets: { type: 'string', default: process.env.FEATURE_BUCKETS ?? '2' },
  },
});
const ATHLETES = Number(values.athletes);
const BUCKET_VARIANTS = values.buckets.split(',').map(Number);
if (!BUCKET_VARIANTS.every((b) => Number.isInteger(b) && b >= 1 && b <= 1024)) {
  throw new Error(`--buckets must list integers 1..1024, e.g. "2,8"; got "${values.buckets}"`);
}
const END = '2026-10-31';

const bench = await benchEnvironment();

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

async function population(name: string, days: number) {
  const ch = await bench.database(name);
  const synthetic = {
    seed: 1,
    athletes: ATHLETES,
    days,
    endDate: END,
    streamShare: Number(values['stream-share']),
    athletesPerSlice: 25,
  };
  const ingest = await bench.run(ch, ingestActivities, [{ synthetic }]);
  const [activities, samples] = [await bench.count(ch, 'activities'), await bench.count(ch, 'activity_streams')];
  console.log(
    `${name}: ingested ${activities} activities, ${samples} stream samples in ${ingest.seconds.toFixed(1)} s`,
  );
  return { ch, synthetic, samples };
}

const describe = (label: string, seconds: number, s: FeaturePipelineSummary) =>
  `${label}: wall ${seconds.toFixed(2)} s; athletes ${s.athletesTouched}; steps ${Object.entries(s.secondsPerStep)
    .map(([k, v]) => `${k} ${v.toFixed(2)} s`)
    .join(', ')}; rows written ${Object.entries(s.rowsWritten)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`;

async function backfill(ch: ClickHouse) {
  const { result, seconds } = await bench.run(ch, featurePipeline, [{ asOf: END }]);
  const rows = Object.values(result.rowsWritten).reduce((a, b) => a + b, 0);
  console.log(`${describe('backfill', seconds, result)}; ${Math.round(rows / seconds)} feature rows/s`);
  return seconds;
}

/** Appends one day to the population (ingest, not timed), then times the daily feature run. */
async function oneDayRuns(pop: Awaited<ReturnType<typeof population>>): Promise<OneDayRun[]> {
  const runs: OneDayRun[] = [];
  for (let day = 1; day <= Number(values.increments); day += 1) {
    const asOf = addDays(END, day);
    const synthetic = { ...pop.synthetic, days: pop.synthetic.days + day, endDate: asOf, since: asOf };
    await bench.run(pop.ch, ingestActivities, [{ synthetic }]);
    const run = await bench.run(pop.ch, featurePipeline, [{ asOf }]);
    console.log(describe(`  one-day run ${asOf}`, run.seconds, run.result));
    runs.push({ seconds: run.seconds, limitSeconds: await writeLimitSeconds(pop.ch, run.result.runId) });
  }
  return runs;
}

const long = await population('bench_features_long', Number(values.days));
const backfillRows = await benchBackfill(bench, long.ch, long.samples, {
  asOf: END,
  runs: Number(values.runs),
  fullSize: ATHLETES === 1000 && Number(values.days) === 730,
  label: `${ATHLETES} athletes × ${values.days} days (${(long.samples / 1e6).toFixed(1)} M samples)`,
  duckdbMemoryLimit: values['duckdb-memory-limit'],
  peer: !values['no-peer'],
  polars: !values['no-polars'],
  bucketVariants: BUCKET_VARIANTS,
});
const longDaily = await oneDayRuns(long);
const short = await population('bench_features_short', Number(values['short-days']));
await backfill(short.ch);
const shortDaily = await oneDayRuns(short);

console.log(`\n== feature benchmark; ${machine()}`);
printTable('Full backfill (issue 11)', backfillRows);
printTable(
  `one-day runs, ${ATHLETES} athletes`,
  oneDayRows(longDaily, shortDaily, { athletes: ATHLETES, long: values.days!, short: values['short-days']! }),
);
console.log(`peak RSS of this process (ingest and one-day runs; the backfills ran in their own): ${peakRssMb()} MB`);
await bench.close();
