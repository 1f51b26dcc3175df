import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../infra/temporal-cli.js';

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
