import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openClickHouse, type ClickHouse } from '../clickhouse/client.js';
import { migrate } from '../clickhouse/migrate.js';
import { databaseName } from '../clickhouse/sql.js';
import { ingestSyntheticSlice } from '../ingest/synthetic.js';
import { machine } from './environment.js';
import { median } from './stats.js';

/**
 * `npx tsx bench/ingest-slice.ts`: one synthetic slice through `ingestSyntheticSlice` (no Temporal), every
 * ClickHouse statement timed, so a profile shows where a slice's time goes. Each run ingests into a fresh
 * database; the table lists each statement's median over the runs, and the content hash of
 * `activity_streams` (equal across code versions when the samples are the same).
 */
const { values } = parseArgs({
  options: {
    athletes: { type: 'string', default: '25' },
    days: { type: 'string', default: '730' },
    'stream-share': { type: 'string', default: '0.042' },
    runs: { type: 'string', default: '3' },
  },
});

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'afs-slice-'));
const shared = openClickHouse({ kind: 'embedded', path: path.join(dataDir, 'clickhouse'), database: 'bench' });
const options = {
  seed: 1,
  athletes: Number(values.athletes),
  days: Number(values.days),
  endDate: '2026-10-31',
  streamShare: Number(values['stream-share']),
};

/** Per statement: wall seconds and process CPU seconds (the engine's threads included) while it ran. */
type Timings = Map<string, { wall: number; cpu: number }>;

/** The highest RSS (MB) seen during each statement, sampled every 10 ms while it runs (the engine works off the event loop). */
const rssDuring = new Map<string, number>();
let sampling: { name: string } | undefined;
setInterval(() => {
  if (!sampling) return;
  const mb = Math.round(process.memoryUsage.rss() / 2 ** 20);
  rssDuring.set(sampling.name, Math.max(rssDuring.get(sampling.name) ?? 0, mb));
}, 10).unref();

/** The statement's kind and the table it names first: enough to tell the slice's statements apart. */
function label(sql: string): string {
  const text = sql.replace(/\s+/g, ' ').trim();
  const table = /\b(?:INTO|FROM|TABLE|JOIN)\s+[\w]+\.(\w+)/i.exec(text)?.[1] ?? '';
  return `${text.split(' ')[0]!.toUpperCase()} ${table}`;
}

/** A client whose query/command/insert calls add their wall time to `timings` under their label. */
function timedClient(ch: ClickHouse, timings: Timings): ClickHouse {
  const add = (name: string, started: number, cpu: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(cpu);
    const sum = timings.get(name) ?? { wall: 0, cpu: 0 };
    sum.wall += (performance.now() - started) / 1000;
    sum.cpu += (used.user + used.system) / 1e6;
    timings.set(name, sum);
  };
  const client = new Proxy(ch.client, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (typeof value !== 'function') return value;
      if (!['query', 'command', 'insert'].includes(String(property))) return value.bind(target);
      return async (params: { query?: string; table?: string }) => {
        const name = params.query ? label(params.query) : `INSERT ${params.table?.split('.').at(-1)} (from Node)`;
        const started = performance.now();
        const cpu = process.cpuUsage();
        sampling = { name };
        const result = (await (value as (p: unknown) => Promise<unknown>).call(target, params)) as {
          json?: () => Promise<unknown>;
        };
        if (property !== 'query') {
          sampling = undefined;
          add(name, started, cpu);
          return result;
        }
        const rows = await result.json!();
        sampling = undefined;
        add(name, started, cpu);
        return { json: async () => rows };
      };
    },
  });
  return { ...ch, client };
}

async function streamsHash(ch: ClickHouse): Promise<{ n: string; h: string }> {
  const result = await ch.client.query({
    query: `SELECT count() AS n, toString(groupBitXor(cityHash64(*))) AS h FROM ${ch.db}.activity_streams`,
    format: 'JSONEachRow',
  });
  return (await result.json<{ n: string; h: string }>())[0]!;
}

const runs: { total: number; cpu: number; timings: Timings; hash: { n: string; h: string } }[] = [];
for (let run = 1; run <= Number(values.runs); run += 1) {
  const ch: ClickHouse = { ...shared, db: databaseName(`bench_slice_${run}`) };
  await ch.client.command({ query: `DROP DATABASE IF EXISTS ${ch.db}` });
  await migrate(ch);
  const timings: Timings = new Map();
  const started = performance.now();
  const cpu = process.cpuUsage();
  await ingestSyntheticSlice(
    timedClient(ch, timings),
    { options, from: 0, to: options.athletes, batchId: `slice-${run}` },
    new Date('2026-11-01T00:00:00Z'),
    () => {},
  );
  const total = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  runs.push({ total, cpu: (used.user + used.system) / 1e6, timings, hash: await streamsHash(ch) });
  await ch.client.command({ query: `DROP DATABASE ${ch.db}` });
  console.log(`run ${run}: ${total.toFixed(2)} s, activity_streams ${JSON.stringify(runs.at(-1)!.hash)}`);
}

console.log(`\n${machine()}; ${options.athletes} athletes × ${options.days} days, stream share ${options.streamShare}`);
console.log('| statement | wall s, median (runs) | CPU s, median | highest RSS during it, MB |');
console.log('| --- | --- | --- | --- |');
const names = [...new Set(runs.flatMap((r) => [...r.timings.keys()]))];
const row = (name: string, seconds: number[], cpu: number[] = []) =>
  console.log(
    `| ${name} | ${median(seconds).toFixed(3)} (${seconds.map((s) => s.toFixed(3)).join(', ')}) | ` +
      `${cpu.length ? median(cpu).toFixed(3) : ''} | ${rssDuring.get(name) ?? ''} |`,
  );
for (const name of names)
  row(
    name,
    runs.map((r) => r.timings.get(name)?.wall ?? 0),
    runs.map((r) => r.timings.get(name)?.cpu ?? 0),
  );
const inStatements = runs.map((r) => [...r.timings.values()].reduce((a, b) => a + b.wall, 0));
row(
  'Node between statements (generation, validation)',
  runs.map((r, i) => r.total - inStatements[i]!),
);
row(
  '**whole slice**',
  runs.map((r) => r.total),
  runs.map((r) => r.cpu),
);
console.log(`peak RSS of the process: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
await shared.close();
fs.rmSync(dataDir, { recursive: true, force: true });
