import { parseArgs } from 'node:util';
import type { ClickHouseClient } from '@clickhouse/client';
import type { ClickHouse } from '../clickhouse/client.js';
import { computeActivityFeatures } from '../features/activity/compute.js';
import { computeDailyFeatures, computeRollingFeatures, computeWeeklyFeatures } from '../features/athlete/index.js';
import { checkFeatureTables } from '../features/pipeline/checks.js';
import { planFeatureRun } from '../features/pipeline/run-scope.js';
import { recordRunOutcome } from '../features/pipeline/runs.js';
import { featurePipeline, ingestActivities } from '../workflows/index.js';
import { benchEnvironment } from './environment.js';
import { median } from './stats.js';

/**
 * `npx tsx bench/profile-one-day.ts --athletes 100`: where a one-day incremental run spends its time, statement by
 * statement, with a long and a short history side by side. Each population is backfilled through the workflow, then
 * one day at a time is ingested (not timed) and the run's steps are called directly (as test/support/feature-run.ts)
 * through a client that times every statement. Days alternate between the two populations.
 */
const { values } = parseArgs({
  options: {
    athletes: { type: 'string', default: '100' },
    days: { type: 'string', default: '730' },
    'short-days': { type: 'string', default: '90' },
    increments: { type: 'string', default: '3' },
    buckets: { type: 'string', default: '2' },
  },
});
const END = '2026-10-31';
const bench = await benchEnvironment();
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

type Timings = Map<string, number[]>;

/** A handle whose statements are timed under `label()` + their number within the label. */
function timed(ch: ClickHouse, timings: Timings, label: () => string): ClickHouse {
  const counters = new Map<string, number>();
  const client = new Proxy(ch.client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (!['query', 'command', 'insert', 'exec'].includes(String(property)))
        return (value as (...a: unknown[]) => unknown).bind(target);
      return async (params: { query?: string }) => {
        const base = label();
        const n = (counters.get(base) ?? 0) + 1;
        counters.set(base, n);
        const key = `${base} #${n} ${String(property)}`;
        const started = performance.now();
        const result = (await (value as (p: unknown) => Promise<unknown>).call(target, params)) as {
          json?: () => Promise<unknown>;
        };
        if (result && typeof result.json === 'function') {
          const rows = await result.json();
          result.json = async () => rows;
        }
        const list = timings.get(key) ?? [];
        list.push((performance.now() - started) / 1000);
        timings.set(key, list);
        return result;
      };
    },
  }) as ClickHouseClient;
  return { ...ch, client };
}

async function population(name: string, days: number) {
  const ch = await bench.database(name);
  const synthetic = {
    seed: 1,
    athletes: Number(values.athletes),
    days,
    endDate: END,
    streamShare: 0.1,
    athletesPerSlice: 25,
  };
  await bench.run(ch, ingestActivities, [{ synthetic }]);
  await bench.run(ch, featurePipeline, [{ asOf: END }]);
  return { ch, synthetic, timings: new Map() as Timings, totals: [] as number[] };
}

let lastVersion = Date.now();
async function oneDay(pop: Awaited<ReturnType<typeof population>>, day: number) {
  const asOf = addDays(END, day);
  const synthetic = { ...pop.synthetic, days: pop.synthetic.days + day, endDate: asOf, since: asOf };
  await bench.run(pop.ch, ingestActivities, [{ synthetic }]);
  let step = 'plan';
  const ch = timed(pop.ch, pop.timings, () => step);
  lastVersion += 1000;
  const version = lastVersion;
  const runId = `run-${version}`;
  const started = performance.now();
  const plan = await planFeatureRun(ch, {
    runId,
    version,
    asOf,
    athleteIds: [],
    fullRecompute: false,
    buckets: Number(values.buckets),
  });
  const input = { runId, version, asOf };
  step = 'activity';
  for (const bucket of plan.buckets) await computeActivityFeatures(ch, { ...input, bucket });
  step = 'daily';
  for (const bucket of plan.buckets) await computeDailyFeatures(ch, { ...input, bucket });
  step = 'rolling';
  for (const bucket of plan.buckets) await computeRollingFeatures(ch, { ...input, bucket });
  step = 'weekly';
  for (const bucket of plan.buckets) await computeWeeklyFeatures(ch, { ...input, bucket });
  step = 'checks';
  await checkFeatureTables(ch, version);
  step = 'finish';
  await recordRunOutcome(ch, runId, { status: 'succeeded', checks: [] });
  pop.totals.push((performance.now() - started) / 1000);
}

