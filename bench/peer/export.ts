import fs from 'node:fs';
import path from 'node:path';
import type { ClickHouse } from '../../clickhouse/client.js';
import type { Database } from '../../clickhouse/sql.js';
import { exportSql } from './export.sql.js';

/** Writes each query's rows to `<dir>/<name>.parquet`; returns the wall seconds it took. */
export async function exportParquet(
  ch: ClickHouse,
  queries: Record<string, (db: Database) => string>,
  dir: string,
): Promise<number> {
  fs.mkdirSync(dir, { recursive: true });
  const started = performance.now();
  for (const [name, query] of Object.entries(queries)) {
    await ch.client.command({ query: exportSql(query(ch.db), path.join(dir, `${name}.parquet`)) });
  }
  return (performance.now() - started) / 1000;
}
