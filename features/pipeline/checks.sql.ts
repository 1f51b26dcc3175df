import type { Database } from '../../clickhouse/sql.js';
import { viewOfTable } from '../catalog.js';

const keyOf = (table: Parameters<typeof viewOfTable>[0]) => viewOfTable(table).key.join(', ');

/**
 * Data-quality figures of the rows a run wrote (its version), per feature table: rows, empty keys, keys
 * written twice with different content (a retried step rewrites identical rows, which FINAL collapses),
 * negative loads (TSS, daily and weekly load, CTL, ATL), and HR zone shares not summing to 1. Rows of
 * earlier runs were checked by those runs, so the cost follows what the run wrote, not the history.
 */
export const qualityFigures = (db: Database) => `
  SELECT 'activity_features' AS table_name, count() AS row_count,
    countIf(athlete_id = '' OR activity_id = '') AS empty_keys,
    uniqExact(tuple(*)) - uniqExact(${keyOf('activity_features')}) AS duplicate_keys,
    countIf(tss < 0) AS negative_load,
    countIf(hr_covered_s > 0 AND max_hr_bpm IS NOT NULL
      AND abs(below_z1_share + z1_share + z2_share + z3_share + z4_share + z5_share - 1) > 0.001) AS zone_share_errors
  FROM ${db}.activity_features WHERE version = {version:UInt64}
  UNION ALL
  SELECT 'athlete_daily_features', count(), countIf(athlete_id = ''), uniqExact(tuple(*)) - uniqExact(${keyOf('athlete_daily_features')}),
    countIf(load < 0), 0
  FROM ${db}.athlete_daily_features WHERE version = {version:UInt64}
  UNION ALL
  SELECT 'athlete_rolling_features', count(), countIf(athlete_id = ''), uniqExact(tuple(*)) - uniqExact(${keyOf('athlete_rolling_features')}),
    countIf(ctl < 0 OR atl < 0), 0
  FROM ${db}.athlete_rolling_features WHERE version = {version:UInt64}
  UNION ALL
  SELECT 'athlete_weekly_features', count(), countIf(athlete_id = ''), uniqExact(tuple(*)) - uniqExact(${keyOf('athlete_weekly_features')}),
    countIf(load < 0), 0
  FROM ${db}.athlete_weekly_features WHERE version = {version:UInt64}`;
