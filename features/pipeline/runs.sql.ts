import type { Database } from '../../clickhouse/sql.js';

/** The run's first row; its started_at becomes the computed_at of every feature row the run writes. */
export const insertRunningRun = (db: Database) => `
  INSERT INTO ${db}.pipeline_runs (run_id, pipeline, version, as_of, full_recompute, athlete_ids, status, since, watermark,
    athletes_touched, summary, checks, error, started_at, updated_at)
  SELECT {runId:String}, 'features', {version:UInt64}, {asOf:Date}, {fullRecompute:UInt8}, {athleteIds:Array(String)}, 'running',
    {since:DateTime64(3)}, {watermark:DateTime64(3)}, {athletes:UInt32}, '{}', '[]', '', now64(3), now64(3)`;

/** A new version of the run's row with its outcome; everything else is copied. */
export const updateRun = (db: Database) => `
  INSERT INTO ${db}.pipeline_runs
  SELECT run_id, pipeline, version, as_of, full_recompute, athlete_ids, {status:String}, since, watermark, athletes_touched,
    {summary:String}, {checks:String}, {error:String}, started_at, greatest(now64(3), updated_at + INTERVAL 1 MILLISECOND)
  FROM ${db}.pipeline_runs FINAL WHERE run_id = {runId:String}`;

/** The run's recorded start (the computed_at of its rows), or now when the run is not recorded. */
export const runStartedAtSql = (db: Database) => `
  SELECT toString(coalesce(maxOrNull(started_at), now64(3))) AS started_at
  FROM ${db}.pipeline_runs FINAL WHERE run_id = {runId:String}`;
