import type { ClickHouse } from './client.js';
import { shardedTables, statementsFor } from './cluster.js';
import type { Database } from './sql.js';
import { migrations as allMigrations } from './migrations/index.js';

export interface Migration {
  name: string;
  /** Each statement must be idempotent (IF NOT EXISTS), so a migration interrupted half-way can run again. */
  statements: (db: Database) => string[];
}

export class MigrationError extends Error {
  constructor(migration: string, cause: unknown) {
    super(`Migration ${migration} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MigrationError';
  }
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`; returns the names it applied. With `cluster`
 * (CLICKHOUSE_CLUSTER) every statement is rewritten for the cluster (clickhouse/cluster.ts); without it they run as written.
 */
export async function migrate(
  ch: ClickHouse,
  migrations: Migration[] = allMigrations,
  options: { cluster?: string } = {},
): Promise<string[]> {
  const { client, db } = ch;
  const ddl = ddlFor(ch, migrations, options.cluster);
  for (const query of ddl([`CREATE DATABASE IF NOT EXISTS ${db}`, schemaMigrationsTable(db)]))
    await client.command({ query });
  const applied = new Set(
    (
      await (
        await client.query({ query: `SELECT name FROM ${db}.schema_migrations FINAL`, format: 'JSONEachRow' })
      ).json<{ name: string }>()
    ).map((r) => r.name),
  );
  const pending = migrations.filter((m) => !applied.has(m.name));
  for (const migration of pending) {
    try {
      for (const statement of ddl(migration.statements(db))) await client.command({ query: statement });
    } catch (error) {
      throw new MigrationError(migration.name, error);
    }
    await client.command({
      query: `INSERT INTO ${db}.schema_migrations (name, applied_at) SELECT {name:String} AS name, now64(3) AS applied_at`,
      query_params: { name: migration.name },
    });
  }
  return pending.map((m) => m.name);
}

export const schemaMigrationsTable = (db: Database) =>
  `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations (name String, applied_at DateTime64(3, 'UTC'))
            ENGINE = ReplacingMergeTree ORDER BY name`;

/** Statements as they run: unchanged on one server, rewritten for the cluster in cluster mode. */
export function ddlFor(
  ch: Pick<ClickHouse, 'db'>,
  migrations: Migration[],
  cluster: string | undefined,
): (statements: string[]) => string[] {
  const sharded = cluster ? shardedTables(migrations.flatMap((m) => m.statements(ch.db))) : new Set<string>();
  return (statements) => statementsFor(statements, cluster, sharded);
}
