import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../workers/worker.js';
import { projectRoot } from '../lib/project-root.js';
import type { BenchRow } from './report.js';
import { median } from './stats.js';

export interface SyntheticOptions {
  athletes: number;
  days: number;
  streamShare: number;
  athletesPerSlice: number;
  runs: number;
}

/** What one child run (bench/ingest-synthetic-run.ts) reports, on a line of its own after RESULT_PREFIX. */
export interface SyntheticRun {
  seconds: number;
  /** CPU seconds of the worker process during the workflow (all its threads, the engine's included) */
  cpuSeconds: number;
  samples: number;
  activities: number;
  peakRssMb: number;
  /** bare INSERT … SELECT of the same stored rows into an empty copy of activity_streams */
  copySeconds: number;
  /** the generator's SELECT alone, every plan of the population, into a Null table */
  generateSeconds: number;
}

export const RESULT_PREFIX = 'synthetic-run ';

/** Issue 11's targets for the synthetic ingest. */
const TARGET = { rowsPerSecond: 1.5e6, peakRssMb: 1_000 };

/**
 * One run in a child process of its own (a fresh dev server, worker and engine): its peak RSS is its own. The
 * worker loads a prebuilt workflow bundle, as a deployed worker does (NODE_ENV=production), rather than
 * bundling workflows/ with webpack at start-up (about 100 MB of peak RSS and 1.3 CPU seconds, not ingest's).
 */
function runChild(o: SyntheticOptions, workflowBundle: string): Promise<SyntheticRun> {
  const args = [
    '--import',
    'tsx',
    path.join(projectRoot, 'bench', 'ingest-synthetic-run.ts'),
    ...['--athletes', String(o.athletes), '--days', String(o.days)],
    ...['--stream-share', String(o.streamShare), '--athletes-per-slice', String(o.athletesPerSlice)],
  ];
  const child = spawn(process.execPath, args, {
    cwd: projectRoot,
    env: { ...process.env, WORKFLOW_BUNDLE: workflowBundle },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = output.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code === 0 && line) resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as SyntheticRun);
      else reject(new Error(`synthetic run exited with ${code}:\n${output}`));
    });
  });
}

/**
 * The synthetic population through `ingestActivities`, `runs` times: the whole workflow's stream rows per
 * second beside a bare INSERT … SELECT of the same rows, and the generator's SELECT alone.
 */
export async function syntheticRows(o: SyntheticOptions): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afs-bench-bundle-'));
  const workflowBundle = path.join(dir, 'workflow-bundle.js');
  fs.writeFileSync(workflowBundle, (await bundleWorkflowCode({ workflowsPath })).code);
  const runs: SyntheticRun[] = [];
  try {
    for (let run = 1; run <= o.runs; run += 1) {
      runs.push(await runChild(o, workflowBundle));
      console.log(`synthetic run ${run}:`, runs.at(-1));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const samples = runs[0]!.samples;
  const seconds = runs.map((r) => r.seconds);
  const peak = Math.max(...runs.map((r) => r.peakRssMb));
  const rate = samples / median(seconds);
  return [
    {
      measure:
        `ingest, synthetic ${o.athletes} athletes × ${o.days} days through ingestActivities ` +
        `(${runs[0]!.activities.toLocaleString('en')} activity records, ${samples.toLocaleString('en')} stream samples, ` +
        `slices of ${o.athletesPerSlice}; worker CPU ${median(runs.map((r) => r.cpuSeconds)).toFixed(1)} s (median); ` +
        `peak RSS: the highest run's worker process, engine included, prebuilt workflow bundle)`,
      seconds,
      rows: samples,
      limit: {
        what: 'bare INSERT … SELECT of the same rows into a copy of activity_streams',
        seconds: runs.map((r) => r.copySeconds),
      },
      peakRssMb: peak,
      target: {
        text: '≥ 1.5 M stream rows/s, peak RSS ≤ 1 GB',
        met: rate >= TARGET.rowsPerSecond && peak <= TARGET.peakRssMb,
      },
    },
    {
      measure: `of which the synthesis alone: the generator's SELECT over every plan of the population into a Null table`,
      seconds: runs.map((r) => r.generateSeconds),
      rows: samples,
    },
  ];
}
