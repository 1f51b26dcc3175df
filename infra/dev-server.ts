import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { AppConfig } from '../config/env.js';
import { temporalCliPath } from './temporal-cli.js';

export interface DevServer {
  uiUrl: string;
  startedNow: boolean;
}

export async function serverAnswers(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: '1s' });
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * The Temporal dev server (with its Web UI) on TEMPORAL_ADDRESS, persisted in DATA_DIR/temporal.db.
 * Started in the background when nothing answers there, and left running so the UI stays open.
 */
export async function ensureDevServer(config: AppConfig): Promise<DevServer> {
  const [host, port] = config.temporal.address.split(':') as [string, string];
  const uiUrl = `http://${host}:${Number(port) + 1000}`;
  if (await serverAnswers(config.temporal.address)) return { uiUrl, startedNow: false };
  if (!['localhost', '127.0.0.1'].includes(host)) {
    throw new Error(
      `No Temporal server answers at ${config.temporal.address}, and a dev server can only be started on localhost.`,
    );
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  const log = fs.openSync(path.join(config.dataDir, 'temporal.log'), 'a');
  const child = spawn(
    temporalCliPath(),
    [
      'server',
      'start-dev',
      '--db-filename',
      path.join(config.dataDir, 'temporal.db'),
      '--ip',
      host === 'localhost' ? '127.0.0.1' : host,
      '--port',
      port,
      '--ui-port',
      String(Number(port) + 1000),
      '--namespace',
      config.temporal.namespace,
      '--log-level',
      'warn',
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  child.unref();
  fs.writeFileSync(pidFile(config), String(child.pid));
  for (let waited = 0; waited < 60_000; waited += 500) {
    if (await serverAnswers(config.temporal.address)) return { uiUrl, startedNow: true };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(
    `The Temporal dev server did not come up on ${config.temporal.address}: see ${path.join(config.dataDir, 'temporal.log')}`,
  );
}

export function pidFile(config: AppConfig): string {
  return path.join(config.dataDir, 'temporal.pid');
}

export function stopDevServer(config: AppConfig): boolean {
  if (!fs.existsSync(pidFile(config))) return false;
  const pid = Number(fs.readFileSync(pidFile(config), 'utf8'));
  fs.rmSync(pidFile(config));
  try {
    process.kill(pid, 'SIGTERM');
    return true;
  } catch {
    return false;
  }
}
