import { describe, expect, it } from 'vitest';
import {
  FEATURE_TABLES,
  FEATURES,
  NON_FEATURE_COLUMNS,
  syncFeatureRegistry,
  type FeatureDefinition,
} from '../../features/registry.js';
import { freshDatabase, rows } from '../support/clickhouse.js';

interface Column {
  table: string;
  name: string;
  type: string;
}

describe('feature registry', () => {
  it('registers every column of the feature tables, with the type the table has', async () => {
    const ch = await freshDatabase();
    const columns = await rows<Column>(
      ch,
      'SELECT table, name, type FROM system.columns WHERE database = {db:String} AND table IN {tables:Array(String)}',
      { db: ch.db, tables: [...FEATURE_TABLES] },
    );
    expect(new Set(columns.map((c) => c.table))).toEqual(new Set(FEATURE_TABLES));

    const typeOf = new Map(columns.map((c) => [`${c.table}.${c.name}`, c.type]));
    const registeredTypes = FEATURES.map((f) => [`${f.table}.${f.column}`, typeOf.get(`${f.table}.${f.column}`)]);
    expect(registeredTypes).toEqual(FEATURES.map((f) => [`${f.table}.${f.column}`, f.type]));

    const registered = new Set(FEATURES.map((f) => `${f.table}.${f.column}`));
    const unregistered = columns
      .filter((c) => !NON_FEATURE_COLUMNS.includes(c.name) && !registered.has(`${c.table}.${c.name}`))
      .map((c) => `${c.table}.${c.name}`);
    expect(unregistered).toEqual([]);
  });

  it('names each feature once, with a unit, a description and a name@version definition', () => {
    const keys = FEATURES.map((f) => `${f.table}.${f.column}`);
    expect(new Set(keys).size).toBe(keys.length);
    const definitions = FEATURES.map((f) => f.definition);
    expect(new Set(definitions).size).toBe(definitions.length);
    for (const f of FEATURES) {
      expect(f.definition).toMatch(/^[a-z0-9_]+@[1-9][0-9]*$/);
      expect(f.unit.length).toBeGreaterThan(0);
      expect(f.description.length).toBeGreaterThan(0);
    }
  });

  it('syncs to feature_registry idempotently and keeps older definitions of a column', async () => {
    const ch = await freshDatabase();
    const stored = () =>
      rows<{
        table_name: string;
        column_name: string;
        definition: string;
        ch_type: string;
        unit: string;
        description: string;
      }>(
        ch,
        `SELECT table_name, column_name, definition, ch_type, unit, description
         FROM ${ch.db}.feature_registry FINAL ORDER BY table_name, column_name, definition`,
      );

    expect(await syncFeatureRegistry(ch)).toBe(FEATURES.length);
    expect(await syncFeatureRegistry(ch)).toBe(0);
    const first = await stored();
    expect(first).toHaveLength(FEATURES.length);
    expect(first.find((r) => r.column_name === 'ctl')).toMatchObject({
      table_name: 'athlete_rolling_features',
      definition: 'ctl@1',
      ch_type: 'Float64',
      unit: 'TSS points/day',
    });

    const ctl2: FeatureDefinition[] = FEATURES.map((f) =>
      f.definition === 'ctl@1' ? { ...f, definition: 'ctl@2' } : f,
    );
    expect(await syncFeatureRegistry(ch, ctl2)).toBe(1);
    const second = await stored();
    expect(second).toHaveLength(FEATURES.length + 1);
    expect(
      second
        .filter((r) => r.column_name === 'ctl' && r.table_name === 'athlete_rolling_features')
        .map((r) => r.definition),
    ).toEqual(['ctl@1', 'ctl@2']);
  });
});
