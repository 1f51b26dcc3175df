import type { Database } from '../../clickhouse/sql.js';

/** Completed activities usable as labels before {asOf:Date}: how many, and their date range. */
export const labelRange = (db: Database) => `
  SELECT count() AS n, toString(min(local_date)) AS first, toString(max(local_date)) AS last
  FROM ${db}.activity_features FINAL
  WHERE local_date < {asOf:Date} AND distance_m > 0 AND moving_time_s > 0`;

export const storedSpec = (db: Database) => `
  SELECT training_set_id, toString(as_of) AS as_of, feature_set, feature_names, feature_definitions, splits, feature_run_id, feature_watermark
  FROM ${db}.training_set_specs FINAL WHERE training_set_id = {id:String}`;

export const rowsOfSet = (db: Database) =>
  `SELECT count() AS n FROM ${db}.training_sets WHERE training_set_id = {id:String}`;

/** Rows of a build that died before its spec was written; the rebuild starts clean. */
export const deleteRowsOfSet = (db: Database) => `DELETE FROM ${db}.training_sets WHERE training_set_id = {id:String}`;

/** One INSERT … SELECT: labels, their point-in-time inputs and baseline, and the time-based split. */
export const insertTrainingRows = (db: Database, inputRows: string) => `
  INSERT INTO ${db}.training_sets (training_set_id, split, athlete_id, activity_id, label_date, sport, target_s, baseline_s, features)
  SELECT {id:String}, multiIf(label_date >= {testFrom:Date}, 'test', label_date >= {validFrom:Date}, 'valid', 'train'),
    athlete_id, row_id, label_date, sport, assumeNotNull(target_s), baseline_s, features
  FROM (${inputRows})`;

export const splitFigures = (db: Database) => `
  SELECT split, count() AS rows, toString(min(label_date)) AS first, toString(max(label_date)) AS last
  FROM ${db}.training_sets WHERE training_set_id = {id:String} GROUP BY split`;

/** The newest successful full feature run: where the features of a training set come from. */
export const latestFeatureRun = (db: Database) => `
  SELECT run_id, toString(as_of) AS as_of, toString(watermark) AS watermark FROM ${db}.pipeline_runs FINAL
  WHERE status = 'succeeded' AND empty(athlete_ids) ORDER BY version DESC LIMIT 1`;

export const insertSpec = (db: Database) => `
  INSERT INTO ${db}.training_set_specs (training_set_id, as_of, feature_set, feature_names, feature_definitions, splits, feature_run_id, feature_watermark)
  VALUES ({id:String}, {asOf:Date}, {featureSet:String}, {names:Array(String)}, {definitions:Array(String)}, {splits:String}, {runId:String}, {watermark:String})`;

/** A split's rows in a stable order: label, baseline and input vector. */
export const splitRows = (db: Database) => `
  SELECT target_s, baseline_s, features FROM ${db}.training_sets
  WHERE training_set_id = {id:String} AND split = {split:String} ORDER BY label_date, activity_id`;
