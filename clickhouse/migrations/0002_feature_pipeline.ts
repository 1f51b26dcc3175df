import type { Database } from '../sql.js';
import type { Migration } from '../migrate.js';

/**
 * Bookkeeping of the feature pipeline. `feature_scope` is the set-based contract between the steps:
 * a run writes here which athletes to recompute from which local date, and every step's SQL joins on it.
 * A full recompute is a scope with every athlete from their first activity.
 */
export const featurePipeline: Migration = {
  name: '0002_feature_pipeline',
  statements: (db: Database) => [
    `CREATE TABLE IF NOT EXISTS ${db}.feature_scope (
      run_id String,
      bucket UInt16 COMMENT 'athlete bucket, for bounded fan-out',
      athlete_id String,
      from_date Date COMMENT 'earliest local date whose features change in this run'
    ) ENGINE = ReplacingMergeTree ORDER BY (run_id, bucket, athlete_id)`,

    `CREATE TABLE IF NOT EXISTS ${db}.pipeline_runs (
      run_id String,
      pipeline LowCardinality(String),
      version UInt64 COMMENT 'monotonic; feature rows written by this run carry it',
      as_of Date,
      full_recompute UInt8,
      athlete_ids Array(String) COMMENT 'the athletes a restricted run was limited to; empty for all',
      status LowCardinality(String) COMMENT 'running, succeeded or failed',
      since DateTime64(3, 'UTC') COMMENT 'watermark of the previous successful run: raw rows ingested after it are new to this run',
      watermark DateTime64(3, 'UTC') COMMENT 'raw rows ingested up to here are reflected in the features',
      athletes_touched UInt32,
      summary String COMMENT 'JSON: rows per table, time per step',
      checks String COMMENT 'JSON: data-quality checks and their results',
      error String,
      started_at DateTime64(3, 'UTC'),
      updated_at DateTime64(3, 'UTC')
    ) ENGINE = ReplacingMergeTree(updated_at) ORDER BY run_id`,
  ],
};
