import type { Database } from '../../clickhouse/sql.js';

/** The athletes of this run and bucket, for counting what a step wrote. */
export const scopedAthletesSql = (db: Database) => `
  SELECT athlete_id FROM ${db}.feature_scope FINAL WHERE run_id = {runId:String} AND bucket = {bucket:UInt16}`;
