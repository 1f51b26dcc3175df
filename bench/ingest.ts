import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { openClickHouse, type ClickHouse } from '../clickhouse/client.js';
import { migrate } from '../clickhouse/migrate.js';
import { databaseName } from '../clickhouse/sql.js';
import { temporalCliPath } from '../infra/temporal-cli.js';
import { createWorker } from '../workers/worker.js';
import { ingestActivities, type IngestInput, type IngestSummary } from '../workflows/index.js';
import { median, peakRssMb } from './stats.js';

/**
 * `npm run bench:ingest`: generate and ingest a synthetic population through Temporal (real dev server,
 * embedded ClickHouse), then a CSV stream file through the file path. Prints rates and peak RSS.
 */
const { values } = parseArgs({
  options: {
    athletes: { type: 'string', default: '1000' },
    days: { type: 'string', default: '730' },
    'stream-share': { type: 'string', default: '0.042' },
    'csv-samples': { type: 'string', default: '2000000' },
    runs: { type: 'string', default: '1' },
  },
});

Runtime.install({ logger: new DefaultLogger('WARN') });
const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: temporalCliPath() } } });
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'afs-bench-'));
const shared = openClickHouse({ kind: 'embedded', path: path.join(dataDir, 'clickhouse'), database: 'bench' });

async function ingest(ch: ClickHouse, input: IngestInput): Promise<{ summary: IngestSummary; seconds: number }> {
  const worker = await createWorker(env.nativeConnection, { address: '', namespace: 'default', taskQueue: `bench-${ch.db}` }, ch);
  const started = performance.now();
  const summary = await worker.runUntil(
    env.client.workflow.execute(ingestActivities, { args: [input], taskQueue: `bench-${ch.db}`, workflowId: `bench-${ch.db}-${Date.now()}` }),
  );
  return { summary, seconds: (performance.now() - started) / 1000 };
}

async function count(ch: ClickHouse, table: string): Promise<number> {
  const [row] = await (await ch.client.query({ query: `SELECT count() AS n FROM ${ch.db}.${table}`, format: 'JSONEachRow' })).json<{ n: string }>();
  return Number(row?.n);
}

async function populationRun(run: number) {
  const ch: ClickHouse = { ...shared, db: databaseName(`bench_population_${run}`) };
  await migrate(ch);
  const { seconds } = await ingest(ch, {
    synthetic: { seed: 1, athletes: Number(values.athletes), days: Number(values.days), streamShare: Number(values['stream-share']), athletesPerActivity: 100 },
  });
  const samples = await count(ch, 'activity_streams');
  const activities = await count(ch, 'activities');
  await ch.client.command({ query: `DROP DATABASE ${ch.db}` });
  return { seconds, samples, activities, samplesPerSecond: samples / seconds };
}

async function csvRun(run: number) {
  const ch: ClickHouse = { ...shared, db: databaseName(`bench_csv_${run}`) };
  await migrate(ch);
  const dir = path.join(dataDir, `csv-${run}`);
  const perActivity = 3_600;
  const activityCount = Math.ceil(Number(values['csv-samples']) / perActivity);
  writeCsvExport(dir, activityCount, perActivity);
  const { seconds } = await ingest(ch, { paths: [dir] });
  const samples = await count(ch, 'activity_streams');
  await ch.client.command({ query: `DROP DATABASE ${ch.db}` });
  return { seconds, samples, samplesPerSecond: samples / seconds };
}

function writeCsvExport(dir: string, activities: number, perActivity: number): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'athletes.csv'), 'athlete_id,name,sex,birth_year,time_zone\nb1,Bench,F,1990,Europe/Paris\n');
  const header = 'activity_id,athlete_id,sport,start_time_utc,distance_m,moving_time_s,elapsed_time_s,elevation_gain_m\n';
  const rows = Array.from({ length: activities }, (_, i) => `act${i},b1,ride,2024-01-01 06:00:00,30000,${perActivity},${perActivity},100`);
  fs.writeFileSync(path.join(dir, 'activities.csv'), header + rows.join('\n'));
  const out = fs.openSync(path.join(dir, 'streams.csv'), 'w');
  fs.writeSync(out, 'activity_id,t_s,hr_bpm,power_w,speed_mps,altitude_m,cadence,distance_m\n');
  for (let a = 0; a < activities; a += 1) {
    const lines: string[] = [];
    for (let t = 0; t < perActivity; t += 1) lines.push(`act${a},${t},${130 + (t % 30)},${200 + (t % 50)},8.3,${100 + (t % 20)},90,${t * 8.3}`);
    fs.writeSync(out, `${lines.join('\n')}\n`);
  }
  fs.closeSync(out);
}

const population = [];
const csv = [];
for (let run = 1; run <= Number(values.runs); run += 1) {
  population.push(await populationRun(run));
  console.log(`population run ${run}:`, population.at(-1));
  csv.push(await csvRun(run));
  console.log(`csv run ${run}:`, csv.at(-1));
}
console.log('\n== ingest benchmark (median of', values.runs, 'runs)');
console.log(`machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
console.log(`synthetic population: ${values.athletes} athletes × ${values.days} days, ${population[0]!.activities} activities, ${population[0]!.samples} stream samples`);
console.log(`  wall ${median(population.map((r) => r.seconds)).toFixed(1)} s; ${(median(population.map((r) => r.samplesPerSecond)) / 1e6).toFixed(2)} M stream rows/s (whole workflow, summaries included)`);
console.log(`CSV stream file through Node: ${csv[0]!.samples} samples, wall ${median(csv.map((r) => r.seconds)).toFixed(1)} s, ${(median(csv.map((r) => r.samplesPerSecond)) / 1e6).toFixed(2)} M rows/s`);
console.log(`peak RSS of the worker process (engine included): ${peakRssMb()} MB`);
await shared.close();
await env.teardown();
fs.rmSync(dataDir, { recursive: true, force: true });
