import type { ClickHouse } from '../clickhouse/client.js';
import { FEATURE_VIEWS, type FeatureDefinition } from './catalog.js';
import { registeredFeaturesSql } from './registry.sql.js';

export { FEATURE_TABLES, type FeatureDefinition, type FeatureTable } from './catalog.js';

/** Keys, event dates and run bookkeeping: columns of the feature tables that are not features. */
export const NON_FEATURE_COLUMNS: readonly string[] = [
  ...new Set(FEATURE_VIEWS.flatMap((v) => [...v.key, v.eventDate])),
  'run_id',
  'version',
  'computed_at',
];

/** Every feature column, view by view (features/catalog.ts). */
export const FEATURES: FeatureDefinition[] = FEATURE_VIEWS.flatMap((v) => v.columns);

interface RegistryRow {
  table_name: string;
  column_name: string;
  definition: string;
  ch_type: string;
  unit: string;
  description: string;
}

function toRow(f: FeatureDefinition): RegistryRow {
  return {
    table_name: f.table,
    column_name: f.column,
    definition: f.definition,
    ch_type: f.type,
    unit: f.unit,
    description: f.description,
  };
}

const rowKey = (r: RegistryRow) =>
  JSON.stringify([r.table_name, r.column_name, r.definition, r.ch_type, r.unit, r.description]);

/**
 * Writes FEATURES to `feature_registry`; returns the rows it inserted. Rows already stored with the same
 * content are skipped, so a second sync inserts nothing. Older definitions of a column stay in the table.
 */
export async function syncFeatureRegistry(ch: ClickHouse, features: FeatureDefinition[] = FEATURES): Promise<number> {
  const result = await ch.client.query({ query: registeredFeaturesSql(ch.db), format: 'JSONEachRow' });
  const stored = new Set((await result.json<RegistryRow>()).map(rowKey));
  const missing = features.map(toRow).filter((row) => !stored.has(rowKey(row)));
  if (missing.length > 0) {
    await ch.client.insert({ table: `${ch.db}.feature_registry`, values: missing, format: 'JSONEachRow' });
  }
  return missing.length;
}
