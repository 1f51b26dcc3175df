import type { Database } from '../../clickhouse/sql.js';
import { scopeCte } from '../scope-cte.sql.js';
import { firstsCte, spanCte, type AthleteStep } from './state.sql.js';

/**
 * CTEs every athlete step starts with. `scope`: the athletes of this run and bucket with their from_date.
 * `span`: where the step's table stood after the last run that wrote it (state.sql.ts). `firsts`: their first
 * activity day up to the as-of date, where the date spine starts.
 * Parameters: {runId:String}, {bucket:UInt16}, {version:UInt64}, {asOf:Date}.
 */
export const scopeCtes = (db: Database, step: AthleteStep) => `
${scopeCte(db)},
${spanCte(db, step)},
${firstsCte(db)}`;

/** The athletes of this run and bucket, for counting what a step wrote. */
export const scopedAthletesSql = (db: Database) => `
  SELECT athlete_id FROM ${db}.feature_scope FINAL WHERE run_id = {runId:String} AND bucket = {bucket:UInt16}`;
