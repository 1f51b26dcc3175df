import type { ClickHouse } from '../../clickhouse/client.js';
import { qualityFigures } from './checks.sql.js';

export interface QualityCheck {
  table: string;
  check: 'empty_keys' | 'duplicate_keys' | 'negative_load' | 'zone_share_errors';
  offending_rows: number;
  passed: boolean;
}

export interface QualityReport {
  /** rows of the run checked, per table */
  rows: Record<string, number>;
  checks: QualityCheck[];
  failed: QualityCheck[];
}

const CHECKS = ['empty_keys', 'duplicate_keys', 'negative_load', 'zone_share_errors'] as const;

/** Checks the rows written by the run with this version. */
export async function checkFeatureTables(ch: ClickHouse, version: number): Promise<QualityReport> {
  const result = await ch.client.query({
    query: qualityFigures(ch.db),
    query_params: { version },
    format: 'JSONEachRow',
  });
  const figures = await result.json<Record<string, string | number>>();
  const checks = figures.flatMap((f) =>
    CHECKS.map((check) => ({
      table: String(f.table_name),
      check,
      offending_rows: Number(f[check]),
      passed: Number(f[check]) === 0,
    })),
  );
  return {
    rows: Object.fromEntries(figures.map((f) => [String(f.table_name), Number(f.row_count)])),
    checks,
    failed: checks.filter((c) => !c.passed),
  };
}

export function describeFailures(failed: QualityCheck[]): string {
  return `Data-quality checks failed: ${failed.map((c) => `${c.table}.${c.check} (${c.offending_rows} rows)`).join(', ')}`;
}
