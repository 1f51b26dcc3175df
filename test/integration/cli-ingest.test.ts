/**
 * `npm run ingest` as real processes on the embedded engine (issue 6): a second ingest started while the
 * first holds the data hands its workflow to the first, which serves it before exiting (item 4); a failed
 * workflow's reason is the command's last line (item 13). Real dev server, real embedded engine.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/project-root.js';
import { ndjson, writeFiles } from '../support/files.js';
import { startTemporal } from '../support/temporal.js';
import { startWorkerProcess, type WorkerExit } from '../support/worker-process.js';

let env: TestWorkflowEnvironment;
const dataPath = fs.mkdtempSync(path.join(os.tmpdir(), 'afs-cli-'));
const running: { kill: () => void; exited: Promise<WorkerExit> }[] = [];

beforeAll(async () => {
  env = await startTemporal();
});
afterAll(async () => {
  for (const p of running) p.kill();
  await Promise.all(running.map((p) => p.exited));
  await env?.teardown();
  fs.rmSync(dataPath, { recursive: true, force: true });
});

interface Command {
  exited: Promise<WorkerExit>;
  output(): string;
  /** resolves when the output matches (rejects if the process exits first) */
  printed(pattern: RegExp): Promise<void>;
}

/** The configuration every process of a test shares: one dev server, one task queue, one embedded data path. */
const settings = (taskQueue: string) => ({
  TEMPORAL_ADDRESS: env.address,
  TEMPORAL_NAMESPACE: env.namespace ?? 'default',
  TEMPORAL_TASK_QUEUE: taskQueue,
  DATA_DIR: dataPath,
  CLICKHOUSE_URL: `chdb://${path.join(dataPath, 'clickhouse')}`,
  CLICKHOUSE_DATABASE: 'cli_test',
});

/** `npm run ingest -- ARGS` as `node --import tsx cli/ingest.ts` (npm would put a shell between), configured by its environment. */
function ingestCommand(args: string[], taskQueue: string): Command {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'cli', 'ingest.ts'), ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...settings(taskQueue) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners: (() => void)[] = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<WorkerExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  running.push({ kill: () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'), exited });
  return {
    exited,
    output: () => output,
    printed: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => pattern.test(output) && resolve();
        listeners.push(check);
        check();
        void exited.then(() => reject(new Error(`exited before printing ${pattern}:\n${output}`)));
      }),
  };
}

/** A hang shows as 'still running' instead of a test timeout that says nothing. */
async function exitWithin(command: Command, ms: number): Promise<WorkerExit | 'still running'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), ms)));
  try {
    return await Promise.race([command.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

const rides = (prefix: string) =>
  Array.from({ length: 40 }, (_, i) => ({
    activity_id: `${prefix}-${i}`,
    athlete_id: 'cli-athlete',
    sport: 'ride',
    start_time_utc: `2025-04-${String(1 + (i % 28)).padStart(2, '0')} 06:00:00`,
    distance_m: 100_000,
    moving_time_s: 20_000,
    elapsed_time_s: 20_000,
    elevation_gain_m: 100,
    device: 'edge',
  }));

/** 40 rides of 20,000 s with a sample every second: 800,000 samples. */
function streams(prefix: string): string {
  const lines = ['activity_id,t_s,hr_bpm,power_w,speed_mps,altitude_m,cadence,distance_m'];
  for (const ride of rides(prefix))
    for (let t = 0; t < 20_000; t += 1)
      lines.push(`${ride.activity_id},${t},${120 + (t % 40)},${180 + (t % 50)},5,100,85,${t * 5}`);
  return `${lines.join('\n')}\n`;
}

/** Two uploads of 40 rides each, long enough that a second command starts while the first works. */
function uploads(): string {
  return writeFiles({
    'first/athletes.ndjson': ndjson([
      { athlete_id: 'cli-athlete', name: 'Cli', sex: 'F', birth_year: 1990, time_zone: 'UTC' },
    ]),
    'first/activities.ndjson': ndjson(rides('first')),
    'first/streams.csv': streams('first'),
    'more/activities.ndjson': ndjson(rides('more')),
    'more/streams.csv': streams('more'),
  });
}

describe('npm run ingest', () => {
  const taskQueue = `cli-${randomUUID()}`;

  it('ends with the reason a workflow failed, not only "Workflow execution failed"', { timeout: 300_000 }, async () => {
    const failed = ingestCommand([path.join(os.tmpdir(), 'no-such-folder')], taskQueue);
    expect(await exitWithin(failed, 240_000)).toEqual({ code: 1, signal: null });
    const lastLine = failed.output().trim().split('\n').at(-1);
    expect(lastLine).toMatch(/^error: Workflow execution failed: .*no-such-folder: no such file or directory$/);
  });

  it('serves a workflow handed to it before exiting', { timeout: 600_000 }, async () => {
    const dir = uploads();
    const first = ingestCommand([path.join(dir, 'first')], taskQueue);
    await first.printed(/this command is the worker/);
    // The second ingests both uploads: its workflow is still running when the first's own is done.
    const second = ingestCommand([dir], taskQueue);
    await second.printed(/A running worker owns the embedded data/);
    expect(first.output()).not.toMatch(/inserted \d+, unchanged/); // the first is still at work: the hand-off happened

    expect(await exitWithin(first, 300_000)).toEqual({ code: 0, signal: null });
    expect(await exitWithin(second, 120_000)).toEqual({ code: 0, signal: null });
    expect(first.output()).toMatch(/Serving 1 more workflow\(s\) handed to this process/);
    for (const command of [first, second]) expect(command.output()).toMatch(/inserted \d+, unchanged \d+, rejected 0/);
    const inserted = [first, second].map((c) => Number(/inserted (\d+), unchanged/.exec(c.output())![1]));
    // Between them, every record once: one athlete, 80 activities, 1,600,000 samples.
    expect(inserted[0]! + inserted[1]!).toBe(1_600_081);
  });

  it(
    'takes the data over and finishes its workflow when the worker it handed it to dies',
    { timeout: 600_000 },
    async () => {
      const queue = `cli-takeover-${randomUUID()}`;
      const worker = await startWorkerProcess(settings(queue));
      running.push({ kill: () => worker.kill('SIGKILL'), exited: worker.exited });
      const command = ingestCommand([uploads()], queue);
      await command.printed(/A running worker owns the embedded data/);
      worker.kill('SIGKILL');
      expect(await worker.exited).toEqual({ code: null, signal: 'SIGKILL' });

      await command.printed(/The worker that held the data has exited: this command is the worker/);
      expect(await exitWithin(command, 400_000)).toEqual({ code: 0, signal: null });
      expect(command.output()).toMatch(/inserted \d+, unchanged \d+, rejected 0/);
    },
  );
});
