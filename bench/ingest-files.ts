/**
 * Ingest of real files (issue 11): a CSV stream file, an NDJSON stream file and a folder of FIT files, each
 * beside the engine's (or the FIT SDK's) own limit on the same bytes, measured in the same run.
 *
 *   npx tsx bench/ingest-files.ts --csv-samples 2000000 --runs 3 --fit-files 1000 --fit-seconds 7200
 *
 * Every measure runs in a child process of its own (a fresh embedded ClickHouse in a temporary folder), so
 * its peak RSS is that measure's alone; product and limit runs are alternated. bench/ingest.ts imports
 * `ingestFileRows` to print the same rows.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Decoder, Stream } from '@garmin/fitsdk';
import { openClickHouse } from '../clickhouse/client.js';
import { migrate } from '../clickhouse/migrate.js';
import { classifyFile, planIngest } from '../ingest/classify-files.js';
import { ingestFile, promoteStreamUpload, stageStreamFile } from '../ingest/ingest-file.js';
import { FIT_DECODE_OPTIONS } from '../ingest/readers/fit.js';
import { encodeFitActivity } from '../test/support/fit-file.js';
import { ingestActivities } from '../workflows/index.js';
import { benchEnvironment } from './environment.js';
import { printTable, type BenchRow } from './report.js';
import { median } from './stats.js';

export interface FileBenchOptions {
  /** stream samples in the CSV and NDJSON files (activities of 3,600 samples) */
  samples: number;
  runs: number;
  /** FIT files in the folder and seconds of 1 Hz records in each (0 files: no FIT rows) */
  fitFiles: number;
  fitSeconds: number;
  /** also measure the CSV at 4× the samples, to show peak RSS does not grow with the file */
  flatness: boolean;
}

interface Measured {
  seconds: number;
  /** stream files: the part of `seconds` spent reading and staging the file (the rest: the promotion) */
  stageSeconds?: number;
  rows: number;
  peakRssMb: number;
}

type Measure = 'csv' | 'ndjson' | 'file-limit-csv' | 'file-limit-ndjson' | 'fit' | 'fit-sdk-decode';

const PER_ACTIVITY = 3_600;
const BENCH_FILE = fileURLToPath(import.meta.url);

/** Runs one measure in a child process (its own engine, its own peak RSS). */
function inChild(measure: Measure, dir: string): Measured {
  const out = execFileSync(process.execPath, ['--import', 'tsx', BENCH_FILE, '--child', measure, '--dir', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 << 20,
  });
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`${measure}: the child printed no result:\n${out}`);
  return JSON.parse(line.slice('RESULT '.length)) as Measured;
}

/** Product and limit alternated, `runs` times each. */
function alternate(product: Measure, limit: Measure, dir: string, runs: number) {
  const products: Measured[] = [];
  const limits: Measured[] = [];
  for (let run = 0; run < runs; run += 1) {
    products.push(inChild(product, dir));
    limits.push(inChild(limit, dir));
    console.error(
      `${product} run ${run + 1}: ${JSON.stringify(products.at(-1))} / ${limit}: ${JSON.stringify(limits.at(-1))}`,
    );
  }
  return { products, limits };
}

function row(
  measure: string,
  what: string,
  runs: { products: Measured[]; limits: Measured[] },
  target: { text: string; met: (seconds: number, limitSeconds: number, rows: number) => boolean },
): BenchRow {
  const seconds = runs.products.map((m) => m.seconds);
  const limitSeconds = runs.limits.map((m) => m.seconds);
  const rows = runs.products[0]!.rows;
  return {
    measure,
    seconds,
    rows,
    limit: { what, seconds: limitSeconds },
    peakRssMb: Math.max(...runs.products.map((m) => m.peakRssMb)),
    target: { text: target.text, met: target.met(median(seconds), median(limitSeconds), rows) },
  };
}

const millionPerSecond = {
  text: '≥ 1 M rows/s',
  met: (seconds: number, _limit: number, rows: number) => rows / seconds >= 1e6,
};

