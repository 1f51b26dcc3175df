import type { Database } from '../clickhouse/sql.js';

/**
 * CTE `scope`: the athletes of this run and bucket (from feature_scope, written by the planner) with the
 * earliest local date to recompute. Every feature step starts from it. Parameters: {runId:String}, {bucket:UInt16}.
 */
export const scopeCte = (db: Database) => `
  scope AS (
    SELECT athlete_id, min(from_date) AS from_date
    FROM ${db}.feature_scope FINAL
    WHERE run_id = {runId:String} AND bucket = {bucket:UInt16}
    GROUP BY athlete_id
  )`;
