/**
 * Every table that holds rows of one athlete in an `athlete_id` column: forgetAthlete deletes that
 * athlete's rows from each. A migration that creates such a table adds one line here (a test fails while a
 * table with an athlete_id column is missing). Tables that name athletes otherwise are handled in
 * privacy/forget.sql.ts: `ingest_rejects` (raw payloads) and `pipeline_runs` (restricted runs' athlete lists).
 */
export const ATHLETE_KEYED_TABLES = [
  // raw data
  'athletes',
  'athlete_thresholds',
  'activities',
  'activity_streams',
  'activity_stream_uploads',
  'activity_deletions',
  // ingest and generator staging (rows of batches in flight)
  'stream_changes',
  'generator_stream_plans',
  // features
  'activity_features',
  'athlete_daily_features',
  'athlete_rolling_features',
  'athlete_weekly_features',
  'feature_scope',
  // after the feature tables: forgetting deletes in reverse order, so the state goes first and a crash between
  // the deletes never leaves a state that claims rows already gone
  'athlete_feature_state',
  'athlete_feature_starts',
  // ML: planned activities, training sets (a forgotten athlete leaves the stored sets they were in), predictions
  'planned_activities',
  'training_sets',
  'predictions',
  'prediction_errors',
] as const;

export type AthleteKeyedTable = (typeof ATHLETE_KEYED_TABLES)[number];