/** The benchmark's rows: CSV and NDJSON stream files, the FIT folder, and the CSV at 4× to show flat memory. */
export async function ingestFileRows(options: FileBenchOptions): Promise<BenchRow[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'afs-bench-files-'));
  try {
    const rows: BenchRow[] = [];
    const text = path.join(root, 'text');
    if (options.samples > 0) {
      writeTextExport(text, options.samples);
      const csv = alternate('csv', 'file-limit-csv', text, options.runs);
      rows.push(
        row(
          `CSV stream file, ${csv.products[0]!.rows.toLocaleString('en')} samples`,
          'bare INSERT … SELECT FROM file(CSVWithNames)',
          csv,
          millionPerSecond,
        ),
      );
      const json = alternate('ndjson', 'file-limit-ndjson', text, options.runs);
      rows.push(
        row(
          `NDJSON stream file, ${json.products[0]!.rows.toLocaleString('en')} samples`,
          'bare INSERT … SELECT FROM file(JSONEachRow)',
          json,
          millionPerSecond,
        ),
      );
      fs.rmSync(text, { recursive: true });
    }
    if (options.flatness && options.samples > 0) {
      const big = path.join(root, 'text-4x');
      writeTextExport(big, options.samples * 4);
      const csv4 = alternate('csv', 'file-limit-csv', big, 1);
      rows.push(
        row(
          `CSV stream file at 4×, ${csv4.products[0]!.rows.toLocaleString('en')} samples (peak RSS vs 1×)`,
          'bare INSERT … SELECT FROM file(CSVWithNames)',
          csv4,
          millionPerSecond,
        ),
      );
      fs.rmSync(big, { recursive: true });
    }
    if (options.fitFiles > 0) {
      const fit = path.join(root, 'fit');
      writeFitFolder(fit, options.fitFiles, options.fitSeconds);
      const runs = alternate('fit', 'fit-sdk-decode', fit, options.runs);
      rows.push(
        row(
          `folder of ${options.fitFiles} FIT files through ingestActivities, ${runs.products[0]!.rows.toLocaleString('en')} records`,
          'FIT SDK bare decode (Decoder.read, one thread), same files',
          runs,
          {
            text: 'within 1.5× of the SDK decode',
            met: (seconds, limit) => seconds <= 1.5 * limit,
          },
        ),
      );
    }
    return rows;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** athletes.csv, activities.csv and the same samples as streams.csv and streams.ndjson. */
function writeTextExport(dir: string, samples: number): void {
  fs.mkdirSync(path.join(dir, 'csv'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'ndjson'), { recursive: true });
  const activities = Math.ceil(samples / PER_ACTIVITY);
  for (const format of ['csv', 'ndjson']) {
    fs.writeFileSync(
      path.join(dir, format, 'athletes.csv'),
      'athlete_id,name,sex,birth_year,time_zone\nb1,Bench,F,1990,Europe/Paris\n',
    );
    const summaries = Array.from(
      { length: activities },
      (_, i) => `act${i},b1,ride,2024-01-01 06:00:00,30000,${PER_ACTIVITY},${PER_ACTIVITY},100`,
    );
    fs.writeFileSync(
      path.join(dir, format, 'activities.csv'),
      `activity_id,athlete_id,sport,start_time_utc,distance_m,moving_time_s,elapsed_time_s,elevation_gain_m\n${summaries.join('\n')}\n`,
    );
  }
  const csv = fs.openSync(path.join(dir, 'csv', 'streams.csv'), 'w');
  const ndjson = fs.openSync(path.join(dir, 'ndjson', 'streams.ndjson'), 'w');
  fs.writeSync(csv, 'activity_id,t_s,hr_bpm,power_w,speed_mps,altitude_m,cadence,distance_m\n');
  for (let a = 0; a < activities; a += 1) {
    const csvLines: string[] = [];
    const jsonLines: string[] = [];
    for (let t = 0; t < PER_ACTIVITY; t += 1) {
      const [hr, power, alt, dist] = [130 + (t % 30), 200 + (t % 50), 100 + (t % 20), (t * 8.3).toFixed(1)];
      csvLines.push(`act${a},${t},${hr},${power},8.3,${alt},90,${dist}`);
      jsonLines.push(
        `{"activity_id":"act${a}","t_s":${t},"hr_bpm":${hr},"power_w":${power},"speed_mps":8.3,"altitude_m":${alt},"cadence":90,"distance_m":${dist}}`,
      );
    }
    fs.writeSync(csv, `${csvLines.join('\n')}\n`);
    fs.writeSync(ndjson, `${jsonLines.join('\n')}\n`);
  }
  fs.closeSync(csv);
  fs.closeSync(ndjson);
}

/** A device export: `files` FIT activities of `seconds` 1 Hz records each (±50 %), encoded with the SDK. */
function writeFitFolder(dir: string, files: number, seconds: number): void {
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < files; i += 1) {
    const length = Math.max(60, Math.round(seconds * (0.5 + ((i * 7919) % 1000) / 1000)));
    const bytes = encodeFitActivity({
      sport: i % 3 === 0 ? 'running' : 'cycling',
      start: new Date(Date.UTC(2024, 0, 1) + i * 86_400_000 + 6 * 3_600_000),
      seconds: length,
      utcOffsetMin: 60,
      serialNumber: 3_900_000_000 + i,
      heartRate: (t) => 120 + 30 * Math.sin(t / 300) + (t % 7),
      power: (t) => 200 + 60 * Math.sin(t / 120) + (t % 11),
      speed: (t) => 7 + Math.sin(t / 200),
      altitude: (t) => 200 + 50 * Math.sin(t / 900),
    });
    fs.writeFileSync(path.join(dir, `activity-${String(i).padStart(5, '0')}.fit`), bytes);
  }
}

