import { parseArgs } from 'node:util';
import type { ClickHouse } from '../clickhouse/client.js';
import { generateAthlete, insertStreamPlans } from '../generator/index.js';
import { generatedSamplesSelect } from '../generator/synthesize-streams.sql.js';
import { ingestActivities } from '../workflows/index.js';
import { benchEnvironment } from './environment.js';
import { RESULT_PREFIX, type SyntheticRun } from './ingest-synthetic.js';
import { peakRssMb } from './stats.js';

/**
 * One run of the synthetic ingest measure, in a process of its own (bench/ingest-synthetic.ts starts it), so
 * the peak RSS it reports is this run's alone: the worker and the embedded engine, read right after the
 * workflow and before the engine-limit references run. Prints one JSON line, `SyntheticRun`.
 */

const { values } = parseArgs({
  options: {
    athletes: { type: 'string' },
    days: { type: 'string' },
    'stream-share': { type: 'string' },
    'athletes-per-slice': { type: 'string' },
  },
});
const synthetic = {
  seed: 1,
  athletes: Number(values.athletes),
  days: Number(values.days),
  endDate: '2026-10-31',
  streamShare: Number(values['stream-share']),
  athletesPerSlice: Number(values['athletes-per-slice']),
};

const bench = await benchEnvironment();
const ch = await bench.database('bench_synthetic');
const cpu = process.cpuUsage();
const { seconds } = await bench.run(ch, ingestActivities, [{ synthetic }]);
const peak = peakRssMb();
const used = process.cpuUsage(cpu);
const samples = await bench.count(ch, 'activity_streams');
const activities = await bench.count(ch, 'activities');
const run: SyntheticRun = {
  seconds,
  cpuSeconds: (used.user + used.system) / 1e6,
  samples,
  activities,
  peakRssMb: peak,
  copySeconds: await bareCopy(ch),
  generateSeconds: await generatorAlone(ch),
};
await ch.client.command({ query: `DROP DATABASE ${ch.db}` });
await bench.close();
console.log(`${RESULT_PREFIX}${JSON.stringify(run)}`);

async function timed(query: string, query_params: Record<string, unknown> = {}): Promise<number> {
  const started = performance.now();
  await ch.client.command({ query, query_params });
  return (performance.now() - started) / 1000;
}

/** What storing these rows costs the engine when nothing is generated or checked. */
async function bareCopy(ch: ClickHouse): Promise<number> {
  await ch.client.command({ query: `CREATE TABLE ${ch.db}.limit_streams AS ${ch.db}.activity_streams` });
  return timed(`INSERT INTO ${ch.db}.limit_streams SELECT * FROM ${ch.db}.activity_streams`);
}

/** What synthesizing the samples costs the engine when nothing is checked or stored. */
async function generatorAlone(ch: ClickHouse): Promise<number> {
  for (let index = 0; index < synthetic.athletes; index += 1)
    await insertStreamPlans(ch, 'limit', generateAthlete(synthetic, index).streamPlans);
  await ch.client.command({
    query: `CREATE TABLE ${ch.db}.limit_null (activity_id String, t_s Float64, hr_bpm Nullable(Float64),
      power_w Nullable(Float64), speed_mps Nullable(Float64), altitude_m Nullable(Float64), cadence Nullable(Float64),
      distance_m Nullable(Float64)) ENGINE = Null`,
  });
  return timed(
    `INSERT INTO ${ch.db}.limit_null SELECT activity_id, t_s, hr_bpm, power_w, speed_mps, altitude_m, cadence, distance_m
     FROM (${generatedSamplesSelect(ch.db)})`,
    { batch_id: 'limit' },
  );
}
