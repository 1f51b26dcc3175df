import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { openClickHouse, type ClickHouse } from '../../clickhouse/client.js';
import { migrate } from '../../clickhouse/migrate.js';
import { databaseName } from '../../clickhouse/sql.js';

let shared: ClickHouse | undefined;

/**
 * The real embedded engine, one data path per test file (the engine allows one path per process and
 * vitest runs each file in its own process), and a fresh, migrated database per call for isolation.
 */
export async function freshDatabase(options: { migrated?: boolean } = {}): Promise<ClickHouse> {
  shared ??= openClickHouse({
    kind: 'embedded',
    path: fs.mkdtempSync(path.join(os.tmpdir(), 'afs-test-')),
    database: 'unused',
  });
  const ch: ClickHouse = {
    ...shared,
    db: databaseName(`t_${randomUUID().replaceAll('-', '')}`),
    close: async () => {},
  };
  if (options.migrated !== false) await migrate(ch);
  return ch;
}

export async function rows<T>(ch: ClickHouse, query: string, query_params: Record<string, unknown> = {}): Promise<T[]> {
  return (await ch.client.query({ query, query_params, format: 'JSONEachRow' })).json<T>();
}
