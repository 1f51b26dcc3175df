import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { peakRssMb } from '../stats.js';
import { peerStatements } from './duckdb.sql.js';

/**
 * The DuckDB peer, run in a process of its own (so its peak RSS is its own): reads the raw Parquet exports,
 * computes the features (bench/peer/duckdb.sql.ts), writes them as Parquet, and prints one JSON line:
 * { seconds, steps: {name: seconds}, peakRssMb }. Started by bench/features.ts through runPeer().
 */
const { values } = parseArgs({
  options: {
    raw: { type: 'string' },
    out: { type: 'string' },
    'as-of': { type: 'string' },
    threads: { type: 'string', default: '2' },
    'memory-limit': { type: 'string', default: '1.5GB' },
    'temp-dir': { type: 'string' },
  },
});
if (!values.raw || !values.out || !values['as-of']) throw new Error('--raw, --out and --as-of are required');

const config: Record<string, string> = { threads: values.threads, memory_limit: values['memory-limit'] };
if (values['temp-dir']) config.temp_directory = values['temp-dir'];
fs.mkdirSync(values.out, { recursive: true });
const instance = await DuckDBInstance.create(':memory:', config);
const connection = await instance.connect();

const steps: Record<string, number> = {};
const started = performance.now();
for (const [name, sql] of peerStatements({ raw: values.raw, out: values.out }, values['as-of'])) {
  const stepStarted = performance.now();
  for (const statement of sql.split(/;\n/)) await connection.run(statement);
  steps[name] = (performance.now() - stepStarted) / 1000;
}
const seconds = (performance.now() - started) / 1000;
connection.closeSync();
console.log(JSON.stringify({ seconds, steps, peakRssMb: peakRssMb() }));
