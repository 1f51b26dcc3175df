import type { Database } from '../../clickhouse/sql.js';
import { scopeCte } from '../scope.sql.js';

/**
 * CTEs every athlete step starts with. `scope`: the athletes of this run and bucket with their from_date.
 * `firsts`: their first activity day up to the as-of date, where the date spine starts.
 * Parameters: {runId:String}, {bucket:UInt16}, {asOf:Date}.
 */
export const scopeCtes = (db: Database) => `
${scopeCte(db)},
  firsts AS (
    SELECT athlete_id, min(local_date) AS first_date
    FROM ${db}.activity_features FINAL
    WHERE athlete_id IN (SELECT athlete_id FROM scope) AND local_date <= {asOf:Date}
    GROUP BY athlete_id
  )`;

/** The athletes of this run and bucket, for counting what a step wrote. */
export const scopedAthletesSql = (db: Database) => `
  SELECT athlete_id FROM ${db}.feature_scope FINAL WHERE run_id = {runId:String} AND bucket = {bucket:UInt16}`;

/** The run's recorded start (the computed_at of its rows), or now when the run is not recorded. */
export const runStartedAtSql = (db: Database) => `
  SELECT toString(coalesce(maxOrNull(started_at), now64(3))) AS started_at
  FROM ${db}.pipeline_runs FINAL WHERE run_id = {runId:String}`;

type AthleteTable = 'athlete_daily_features' | 'athlete_rolling_features' | 'athlete_weekly_features';

/**
 * CTE `stored`: per scoped athlete, the span and number of distinct keys of `table` written by earlier runs
 * (version < {version}, so a re-run of the run sees the same inputs): where a step can resume. Needs `scope`.
 */
export const storedSpanCte = (db: Database, table: AthleteTable, dateColumn: 'date' | 'as_of_date' | 'week_start') => `
  stored AS (
    SELECT athlete_id, min(${dateColumn}) AS stored_first, max(${dateColumn}) AS stored_last, uniqExact(${dateColumn}) AS stored_count
    FROM ${db}.${table}
    WHERE athlete_id IN (SELECT athlete_id FROM scope) AND version < {version:UInt64}
    GROUP BY athlete_id
  )`;
