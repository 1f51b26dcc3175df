import { execFile, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The last line a bench child process printed, parsed as JSON (its result). */
export function runChild<T>(script: string, args: string[], env: Record<string, string> = {}): Promise<T> {
  return runProcess<T>(process.execPath, ['--import', 'tsx', script, ...args], env);
}

async function runProcess<T>(command: string, args: string[], env: Record<string, string>): Promise<T> {
  const { stdout } = await promisify(execFile)(command, args, {
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...env },
  });
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}

export interface PeerRun {
  seconds: number;
  steps: Record<string, number>;
  peakRssMb: number;
}

/** Runs the DuckDB peer in its own process over the raw exports in `raw`, writing its tables into `out`. */
export function runDuckDbPeer(options: {
  raw: string;
  out: string;
  asOf: string;
  memoryLimit: string;
  tempDir: string;
}) {
  return runChild<PeerRun>(path.join(here, 'duckdb.ts'), [
    '--raw',
    options.raw,
    '--out',
    options.out,
    '--as-of',
    options.asOf,
    '--threads',
    '2',
    '--memory-limit',
    options.memoryLimit,
    '--temp-dir',
    options.tempDir,
  ]);
}

/** Whether python3 can import polars (`pip install polars`): the Polars peer is optional, as XGBoost in bench:ml. */
export function polarsAvailable(): boolean {
  return spawnSync('python3', ['-c', 'import polars'], { stdio: 'ignore' }).status === 0;
}

/** Runs the Polars peer (bench/peer/polars_peer.py) in its own process, 2 threads. */
export function runPolarsPeer(options: { raw: string; out: string; asOf: string }) {
  return runProcess<PeerRun>('python3', [path.join(here, 'polars_peer.py'), options.raw, options.out, options.asOf], {
    POLARS_MAX_THREADS: '2',
  });
}
