import fs from 'node:fs';
import path from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import type { ClickHouseConfig } from '../config/env.js';
import { databaseName, type Database } from './sql.js';
import { shardedTables, withClusterDml } from './cluster.js';
import { migrations } from './migrations/index.js';
import { isolateQuerySettings, type EmbeddedConnection } from './embedded-settings.js';

export interface ClickHouse {
  client: ClickHouseClient;
  db: Database;
  /** the embedded engine (chdb), which reads this machine's files itself (`file()`) */
  embedded?: boolean;
  close(): Promise<void>;
}

/** The embedded engine holds a file lock on its data path: one process at a time. */
export class EmbeddedClickHouseLockedError extends Error {
  constructor(dataPath: string) {
    super(
      `The embedded ClickHouse at ${dataPath} is already open in another process (a worker or the demo). ` +
        'Only one process may open an embedded data path. Start work through Temporal (the running worker owns the data), ' +
        'stop the other process, or set CLICKHOUSE_URL to a ClickHouse server.',
    );
    this.name = 'EmbeddedClickHouseLockedError';
  }
}

export function openClickHouse(config: ClickHouseConfig): ClickHouse {
  const db = databaseName(config.database);
  const opened = config.kind === 'embedded' ? openEmbedded(config.path) : openServer(config);
  // Cluster mode: DELETE / DROP PARTITION go to the shards' local tables (Distributed tables refuse them).
  const client =
    config.kind === 'server' && config.cluster
      ? withClusterDml(opened, config.cluster, shardedTables(migrations.flatMap((m) => m.statements(db))))
      : opened;
  return { client, db, embedded: config.kind === 'embedded', close: () => client.close() };
}

function openEmbedded(dataPath: string): ClickHouseClient {
  fs.mkdirSync(dataPath, { recursive: true });
  try {
    // chdb implements the client's Connection interface, typed against its own copy of client-common.
    const connection = createChdbConnection({ path: dataPath }) as unknown as EmbeddedConnection;
    return createClient({ connection: isolateQuerySettings(connection) });
  } catch (error) {
    if (
      /Cannot lock file|already running|already (open|in use)/i.test(String(error)) ||
      heldByAnotherProcess(dataPath)
    ) {
      throw new EmbeddedClickHouseLockedError(dataPath);
    }
    throw error;
  }
}

/**
 * chdb 3.4 throws only "Failed to create connection for path …" when the data lock is taken (the engine's
 * "Cannot lock file …/status" goes to stderr), so the lock holder is read from the engine's status file.
 * The lock itself is an flock the kernel drops when its process dies: a status file left behind by a
 * killed worker names a dead pid and does not count.
 */
function heldByAnotherProcess(dataPath: string): boolean {
  let status: string;
  try {
    status = fs.readFileSync(path.join(dataPath, 'status'), 'utf8');
  } catch {
    return false;
  }
  const pid = Number(/^PID: (\d+)$/m.exec(status)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function openServer(config: Extract<ClickHouseConfig, { kind: 'server' }>): ClickHouseClient {
  return createClient({
    url: config.url,
    username: config.username,
    password: config.password,
    request_timeout: 600_000,
    clickhouse_settings: { date_time_input_format: 'best_effort' },
  });
}
