/**
 * Reading the four feature tables as readers see them (FINAL, without the run's bookkeeping columns) and
 * telling two such snapshots apart cell by cell, numbers within a relative tolerance.
 */
import type { ClickHouse } from '../../clickhouse/client.js';
import { FEATURE_TABLES, FEATURE_VIEWS, type FeatureTable } from '../../features/catalog.js';
import { rows } from './clickhouse.js';

export { FEATURE_TABLES, type FeatureTable };
export const FEATURE_TABLE_KEYS = Object.fromEntries(FEATURE_VIEWS.map((v) => [v.table, v.key])) as Record<
  FeatureTable,
  readonly string[]
>;

type Cells = Record<string, unknown>;
export type FeatureSnapshot = Record<FeatureTable, Cells[]>;

/** Table names come from the constant list above, never from input. */
export async function readFeatureTable(ch: ClickHouse, table: FeatureTable): Promise<Cells[]> {
  return rows<Cells>(
    ch,
    `SELECT * EXCEPT (run_id, version, computed_at) FROM ${ch.db}.${table} FINAL ORDER BY ${FEATURE_TABLE_KEYS[table].join(', ')}`,
  );
}

export async function readFeatureTables(ch: ClickHouse): Promise<FeatureSnapshot> {
  const snapshot = {} as FeatureSnapshot;
  for (const table of FEATURE_TABLES) snapshot[table] = await readFeatureTable(ch, table);
  return snapshot;
}

/** Keys seen more than once under FINAL, per table (0 everywhere when the tables are sound). */
export async function duplicateKeys(ch: ClickHouse): Promise<Record<FeatureTable, number>> {
  const out = {} as Record<FeatureTable, number>;
  for (const table of FEATURE_TABLES) {
    const [row] = await rows<{ n: string | number }>(
      ch,
      `SELECT count() - uniqExact(${FEATURE_TABLE_KEYS[table].join(', ')}) AS n FROM ${ch.db}.${table} FINAL`,
    );
    out[table] = Number(row?.n);
  }
  return out;
}

export interface CellMismatch {
  table: FeatureTable;
  key: string;
  /** '(row)' when the key is on one side only */
  column: string;
  left: unknown;
  right: unknown;
}

const NUMERIC = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const asNumber = (v: unknown): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'string' && NUMERIC.test(v) ? Number(v) : undefined;

/** Equal, or both numbers within 1e-9 relative (1e-9 absolute floor). 64-bit integers arrive as strings. */
export function sameCell(left: unknown, right: unknown): boolean {
  const a = asNumber(left);
  const b = asNumber(right);
  if (a !== undefined && b !== undefined)
    return Math.abs(a - b) <= Math.max(1e-9, 1e-9 * Math.max(Math.abs(a), Math.abs(b)));
  return JSON.stringify(left) === JSON.stringify(right);
}

export function diffTable(table: FeatureTable, left: Cells[], right: Cells[]): CellMismatch[] {
  const keyOf = (row: Cells) => FEATURE_TABLE_KEYS[table].map((k) => String(row[k])).join('|');
  const rightByKey = new Map(right.map((row) => [keyOf(row), row]));
  const mismatches: CellMismatch[] = [];
  for (const row of left) {
    const key = keyOf(row);
    const other = rightByKey.get(key);
    rightByKey.delete(key);
    if (!other) {
      mismatches.push({ table, key, column: '(row)', left: 'present', right: 'missing' });
      continue;
    }
    for (const column of new Set([...Object.keys(row), ...Object.keys(other)])) {
      if (!sameCell(row[column], other[column]))
        mismatches.push({ table, key, column, left: row[column], right: other[column] });
    }
  }
  for (const key of rightByKey.keys())
    mismatches.push({ table, key, column: '(row)', left: 'missing', right: 'present' });
  return mismatches;
}

export function diffSnapshots(left: FeatureSnapshot, right: FeatureSnapshot): CellMismatch[] {
  return FEATURE_TABLES.flatMap((table) => diffTable(table, left[table], right[table]));
}
