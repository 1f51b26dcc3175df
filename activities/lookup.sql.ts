import type { Database } from '../clickhouse/sql.js';

/** The athlete's latest rolling features (the newest as-of date), without the run's bookkeeping columns. */
export const latestRollingFeatures = (db: Database) => `
  SELECT * EXCEPT (run_id, version, computed_at)
  FROM ${db}.athlete_rolling_features FINAL
  WHERE athlete_id = {athleteId:String}
  ORDER BY as_of_date DESC
  LIMIT 1`;

/** The athlete's latest ISO week. */
export const latestWeeklyFeatures = (db: Database) => `
  SELECT * EXCEPT (run_id, version, computed_at)
  FROM ${db}.athlete_weekly_features FINAL
  WHERE athlete_id = {athleteId:String}
  ORDER BY week_start DESC
  LIMIT 1`;

export const athleteExists = (db: Database) =>
  `SELECT count() > 0 AS known FROM ${db}.athletes WHERE athlete_id = {athleteId:String}`;

/**
 * The athlete's planned activities scored by the newest batch inference that covered them (its as-of date; when that
 * day was scored by more than one model version, the latest scoring), with what was planned.
 */
export const latestPlannedPredictions = (db: Database) => `
  SELECT p.target_id AS planned_id, toString(p.target_date) AS planned_date, pa.sport AS sport, pa.distance_m AS distance_m,
    round(p.predicted_s) AS predicted_s, p.model_version AS model_version, toString(p.as_of) AS as_of
  FROM ${db}.predictions AS p FINAL
  LEFT JOIN (SELECT planned_id, sport, distance_m FROM ${db}.planned_activities FINAL WHERE athlete_id = {athleteId:String}) AS pa
    ON pa.planned_id = p.target_id
  WHERE p.athlete_id = {athleteId:String} AND p.kind = 'planned' AND p.model_name = {model:String}
    AND p.as_of = (SELECT max(as_of) FROM ${db}.predictions WHERE athlete_id = {athleteId:String} AND kind = 'planned' AND model_name = {model:String})
  ORDER BY p.predicted_at DESC
  LIMIT 1 BY p.target_id`;
