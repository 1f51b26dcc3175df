import type { Database } from '../../clickhouse/sql.js';

export const versionOfRun = (db: Database) => `
  SELECT version FROM ${db}.model_versions FINAL WHERE model_name = {model:String} AND run_id = {runId:String} LIMIT 1`;

export const nextVersion = (db: Database) => `
  SELECT max(version) + 1 AS version FROM ${db}.model_versions FINAL WHERE model_name = {model:String}`;

export const insertVersion = (db: Database) => `
  INSERT INTO ${db}.model_versions (model_name, version, onnx, sha256, input_schema, metrics, run_id, training_set_id)
  VALUES ({model:String}, {version:UInt32}, {onnx:String}, {sha256:String}, {schema:String}, {metrics:String}, {runId:String}, {trainingSetId:String})`;

export const versionRow = (db: Database) => `
  SELECT version, sha256, input_schema, metrics, run_id, training_set_id, toString(created_at) AS created_at
  FROM ${db}.model_versions FINAL WHERE model_name = {model:String} AND version = {version:UInt32}`;

export const versionOnnx = (db: Database) => `
  SELECT onnx, sha256 FROM ${db}.model_versions FINAL WHERE model_name = {model:String} AND version = {version:UInt32}`;

/** Every change of an alias, oldest first. */
export const aliasHistory = (db: Database) => `
  SELECT change_id, from_version, to_version, action, changed_by, reason, toString(changed_at) AS changed_at
  FROM ${db}.model_aliases FINAL WHERE model_name = {model:String} AND alias = {alias:String}
  ORDER BY changed_at, change_id`;

export const insertAliasChange = (db: Database) => `
  INSERT INTO ${db}.model_aliases (model_name, alias, change_id, from_version, to_version, action, changed_by, reason, changed_at)
  VALUES ({model:String}, {alias:String}, {changeId:String}, {from:UInt32}, {to:UInt32}, {action:String}, {changedBy:String}, {reason:String}, now64(6))`;

export const insertRun = (db: Database) => `
  INSERT INTO ${db}.ml_runs (run_id, model_name, status, params, metrics, training_set_id, feature_set, features, feature_run_id,
    feature_watermark, git_commit, step_seconds, model_version, promoted, error, started_at, updated_at)
  VALUES ({runId:String}, {model:String}, {status:String}, {params:String}, {metrics:String}, {trainingSetId:String}, {featureSet:String},
    {features:Array(String)}, {featureRunId:String}, {featureWatermark:String}, {gitCommit:String}, {stepSeconds:String},
    {modelVersion:UInt32}, {promoted:UInt8}, {error:String}, parseDateTime64BestEffort({startedAt:String}, 3), now64(3))`;

/** Every version of a model without its ONNX bytes, oldest first. */
export const versionList = (db: Database) => `
  SELECT version, sha256, input_schema, metrics, run_id, training_set_id, toString(created_at) AS created_at
  FROM ${db}.model_versions FINAL WHERE model_name = {model:String} ORDER BY version`;
