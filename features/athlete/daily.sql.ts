import type { Database } from '../../clickhouse/sql.js';
import { computedAtSql } from '../pipeline/runs.sql.js';
import { scopedAthletesSql } from './athlete-scope.sql.js';
import { insertStartsSql, startsCte, writeStateSql } from './state.sql.js';

/**
 * Per-day sums of the activities. Distances are Float64, so they are added in activity_id order: a
 * re-run must write bit-identical rows whatever order parallel reading delivers them in. (Float32 inputs
 * summed into Float64 are exact for a day's handful of activities, so their order cannot matter.)
 */
const perDayCte = (db: Database) => `
  per_day_sums AS (
    SELECT athlete_id, local_date AS date,
      sum(toFloat64(ifNull(tss, 0))) AS load,
      sum(moving_time_s) AS total_moving_time_s, -- not aliased as the column: sumIf below would read the alias
      arraySort(groupArray((activity_id, sport, distance_m))) AS distances,
      sum(toFloat64(elevation_gain_m)) AS total_elevation_gain_m,
      count() AS activity_count,
      countIf(tss IS NULL) AS activities_without_tss,
      sumIf(toFloat64(ifNull(tss, 0)), sport = 'ride') AS ride_load,
      sumIf(moving_time_s, sport = 'ride') AS ride_moving_time_s,
      countIf(sport = 'ride') AS ride_activity_count,
      sumIf(toFloat64(ifNull(tss, 0)), sport = 'run') AS run_load,
      sumIf(moving_time_s, sport = 'run') AS run_moving_time_s,
      countIf(sport = 'run') AS run_activity_count,
      sumIf(toFloat64(ifNull(tss, 0)), sport = 'swim') AS swim_load,
      sumIf(moving_time_s, sport = 'swim') AS swim_moving_time_s,
      countIf(sport = 'swim') AS swim_activity_count,
      sumIf(toFloat64(ifNull(tss, 0)), sport NOT IN ('ride', 'run', 'swim')) AS other_load,
      sumIf(moving_time_s, sport NOT IN ('ride', 'run', 'swim')) AS other_moving_time_s,
      countIf(sport NOT IN ('ride', 'run', 'swim')) AS other_activity_count
    FROM ${db}.activity_features FINAL
    WHERE athlete_id IN (SELECT athlete_id FROM starts)
      AND local_date >= (SELECT min(start_date) FROM starts) AND local_date <= {asOf:Date}
    GROUP BY athlete_id, local_date
  ),
  per_day AS (
    SELECT *,
      arraySum(x -> x.3, distances) AS distance_m,
      arraySum(x -> if(x.2 = 'ride', x.3, 0), distances) AS ride_distance_m,
      arraySum(x -> if(x.2 = 'run', x.3, 0), distances) AS run_distance_m,
      arraySum(x -> if(x.2 = 'swim', x.3, 0), distances) AS swim_distance_m,
      arraySum(x -> if(x.2 NOT IN ('ride', 'run', 'swim'), x.3, 0), distances) AS other_distance_m
    FROM per_day_sums
  )`;

/**
 * One row per scoped athlete and day on the date spine, from the start day to the as-of date; rest days
 * have no per_day row and get 0 everywhere (join_use_nulls = 0 fills the defaults).
 * Parameters: runId, bucket, version, asOf.
 */
export const dailyFeaturesSql = (db: Database) => `
INSERT INTO ${db}.athlete_daily_features (
  athlete_id, date, load, moving_time_s, distance_m, elevation_gain_m, activity_count, activities_without_tss,
  ride_load, ride_moving_time_s, ride_distance_m, ride_activity_count,
  run_load, run_moving_time_s, run_distance_m, run_activity_count,
  swim_load, swim_moving_time_s, swim_distance_m, swim_activity_count,
  other_load, other_moving_time_s, other_distance_m, other_activity_count,
  run_id, version, computed_at)
WITH ${startsCte(db, 'daily', { untilAsOf: false })},
  spine AS (
    SELECT athlete_id, start_date + offset AS date
    FROM starts
    ARRAY JOIN range(toUInt32(greatest(0, dateDiff('day', start_date, {asOf:Date}) + 1))) AS offset
  ),
  ${perDayCte(db)}
SELECT spine.athlete_id, spine.date,
  d.load, toUInt32(d.total_moving_time_s) AS moving_time_s, d.distance_m, d.total_elevation_gain_m AS elevation_gain_m,
  toUInt16(d.activity_count) AS activity_count, toUInt16(d.activities_without_tss) AS activities_without_tss,
  d.ride_load, toUInt32(d.ride_moving_time_s) AS ride_moving_time_s, d.ride_distance_m, toUInt16(d.ride_activity_count) AS ride_activity_count,
  d.run_load, toUInt32(d.run_moving_time_s) AS run_moving_time_s, d.run_distance_m, toUInt16(d.run_activity_count) AS run_activity_count,
  d.swim_load, toUInt32(d.swim_moving_time_s) AS swim_moving_time_s, d.swim_distance_m, toUInt16(d.swim_activity_count) AS swim_activity_count,
  d.other_load, toUInt32(d.other_moving_time_s) AS other_moving_time_s, d.other_distance_m, toUInt16(d.other_activity_count) AS other_activity_count,
  {runId:String} AS run_id, {version:UInt64} AS version, ${computedAtSql(db)} AS computed_at
FROM spine
LEFT JOIN per_day AS d ON d.athlete_id = spine.athlete_id AND d.date = spine.date
SETTINGS join_use_nulls = 0`;

/** Keys this run wrote for its bucket (distinct, so a re-run counts the same). */
export const dailyRowsWrittenSql = (db: Database) => `
SELECT count() AS n FROM (
  SELECT DISTINCT athlete_id, date FROM ${db}.athlete_daily_features
  WHERE version = {version:UInt64} AND run_id = {runId:String} AND athlete_id IN (${scopedAthletesSql(db)})
)`;

/** Before the insert: where each scoped athlete starts. */
export const dailyStartsSql = (db: Database) => insertStartsSql(db, 'daily');

/** After the insert: the daily table holds each scoped athlete's spine up to asOf. */
export const dailyStateSql = (db: Database) => writeStateSql(db, 'daily');
