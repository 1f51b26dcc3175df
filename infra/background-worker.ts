import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config/env.js';
import { projectRoot } from '../lib/project-root.js';

const READY = /Worker polling task queue/;

const pidFile = (config: AppConfig) => path.join(config.dataDir, 'worker.pid');
export const workerLog = (config: AppConfig) => path.join(config.dataDir, 'worker.log');

function runningPid(config: AppConfig): number | undefined {
  if (!fs.existsSync(pidFile(config))) return undefined;
  const pid = Number(fs.readFileSync(pidFile(config), 'utf8'));
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/**
 * The all-in-one worker (`npm run worker`) in the background, logging to DATA_DIR/worker.log, so workflows started
 * from the UI or a schedule run after the demo has exited. Returns its pid once it polls.
 */
export async function ensureBackgroundWorker(config: AppConfig): Promise<{ pid: number; startedNow: boolean }> {
  const running = runningPid(config);
  if (running) return { pid: running, startedNow: false };
  fs.mkdirSync(config.dataDir, { recursive: true });
  const logPath = workerLog(config);
  const offset = fs.existsSync(logPath) ? fs.statSync(logPath).size : 0;
  const log = fs.openSync(logPath, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'workers', 'main.ts')], {
    cwd: projectRoot,
    detached: true,
    stdio: ['ignore', log, log],
    env: process.env,
  });
  child.unref();
  fs.writeFileSync(pidFile(config), String(child.pid));
  for (let waited = 0; waited < 120_000; waited += 500) {
    if (READY.test(fs.readFileSync(logPath, 'utf8').slice(offset))) return { pid: child.pid!, startedNow: true };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`The worker did not start polling: see ${logPath}`);
}

/** SIGTERM (the worker drains its in-flight activities), then waits for it to exit. */
export async function stopBackgroundWorker(config: AppConfig): Promise<boolean> {
  const pid = runningPid(config);
  fs.rmSync(pidFile(config), { force: true });
  if (!pid) return false;
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; waited < 60_000; waited += 250) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return true;
}
