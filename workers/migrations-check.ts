import type { ClickHouse } from '../clickhouse/client.js';
import { migrate } from '../clickhouse/migrate.js';
import { migrations } from '../clickhouse/migrations/index.js';

/**
 * Workers do not change the schema: migrations are a deploy step of their own (`npm run migrate`, a one-shot job in
 * the compose stack). The embedded engine is the exception: no other process can open its data while the worker
 * holds it, so there the worker applies them itself.
 */
export async function prepareSchema(ch: ClickHouse, embedded: boolean): Promise<void> {
  if (embedded) {
    await migrate(ch);
    return;
  }
  const pending = await pendingMigrations(ch);
  if (pending.length > 0) {
    throw new Error(
      `The ClickHouse schema of ${ch.db} lacks migration(s) ${pending.join(', ')}: run \`npm run migrate\` (the migrate job) first.`,
    );
  }
}

async function pendingMigrations(ch: ClickHouse): Promise<string[]> {
  let applied: Set<string>;
  try {
    const result = await ch.client.query({
      query: `SELECT name FROM ${ch.db}.schema_migrations FINAL`,
      format: 'JSONEachRow',
    });
    applied = new Set((await result.json<{ name: string }>()).map((r) => r.name));
  } catch {
    applied = new Set();
  }
  return migrations.map((m) => m.name).filter((name) => !applied.has(name));
}
