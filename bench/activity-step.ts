import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { insertActivityFeaturesSql } from '../features/activity/activity-features.sql.js';
import { ACTIVITY_STEP_SETTINGS } from '../features/activity/compute.js';
import { ingestActivities } from '../workflows/index.js';
import { benchEnvironment, machine } from './environment.js';
import { median } from './stats.js';

/**
 * `npx tsx bench/activity-step.ts`: the activity step's statement alone, under different engine settings, on
 * one synthetic population (issue 11). Each variant computes every feature row of every athlete (the
 * backfill's scope, in the pipeline's two athlete buckets) and is checked bit-identical to the first; runs
 * alternate between variants. The engine's limit beside it: a grouped scan of sum(power⁴) over the same
 * `activity_streams`.
 */
const { values } = parseArgs({
  options: {
    athletes: { type: 'string', default: '100' },
    days: { type: 'string', default: '730' },
    'stream-share': { type: 'string', default: '0.1' },
    runs: { type: 'string', default: '3' },
    buckets: { type: 'string', default: '2' },
    explain: { type: 'boolean', default: false },
  },
});

const SPILL_512MB = { max_bytes_before_external_group_by: String(512 * 1024 * 1024) };
const VARIANTS: Record<string, Record<string, string>> = {
  'before (spill at 512 MB, short-circuit on)': SPILL_512MB,
  'spill at 512 MB, short-circuit disabled': { ...SPILL_512MB, short_circuit_function_evaluation: 'disable' },
  'no spill threshold, short-circuit on': {},
  'no spill threshold, short-circuit disabled': { short_circuit_function_evaluation: 'disable' },
  'the step as shipped (ACTIVITY_STEP_SETTINGS)': { ...ACTIVITY_STEP_SETTINGS },
};

const bench = await benchEnvironment();
const ch = await bench.database('bench_activity_step');
const synthetic = {
  seed: 1,
  athletes: Number(values.athletes),
  days: Number(values.days),
  endDate: '2026-10-31',
  streamShare: Number(values['stream-share']),
  athletesPerSlice: 25,
};
await bench.run(ch, ingestActivities, [{ synthetic }]);
console.log(
  `${machine()}; ${synthetic.athletes} athletes × ${synthetic.days} days: ${await bench.count(ch, 'activities')} activities, ` +
    `${await bench.count(ch, 'activity_streams')} stream samples`,
);

const runId = `profile-${randomUUID()}`;
const buckets = Number(values.buckets);
await ch.client.command({
  query: `INSERT INTO ${ch.db}.feature_scope (run_id, bucket, athlete_id, from_date)
    SELECT {runId:String}, intDiv((row_number() OVER (ORDER BY athlete_id) - 1) * {buckets:UInt16}, count() OVER ()),
      athlete_id, from_date
    FROM (SELECT athlete_id, min(local_date) AS from_date FROM ${ch.db}.activities GROUP BY athlete_id)`,
  query_params: { runId, buckets },
});

/** The statement's SELECT, reduced to a row count and an order-free hash of every row but computed_at. */
const insert = insertActivityFeaturesSql(ch.db);
const checksumSql = `SELECT count() AS n, toString(groupBitXor(cityHash64(*))) AS h
  FROM (SELECT * EXCEPT (computed_at) FROM (${insert.slice(insert.indexOf('WITH'))}))`;

async function timed(query: string, params: Record<string, unknown>, settings: Record<string, string>) {
  const queryId = randomUUID();
  const started = performance.now();
  const result = await ch.client.query({
    query,
    query_params: params,
    query_id: queryId,
    format: 'JSONEachRow',
    clickhouse_settings: settings,
  });
  const rows = await result.json<Record<string, string>>();
  return { rows, seconds: (performance.now() - started) / 1000 };
}

async function runVariant(settings: Record<string, string>) {
  let seconds = 0;
  const checksums: string[] = [];
  for (let bucket = 0; bucket < buckets; bucket += 1) {
    const run = await timed(checksumSql, { runId, bucket, version: 1 }, settings);
    seconds += run.seconds;
    checksums.push(`${run.rows[0]?.n}:${run.rows[0]?.h}`);
  }
  return { seconds, checksum: checksums.join(' ') };
}

/** `--explain`: the statement's EXPLAIN PIPELINE under each variant, printed once where it differs from the first. */
if (values.explain) {
  let first: string | undefined;
  for (const [name, settings] of Object.entries(VARIANTS)) {
    const { rows } = await timed(`EXPLAIN PIPELINE ${checksumSql}`, { runId, bucket: 0, version: 1 }, settings);
    const pipeline = rows.map((row) => Object.values(row).join('')).join('\n');
    console.log(
      first === undefined || pipeline !== first ? `EXPLAIN PIPELINE, ${name}:\n${pipeline}` : `${name}: same pipeline`,
    );
    first ??= pipeline;
  }
}

const times = new Map<string, number[]>(Object.keys(VARIANTS).map((name) => [name, []]));
const limit: number[] = [];
let expected: string | undefined;
// One untimed pass first, so the first variant timed does not pay for cold caches alone.
await runVariant({});
for (let run = 0; run < Number(values.runs); run += 1) {
  limit.push(
    (
      await timed(
        `SELECT count() AS n, toString(sum(p)) AS h FROM (SELECT sum(pow(power_w, 4)) AS p FROM ${ch.db}.activity_streams
          GROUP BY athlete_id, activity_id)`,
        {},
        {},
      )
    ).seconds,
  );
  for (const [name, settings] of Object.entries(VARIANTS)) {
    const { seconds, checksum } = await runVariant(settings);
    expected ??= checksum;
    if (checksum !== expected) throw new Error(`${name}: rows differ (${checksum} vs ${expected})`);
    times.get(name)!.push(seconds);
  }
}

console.log(`engine limit, grouped scan of sum(power⁴): median ${median(limit).toFixed(2)} s`);
for (const [name, seconds] of times) {
  console.log(
    `${name}: median ${median(seconds).toFixed(2)} s (${seconds.map((s) => s.toFixed(2)).join(', ')}); ` +
      `${(median(seconds) / median(limit)).toFixed(1)}× the limit; rows identical (${expected})`,
  );
}
await bench.close();