const long = await population('profile_long', Number(values.days));
const short = await population('profile_short', Number(values['short-days']));
for (let day = 1; day <= Number(values.increments); day += 1) {
  await oneDay(long, day);
  await oneDay(short, day);
}

/** Candidate reads, timed on both populations after the runs (alternated, 5 times each). */
const PROBES: Record<string, (db: string, asOf: string) => string> = {
  dailyFinalRecent: (db, d) =>
    `SELECT count(), sum(load) FROM ${db}.athlete_daily_features FINAL WHERE date >= toDate('${d}') - 89`,
  dailyPlainRecent: (db, d) =>
    `SELECT count(), sum(load) FROM ${db}.athlete_daily_features WHERE date >= toDate('${d}') - 89`,
  dailyLimitByRecent: (db, d) =>
    `SELECT count(), sum(load) FROM (SELECT athlete_id, date, load FROM ${db}.athlete_daily_features WHERE date >= toDate('${d}') - 89 ORDER BY athlete_id, date, version DESC LIMIT 1 BY athlete_id, date)`,
  activityFinalRecent: (db, d) =>
    `SELECT count(), sum(tss) FROM ${db}.activity_features FINAL WHERE local_date >= toDate('${d}')`,
  activityKeysRecent: (db, d) => `SELECT count() FROM ${db}.activity_features WHERE local_date >= toDate('${d}')`,
  activitiesFinalAll: (db) => `SELECT count(), max(local_date) FROM ${db}.activities FINAL`,
  activitiesKeysRecent: (db, d) => `SELECT count() FROM ${db}.activities WHERE local_date >= toDate('${d}')`,
  versionScan: (db) => `SELECT count() FROM ${db}.athlete_rolling_features WHERE version = 1`,
  minMaxDaily: (db) =>
    `SELECT count() FROM (SELECT athlete_id, min(date), max(date) FROM ${db}.athlete_daily_features GROUP BY athlete_id)`,
};
const asOfLast = addDays(END, Number(values.increments));
const probeTimes = new Map<string, number[]>();
for (let i = 0; i < 5; i += 1) {
  for (const [name, probe] of Object.entries(PROBES)) {
    for (const pop of [long, short]) {
      const started = performance.now();
      await (await pop.ch.client.query({ query: probe(pop.ch.db, asOfLast), format: 'JSONEachRow' })).json();
      const key = `${name} ${pop === long ? 'long' : 'short'}`;
      probeTimes.set(key, [...(probeTimes.get(key) ?? []), (performance.now() - started) / 1000]);
    }
  }
}
for (const name of Object.keys(PROBES)) {
  const [l, sh] = [median(probeTimes.get(`${name} long`)!), median(probeTimes.get(`${name} short`)!)];
  console.log(`probe ${name.padEnd(22)} | ${l.toFixed(4)} | ${sh.toFixed(4)} | ${(l / sh).toFixed(2)}`);
}

// Minimum over the days: the machine is shared, and the fastest of a few identical runs is the least disturbed.
const min = (list: number[]) => Math.min(...list);
console.log(`\nstatement | ${values.days} days (fastest s) | ${values['short-days']} days | ratio`);
const perStep = new Map<string, [number, number]>();
for (const [key, list] of long.timings) {
  const s = short.timings.get(key) ?? [NaN];
  const step = key.split(' ')[0]!;
  const [l0, s0] = perStep.get(step) ?? [0, 0];
  perStep.set(step, [l0 + min(list), s0 + min(s)]);
  console.log(
    `${key.padEnd(28)} | ${min(list).toFixed(3)} | ${min(s).toFixed(3)} | ${(min(list) / min(s)).toFixed(2)}`,
  );
}
for (const [step, [l, s]] of perStep)
  console.log(`step ${step.padEnd(23)} | ${l.toFixed(3)} | ${s.toFixed(3)} | ${(l / s).toFixed(2)}`);
console.log(
  `total, median (runs: ${long.totals.map((t) => t.toFixed(2)).join(', ')} / ${short.totals.map((t) => t.toFixed(2)).join(', ')}) | ` +
    `${median(long.totals).toFixed(3)} | ${median(short.totals).toFixed(3)} | ${(median(long.totals) / median(short.totals)).toFixed(2)}`,
);
await bench.close();
