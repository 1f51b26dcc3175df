import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ingestActivities } from '../workflows/index.js';
import { benchEnvironment, machine } from './environment.js';
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
    runs: { type: 'string', default: '3' },
  },
});

const bench = await benchEnvironment();

async function populationRun(run: number) {
  const ch = await bench.database(`bench_population_${run}`);
  const { seconds } = await bench.run(ch, ingestActivities, [
    {
      synthetic: {
        seed: 1,
        athletes: Number(values.athletes),
        days: Number(values.days),
        streamShare: Number(values['stream-share']),
        athletesPerSlice: 25,
      },
    },
  ]);
  const samples = await bench.count(ch, 'activity_streams');
  const activities = await bench.count(ch, 'activities');
  await ch.client.command({ query: `DROP DATABASE ${ch.db}` });
  return { seconds, samples, activities, samplesPerSecond: samples / seconds };
}

async function csvRun(run: number) {
  const ch = await bench.database(`bench_csv_${run}`);
  const dir = path.join(bench.dataDir, `csv-${run}`);
  writeCsvExport(dir, Math.ceil(Number(values['csv-samples']) / 3_600), 3_600);
  const { seconds } = await bench.run(ch, ingestActivities, [{ paths: [dir] }]);
  const samples = await bench.count(ch, 'activity_streams');
  await ch.client.command({ query: `DROP DATABASE ${ch.db}` });
  fs.rmSync(dir, { recursive: true });
  return { seconds, samples, samplesPerSecond: samples / seconds };
}

function writeCsvExport(dir: string, activities: number, perActivity: number): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'athletes.csv'),
    'athlete_id,name,sex,birth_year,time_zone\nb1,Bench,F,1990,Europe/Paris\n',
  );
  const header =
    'activity_id,athlete_id,sport,start_time_utc,distance_m,moving_time_s,elapsed_time_s,elevation_gain_m\n';
  const rows = Array.from(
    { length: activities },
    (_, i) => `act${i},b1,ride,2024-01-01 06:00:00,30000,${perActivity},${perActivity},100`,
  );
  fs.writeFileSync(path.join(dir, 'activities.csv'), header + rows.join('\n'));
  const out = fs.openSync(path.join(dir, 'streams.csv'), 'w');
  fs.writeSync(out, 'activity_id,t_s,hr_bpm,power_w,speed_mps,altitude_m,cadence,distance_m\n');
  for (let a = 0; a < activities; a += 1) {
    const lines: string[] = [];
    for (let t = 0; t < perActivity; t += 1)
      lines.push(`act${a},${t},${130 + (t % 30)},${200 + (t % 50)},8.3,${100 + (t % 20)},90,${(t * 8.3).toFixed(1)}`);
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
const med = (rows: { seconds: number; samplesPerSecond: number }[]) =>
  `wall ${median(rows.map((r) => r.seconds)).toFixed(1)} s, ${(median(rows.map((r) => r.samplesPerSecond)) / 1e6).toFixed(2)} M stream rows/s`;
console.log(`\n== ingest benchmark, median of ${values.runs} runs; ${machine()}`);
console.log(
  `synthetic population ${values.athletes} athletes × ${values.days} days: ${population[0]!.activities} activities, ${population[0]!.samples} stream samples: ${med(population)} (whole workflow, summaries included)`,
);
console.log(`CSV stream file through Node: ${csv[0]!.samples} samples: ${med(csv)}`);
console.log(`peak RSS of the worker process (engine included): ${peakRssMb()} MB`);
await bench.close();