// ---- child side: one measure, one fresh engine ----

async function child(measure: Measure, dir: string): Promise<Measured> {
  if (measure === 'fit-sdk-decode') return sdkDecode(dir);
  if (measure === 'fit' && process.env.BENCH_FIT_FILE_BY_FILE !== '1') return fitThroughWorkflow(dir);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'afs-bench-child-'));
  const ch = openClickHouse({ kind: 'embedded', path: dataDir, database: 'bench_files' });
  try {
    await migrate(ch);
    const options = { now: new Date(), onProgress: () => {} };
    const ingest = (file: string, batchId: string, athleteId?: string) =>
      ingestFile(ch, classifyFile(file), { ...options, batchId, athleteId });
    const count = async (table: string) =>
      Number(
        (
          await (
            await ch.client.query({ query: `SELECT count() AS n FROM ${ch.db}.${table}`, format: 'JSONEachRow' })
          ).json<{ n: string }>()
        )[0]!.n,
      );
    let started: number;
    if (measure === 'csv' || measure === 'ndjson') {
      await ingest(path.join(dir, measure, 'athletes.csv'), 'athletes');
      await ingest(path.join(dir, measure, 'activities.csv'), 'activities');
      started = performance.now();
      // ingestFile's two steps, timed apart: reading and staging the file, then checking and storing the samples
      const file = classifyFile(path.join(dir, measure, `streams.${measure}`));
      const staged = await stageStreamFile(ch, file, 0, { ...options, batchId: 'streams-stage' });
      const stageSeconds = (performance.now() - started) / 1000;
      await promoteStreamUpload(ch, [staged], { batchId: 'streams' });
      const seconds = (performance.now() - started) / 1000;
      return { seconds, stageSeconds, rows: await count('activity_streams'), peakRssMb: peakRss() };
    }
    if (measure === 'fit') {
      await ch.client.insert({
        table: `${ch.db}.athletes`,
        values: [{ athlete_id: 'f1', name: 'Fit', sex: 'F', birth_year: 1990, time_zone: 'Europe/Paris' }],
        format: 'JSONEachRow',
      });
      started = performance.now();
      // BENCH_FIT_FILE_BY_FILE=1: ingestFile on each file, as the workflow did before ingestFitFiles (a comparison)
      for (const [i, file] of planIngest([dir], 'f1').entries())
        await ingestFile(ch, file, { ...options, batchId: `fit-${i}`, athleteId: 'f1' });
      return {
        seconds: (performance.now() - started) / 1000,
        rows: await count('activity_streams'),
        peakRssMb: peakRss(),
      };
    }
    const format = measure === 'file-limit-csv' ? 'CSVWithNames' : 'JSONEachRow';
    const file = path.join(dir, measure === 'file-limit-csv' ? 'csv/streams.csv' : 'ndjson/streams.ndjson');
    await ch.client.command({
      query: `CREATE TABLE ${ch.db}.limit_streams (activity_id String, t_s Float64, hr_bpm Nullable(Float64), power_w Nullable(Float64),
        speed_mps Nullable(Float64), altitude_m Nullable(Float64), cadence Nullable(Float64), distance_m Nullable(Float64))
        ENGINE = MergeTree ORDER BY (activity_id, t_s)`,
    });
    started = performance.now();
    await ch.client.command({
      query: `INSERT INTO ${ch.db}.limit_streams SELECT * FROM file({file:String}, '${format}', 'activity_id String, t_s Float64, hr_bpm Nullable(Float64), power_w Nullable(Float64), speed_mps Nullable(Float64), altitude_m Nullable(Float64), cadence Nullable(Float64), distance_m Nullable(Float64)')`,
      query_params: { file },
    });
    return { seconds: (performance.now() - started) / 1000, rows: await count('limit_streams'), peakRssMb: peakRss() };
  } finally {
    await ch.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The product path as users run it: `ingestActivities` on the folder (its FIT files in ingestFitFiles
 * activities) on a real Temporal dev server and a worker in this process; peak RSS covers the worker and the
 * embedded engine (the dev server is a process of its own).
 */
async function fitThroughWorkflow(dir: string): Promise<Measured> {
  const bench = await benchEnvironment();
  try {
    const ch = await bench.database('bench_fit');
    await ch.client.insert({
      table: `${ch.db}.athletes`,
      values: [{ athlete_id: 'f1', name: 'Fit', sex: 'F', birth_year: 1990, time_zone: 'Europe/Paris' }],
      format: 'JSONEachRow',
    });
    const { seconds, result } = await bench.run(ch, ingestActivities, [{ paths: [dir], athleteId: 'f1' }]);
    const peakRssMb = peakRss();
    if (result.byKind.fit?.sources !== fs.readdirSync(dir).length) throw new Error('not every FIT file was ingested');
    return { seconds, rows: await bench.count(ch, 'activity_streams'), peakRssMb };
  } finally {
    await bench.close();
  }
}

/** The SDK's decode of every file of the folder, with the reader's options, nothing else. */
function sdkDecode(dir: string): Measured {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.fit'))
    .sort();
  const started = performance.now();
  let rows = 0;
  for (const name of files) {
    const decoder = new Decoder(Stream.fromByteArray(fs.readFileSync(path.join(dir, name))));
    const { messages } = decoder.read(FIT_DECODE_OPTIONS);
    rows += messages.recordMesgs?.length ?? 0;
  }
  return { seconds: (performance.now() - started) / 1000, rows, peakRssMb: peakRss() };
}

const peakRss = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      dir: { type: 'string' },
      'csv-samples': { type: 'string', default: '2000000' },
      runs: { type: 'string', default: '3' },
      'fit-files': { type: 'string', default: '1000' },
      'fit-seconds': { type: 'string', default: '7200' },
      flatness: { type: 'string', default: 'yes' },
    },
  });
  if (values.child) {
    const result = await child(values.child as Measure, values.dir!);
    console.log(`RESULT ${JSON.stringify(result)}`);
    return;
  }
  const rows = await ingestFileRows({
    samples: Number(values['csv-samples']),
    runs: Number(values.runs),
    fitFiles: Number(values['fit-files']),
    fitSeconds: Number(values['fit-seconds']),
    flatness: values.flatness !== 'no',
  });
  printTable(
    `Ingest of files, medians of ${values.runs} runs (each measure in its own process; peak RSS is its own)`,
    rows,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === BENCH_FILE) await main();
