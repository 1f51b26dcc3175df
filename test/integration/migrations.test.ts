import { describe, expect, it } from 'vitest';
import { migrate, MigrationError, type Migration } from '../../clickhouse/migrate.js';
import { freshDatabase, rows } from '../support/clickhouse.js';

describe('migrations', () => {
  it('applies every migration once; a second run is a no-op', async () => {
    const ch = await freshDatabase({ migrated: false });
    const first = await migrate(ch);
    expect(first.length).toBeGreaterThan(0);
    expect(await migrate(ch)).toEqual([]);
    const recorded = await rows<{ name: string }>(
      ch,
      `SELECT name FROM ${ch.db}.schema_migrations FINAL ORDER BY name`,
    );
    expect(recorded.map((r) => r.name)).toEqual(first);
  });

  it('creates the raw data model with its keys', async () => {
    const ch = await freshDatabase();
    const tables = await rows<{ name: string; engine: string; sorting_key: string }>(
      ch,
      'SELECT name, engine, sorting_key FROM system.tables WHERE database = {db:String} ORDER BY name',
      { db: ch.db },
    );
    const byName = Object.fromEntries(tables.map((t) => [t.name, t]));
    expect(byName.activities).toMatchObject({ engine: 'ReplacingMergeTree', sorting_key: 'athlete_id, activity_id' });
    expect(byName.activity_streams).toMatchObject({ engine: 'MergeTree', sorting_key: 'athlete_id, activity_id, t_s' });
    expect(byName.athlete_thresholds?.sorting_key).toBe('athlete_id, effective_from');
    for (const t of ['athletes', 'ingest_rejects', 'activity_stream_uploads', 'stream_staging'])
      expect(byName[t]).toBeDefined();
  });

  it('stops at a failing migration with its name and the ClickHouse error, and records nothing for it', async () => {
    const ch = await freshDatabase();
    const broken: Migration = {
      name: '9999_broken',
      statements: (db) => [`CREATE TABLE ${db}.x (a NoSuchType) ENGINE = Memory`],
    };
    const error = await migrate(ch, [broken]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect(String(error)).toMatch(/9999_broken.*NoSuchType/s);
    const recorded = await rows(ch, `SELECT name FROM ${ch.db}.schema_migrations WHERE name = '9999_broken'`);
    expect(recorded).toEqual([]);
  });
});
