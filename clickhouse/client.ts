import fs from 'node:fs';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import type { ClickHouseConfig } from '../config/env.js';
import { databaseName, type Database } from './sql.js';

type EmbeddedConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

export interface ClickHouse {
  client: ClickHouseClient;
  db: Database;
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
  const client = config.kind === 'embedded' ? openEmbedded(config.path) : openServer(config);
  return { client, db, close: () => client.close() };
}

function openEmbedded(dataPath: string): ClickHouseClient {
  fs.mkdirSync(dataPath, { recursive: true });
  try {
    // chdb implements the client's Connection interface, typed against its own copy of client-common.
    const connection = createChdbConnection({ path: dataPath }) as unknown as EmbeddedConnection;
    return createClient({ connection });
  } catch (error) {
    if (/Cannot lock file|already running|already (open|in use)/i.test(String(error))) {
      throw new EmbeddedClickHouseLockedError(dataPath);
    }
    throw error;
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
