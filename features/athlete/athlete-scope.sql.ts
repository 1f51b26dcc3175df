import type { Database } from '../../clickhouse/sql.js';
import { scopeCte } from '../scope-cte.sql.js';

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
