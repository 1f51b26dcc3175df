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

export const athleteExists = (db: Database) => `SELECT count() > 0 AS known FROM ${db}.athletes WHERE athlete_id = {athleteId:String}`;
