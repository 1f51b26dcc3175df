import type { Database } from '../../clickhouse/sql.js';
import { computedAtSql } from '../pipeline/runs.sql.js';
import { scopedAthletesSql } from './athlete-scope.sql.js';
import { insertStartsSql, startsCte, writeStateSql } from './state.sql.js';

/**
 * Week sums from the daily spine. Float64 sums run over the days sorted by date so that a re-run, or a
 * full run, adds in the same order whatever order parallel reading delivers the rows in.
 */
const weekDaysCte = (db: Database) => `
  week_day_sums AS (
    SELECT d.athlete_id AS athlete_id, toMonday(d.date) AS week_start,
      count() AS spine_days,
      arraySort(groupArray((d.date, d.load, d.distance_m, d.elevation_gain_m))) AS days_sorted,
      sum(d.moving_time_s) AS total_moving_time_s,
      sum(d.activity_count) AS session_count,
      sum(d.activities_without_tss) AS activities_without_tss
    FROM ${db}.athlete_daily_features AS d FINAL
    INNER JOIN starts AS s ON s.athlete_id = d.athlete_id
    WHERE d.athlete_id IN (SELECT athlete_id FROM starts)
      AND d.date >= (SELECT min(start_week) FROM starts)
      AND d.date >= s.start_week AND d.date >= s.first_date AND d.date <= {asOf:Date}
    GROUP BY athlete_id, week_start
  ),
  week_days AS (
    SELECT *,
      arrayMap(x -> x.2, days_sorted) AS loads,
      arraySum(loads) AS load,
      arraySum(x -> x.3, days_sorted) AS distance_m,
      arraySum(x -> x.4, days_sorted) AS elevation_gain_m
    FROM week_day_sums
  )`;

/** Zone seconds are Float32 per activity: their Float64 sums over a week are exact, so order is moot. */
const weekSessionsCte = (db: Database) => `
  week_sessions AS (
    SELECT a.athlete_id AS athlete_id, toMonday(a.local_date) AS week_start,
      sum(toFloat64(a.below_z1_s)) AS below_z1_s, sum(toFloat64(a.z1_s)) AS z1_s, sum(toFloat64(a.z2_s)) AS z2_s,
      sum(toFloat64(a.z3_s)) AS z3_s, sum(toFloat64(a.z4_s)) AS z4_s, sum(toFloat64(a.z5_s)) AS z5_s,
      max(a.moving_time_s) AS longest_session_s
    FROM ${db}.activity_features AS a FINAL
    INNER JOIN starts AS s ON s.athlete_id = a.athlete_id
    WHERE a.athlete_id IN (SELECT athlete_id FROM starts)
      AND a.local_date >= s.start_week AND a.local_date <= {asOf:Date}
    GROUP BY athlete_id, week_start
  )`;

/** Parameters: runId, bucket, version, asOf. */
export const weeklyFeaturesSql = (db: Database) => `
INSERT INTO ${db}.athlete_weekly_features (
  athlete_id, week_start, spine_days, load, moving_time_s, distance_m, elevation_gain_m,
  below_z1_s, z1_s, z2_s, z3_s, z4_s, z5_s, monotony, strain, longest_session_s, session_count, activities_without_tss,
  run_id, version, computed_at)
WITH ${startsCte(db, 'weekly', { untilAsOf: false })},
  ${weekDaysCte(db)},
  ${weekSessionsCte(db)}
SELECT w.athlete_id, w.week_start, toUInt8(w.spine_days) AS spine_days, w.load, toUInt32(w.total_moving_time_s) AS moving_time_s, w.distance_m, w.elevation_gain_m,
  z.below_z1_s, z.z1_s, z.z2_s, z.z3_s, z.z4_s, z.z5_s,
  -- Foster over Monday..Sunday; a week not wholly on the spine has fewer than 7 days of history.
  if(w.spine_days < 7 OR arrayMin(w.loads) = arrayMax(w.loads), NULL,
     (w.load / 7) / sqrt(arraySum(x -> (x - w.load / 7) * (x - w.load / 7), w.loads) / 7)) AS monotony,
  w.load * monotony AS strain,
  toUInt32(z.longest_session_s) AS longest_session_s, toUInt16(w.session_count) AS session_count, toUInt16(w.activities_without_tss) AS activities_without_tss,
  {runId:String} AS run_id, {version:UInt64} AS version, ${computedAtSql(db)} AS computed_at
FROM week_days AS w
LEFT JOIN week_sessions AS z ON z.athlete_id = w.athlete_id AND z.week_start = w.week_start
SETTINGS join_use_nulls = 0`;

export const weeklyRowsWrittenSql = (db: Database) => `
SELECT count() AS n FROM (
  SELECT DISTINCT athlete_id, week_start FROM ${db}.athlete_weekly_features
  WHERE version = {version:UInt64} AND run_id = {runId:String} AND athlete_id IN (${scopedAthletesSql(db)})
)`;

/** Before the insert: the first week each scoped athlete's recomputation starts at. */
export const weeklyStartsSql = (db: Database) => insertStartsSql(db, 'weekly');

/** After the insert: the weekly table holds each scoped athlete's weeks up to asOf's. */
export const weeklyStateSql = (db: Database) => writeStateSql(db, 'weekly');
