import type { Database } from '../../clickhouse/sql.js';

/** The run's first row; its started_at becomes the computed_at of every feature row the run writes. */
export const insertRunningRun = (db: Database) => `
  INSERT INTO ${db}.pipeline_runs (run_id, pipeline, version, as_of, full_recompute, athlete_ids, status, since, watermark,
    athletes_touched, summary, checks, error, started_at, updated_at)
  SELECT {runId:String} AS run_id, 'features' AS pipeline, {version:UInt64} AS version, {asOf:Date} AS as_of,
    {fullRecompute:UInt8} AS full_recompute, {athleteIds:Array(String)} AS athlete_ids, 'running' AS status,
    {since:DateTime64(3)} AS since, {watermark:DateTime64(3)} AS watermark, {athletes:UInt32} AS athletes_touched,
    '{}' AS summary, '[]' AS checks, '' AS error, now64(3) AS started_at, now64(3) AS updated_at`;

/** A new version of the run's row with its outcome; everything else is copied. */
export const updateRun = (db: Database) => `
  INSERT INTO ${db}.pipeline_runs (run_id, pipeline, version, as_of, full_recompute, athlete_ids, status, since, watermark,
    athletes_touched, summary, checks, error, started_at, updated_at)
  SELECT run_id, pipeline, version, as_of, full_recompute, athlete_ids, {status:String} AS status, since, watermark, athletes_touched,
    {summary:String} AS summary, {checks:String} AS checks, {error:String} AS error, started_at,
    greatest(now64(3), updated_at + INTERVAL 1 MILLISECOND) AS updated_at
  FROM ${db}.pipeline_runs FINAL WHERE run_id = {runId:String}`;

/**
 * The computed_at of every feature row a run writes, the one way all four steps set it: the run's start as
 * recorded in pipeline_runs, not the wall clock of the statement, so a retried step writes bit-identical rows.
 * Without a pipeline_runs row (a step run on its own) it is now. A scalar subquery; parameter {runId:String}.
 */
export const computedAtSql = (db: Database) =>
  `(SELECT coalesce(maxOrNull(started_at), now64(3, 'UTC')) FROM ${db}.pipeline_runs FINAL WHERE run_id = {runId:String})`;
