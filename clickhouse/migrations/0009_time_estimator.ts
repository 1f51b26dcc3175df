import type { Database } from '../sql.js';
import type { Migration } from '../migrate.js';

/**
 * The time estimator: planned activities (raw input of inference), stored training sets, tracked runs, the
 * model registry with its alias history, and predictions with their live error.
 */
export const timeEstimator: Migration = {
  name: '0009_time_estimator',
  statements: (db: Database) => [
    // Raw, like `activities`: a corrected re-upload inserts a newer version, readers use FINAL.
    `CREATE TABLE IF NOT EXISTS ${db}.planned_activities (
      planned_id String COMMENT 'planned activity id',
      athlete_id String,
      planned_date Date COMMENT 'athlete local date the activity is planned for',
      sport LowCardinality(String) COMMENT 'ride, run, swim or other',
      distance_m Float64 COMMENT 'm',
      elevation_gain_m Float64 COMMENT 'm',
      start_hour_local Nullable(UInt8) COMMENT 'hour of the planned local start time, 0-23; NULL when not planned',
      source String,
      content_hash UInt64,
      ingested_at DateTime64(3, 'UTC') DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree(ingested_at) ORDER BY (athlete_id, planned_id)`,

    // Immutable: one INSERT … SELECT per id; a retried build first checks that the id is absent.
    `CREATE TABLE IF NOT EXISTS ${db}.training_sets (
      training_set_id String,
      split LowCardinality(String) COMMENT 'train, valid or test (time-based: test is the most recent weeks)',
      athlete_id String,
      activity_id String,
      label_date Date COMMENT 'athlete local date of the activity; features are strictly before it',
      sport LowCardinality(String),
      target_s Float64 COMMENT 'label: moving time, s',
      baseline_s Float64 COMMENT 'naive baseline: distance / the athlete''s 28-day average speed for the sport (else the sport''s median), s',
      features Array(Nullable(Float64)) COMMENT 'model inputs in the order of training_set_specs.feature_names; NULL = missing',
      created_at DateTime64(3, 'UTC') DEFAULT now64(3)
    ) ENGINE = MergeTree ORDER BY (training_set_id, split, label_date, activity_id)`,

    `CREATE TABLE IF NOT EXISTS ${db}.training_set_specs (
      training_set_id String,
      as_of Date COMMENT 'labels are activities before this date',
      feature_set String COMMENT 'name@version of the feature set',
      feature_names Array(String) COMMENT 'model input order',
      feature_definitions Array(String) COMMENT 'name@version of each feature (registry definitions; derived inputs carry their own)',
      splits String COMMENT 'JSON: date range and rows per split',
      feature_run_id String COMMENT 'feature pipeline run the features came from',
      feature_watermark String COMMENT 'raw data ingested up to here is in those features',
      created_at DateTime64(3, 'UTC') DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree(created_at) ORDER BY training_set_id`,

    `CREATE TABLE IF NOT EXISTS ${db}.ml_runs (
      run_id String,
      model_name LowCardinality(String),
      status LowCardinality(String) COMMENT 'running, succeeded or failed',
      params String COMMENT 'JSON: hyperparameters',
      metrics String COMMENT 'JSON: MAE, RMSE, MAPE per split, model and baseline',
      training_set_id String,
      feature_set String,
      features Array(String) COMMENT 'name@version of each input',
      feature_run_id String,
      feature_watermark String,
      git_commit String,
      step_seconds String COMMENT 'JSON: seconds per step',
      model_version UInt32 COMMENT '0 until registered',
      promoted UInt8,
      error String,
      started_at DateTime64(3, 'UTC'),
      updated_at DateTime64(3, 'UTC')
    ) ENGINE = ReplacingMergeTree(updated_at) ORDER BY run_id`,

    `CREATE TABLE IF NOT EXISTS ${db}.model_versions (
      model_name LowCardinality(String),
      version UInt32,
      onnx String COMMENT 'ONNX model bytes, base64',
      sha256 String COMMENT 'of the ONNX bytes',
      input_schema String COMMENT 'JSON: input tensor name, feature names and definitions in order',
      metrics String COMMENT 'JSON: hold-out metrics of model and baseline',
      run_id String,
      training_set_id String,
      created_at DateTime64(3, 'UTC') DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree(created_at) ORDER BY (model_name, version)`,

    // Append-only history; the current alias is the newest change. change_id makes a retried change a no-op.
    `CREATE TABLE IF NOT EXISTS ${db}.model_aliases (
      model_name LowCardinality(String),
      alias LowCardinality(String),
      change_id String COMMENT 'workflow id and step that made the change',
      from_version UInt32 COMMENT '0 = none',
      to_version UInt32 COMMENT '0 = none',
      action LowCardinality(String) COMMENT 'promote or rollback',
      changed_by String COMMENT 'workflow type and id',
      reason String,
      changed_at DateTime64(6, 'UTC')
    ) ENGINE = ReplacingMergeTree ORDER BY (model_name, alias, change_id)`,

    // Idempotent per as-of date and model version: a re-run replaces its rows (readers use FINAL).
    `CREATE TABLE IF NOT EXISTS ${db}.predictions (
      model_name LowCardinality(String),
      model_version UInt32,
      as_of Date,
      kind LowCardinality(String) COMMENT 'planned or activity',
      target_id String COMMENT 'planned id or activity id',
      athlete_id String,
      target_date Date COMMENT 'local date of the planned or completed activity',
      predicted_s Float64 COMMENT 'predicted moving time, s',
      feature_hash UInt64 COMMENT 'cityHash64 of the input vector',
      run_id String COMMENT 'workflow run that wrote the row',
      predicted_at DateTime64(3, 'UTC')
    ) ENGINE = ReplacingMergeTree(predicted_at) ORDER BY (model_name, model_version, as_of, kind, target_id)`,

    `CREATE TABLE IF NOT EXISTS ${db}.prediction_errors (
      model_name LowCardinality(String),
      model_version UInt32,
      as_of Date,
      activity_id String,
      athlete_id String,
      activity_date Date,
      actual_s Float64,
      predicted_s Float64,
      error_s Float64 COMMENT 'predicted − actual, s',
      run_id String,
      predicted_at DateTime64(3, 'UTC')
    ) ENGINE = ReplacingMergeTree(predicted_at) ORDER BY (model_name, model_version, as_of, activity_id)`,
  ],
};
