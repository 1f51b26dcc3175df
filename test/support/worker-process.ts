import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll } from 'vitest';
import { projectRoot } from '../../lib/project-root.js';
import { startTemporal } from './temporal.js';

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WorkerProcess {
  pid: number;
  /** resolves when the process has exited (never rejects) */
  exited: Promise<WorkerExit>;
  /** everything the process printed so far, stdout and stderr interleaved */
  output(): string;
  kill(signal: NodeJS.Signals): void;
}

const READY = /Worker polling task queue/;

/**
 * `npm run worker` as a real child process (workers/main.ts, or another entry of workers/), configured only through its environment.
 * Started as `node --import tsx` rather than through npx/npm: those wrap the worker in a shell and a
 * second node process, so a signal sent to the child's pid would not reach the worker itself.
 * Resolves once the worker polls its task queue; rejects with its output if it exits before that.
 */
export function startWorkerProcess(env: Record<string, string>, entry = 'main.ts'): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'workers', entry)], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<WorkerExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (READY.test(output)) resolve(handle(child, exited, () => output));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', reject);
    void exited.then((exit) => reject(new Error(`worker exited before polling (${JSON.stringify(exit)}):\n${output}`)));
  });
}

function handle(child: ChildProcess, exited: Promise<WorkerExit>, output: () => string): WorkerProcess {
  return {
    pid: child.pid!,
    exited,
    output,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

export interface WorkerProcessSuite {
  /** the suite's dev server (set in beforeAll) */
  readonly env: TestWorkflowEnvironment;
  /** the embedded data path every worker process of the suite opens */
  readonly dataPath: string;
  readonly taskQueue: string;
  /** a new worker process on the suite's server, task queue and data; killed (SIGKILL) after all tests */
  spawnWorker(): Promise<WorkerProcess>;
}

/**
 * The scaffolding of a test that kills or stops real worker processes: a dev server for the file, a fresh embedded
 * data path, a task queue of its own (feature queue `name-<uuid>`, ML queue `name-<uuid>-ml`) and the workers it
 * spawned killed after all tests; `beforeTeardown` (closing the test's own ClickHouse handle) runs once they exited.
 */
export function workerProcessSuite(
  name: string,
  workerEnv: Record<string, string>,
  beforeTeardown: () => Promise<void> | undefined,
): WorkerProcessSuite {
  let env: TestWorkflowEnvironment | undefined;
  const children: WorkerProcess[] = [];
  const dataPath = fs.mkdtempSync(path.join(os.tmpdir(), `afs-${name}-`));
  const taskQueue = `${name}-${randomUUID()}`;
  beforeAll(async () => {
    env = await startTemporal();
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(children.map((child) => child.exited));
    await beforeTeardown();
    await env?.teardown();
    fs.rmSync(dataPath, { recursive: true, force: true });
  });
  return {
    get env() {
      if (!env) throw new Error('the dev server starts in beforeAll');
      return env;
    },
    dataPath,
    taskQueue,
    async spawnWorker() {
      const child = await startWorkerProcess({
        TEMPORAL_ADDRESS: env!.address,
        TEMPORAL_NAMESPACE: env!.namespace ?? 'default',
        TEMPORAL_TASK_QUEUE: taskQueue,
        ML_TASK_QUEUE: `${taskQueue}-ml`,
        CLICKHOUSE_URL: `chdb://${dataPath}`,
        ...workerEnv,
      });
      children.push(child);
      return child;
    },
  };
}
