import type { Database } from '../../clickhouse/sql.js';
import { computedAtSql } from '../pipeline/runs.sql.js';
import { scopedAthletesSql } from './athlete-scope.sql.js';
import { insertStartsSql, startsCte, writeStateSql } from './state.sql.js';

/**
 * Start of each athlete's recomputation (same rule as the daily step, on this table's span) and the state it
 * rolls forward from: the stored row of the day before the start (inside the span, so it exists).
 * A start on the first activity day has no state: CTL and ATL start from 0 (the day before is empty).
 */
const rollingStartsCtes = (db: Database) => `
${startsCte(db, 'rolling', { untilAsOf: true })},
  state AS (
    SELECT r.athlete_id AS athlete_id,
      argMax(r.ctl, r.version) AS ctl, argMax(r.atl, r.version) AS atl,
      argMax(r.days_since_last_activity, r.version) AS days_since_last_activity
    FROM ${db}.athlete_rolling_features AS r
    INNER JOIN starts AS s ON s.athlete_id = r.athlete_id AND s.state_date = r.as_of_date
    -- The key (athlete, day) of the one row per athlete, not the athlete: the rest of its history is not read.
    WHERE (r.athlete_id, r.as_of_date) IN (SELECT athlete_id, state_date FROM starts) AND r.version < {version:UInt64}
    GROUP BY r.athlete_id
  ),
  seeded AS (
    SELECT s.athlete_id AS athlete_id, s.first_date AS first_date, s.start_date AS start_date,
      if(s.start_date > s.first_date, st.ctl, 0) AS state_ctl,
      if(s.start_date > s.first_date, st.atl, 0) AS state_atl,
      if(s.start_date > s.first_date, s.state_date - st.days_since_last_activity, s.first_date) AS seed_last_active
    FROM starts AS s
    LEFT JOIN state AS st ON st.athlete_id = s.athlete_id
  )`;

/**
 * Daily rows from 89 days before the start (the longest window, 90 days, needs them) to the as-of date,
 * with the trailing-window sums. Frames are RANGE over the day number, so they are calendar windows
 * even if a day were missing. Window sums run in date order inside one athlete's partition: a full and an
 * incremental run add the same values in the same order, and agree exactly.
 */
const windowedCtes = (db: Database) => `
  days AS (
    SELECT d.athlete_id AS athlete_id, d.date AS date, toUInt32(d.date) AS day_number, d.load AS load,
      d.moving_time_s AS moving_time_s, d.distance_m AS distance_m, d.activity_count AS activity_count,
      d.ride_moving_time_s AS ride_moving_time_s, d.ride_distance_m AS ride_distance_m,
      d.run_moving_time_s AS run_moving_time_s, d.run_distance_m AS run_distance_m,
      d.swim_moving_time_s AS swim_moving_time_s, d.swim_distance_m AS swim_distance_m,
      s.first_date AS first_date, s.start_date AS start_date,
      s.state_ctl AS state_ctl, s.state_atl AS state_atl, s.seed_last_active AS seed_last_active
    FROM ${db}.athlete_daily_features AS d FINAL
    INNER JOIN seeded AS s ON s.athlete_id = d.athlete_id
    WHERE d.athlete_id IN (SELECT athlete_id FROM starts)
      AND d.date >= (SELECT min(start_date) FROM starts) - 89
      AND d.date >= s.start_date - 89 AND d.date >= s.first_date AND d.date <= {asOf:Date}
  ),
  windowed AS (
    SELECT *,
      sum(load) OVER w7 AS load_7d,
      sum(load) OVER w28 AS load_28d,
      avg(load) OVER w7 AS mean_load_7d,
      stddevPopStable(load) OVER w7 AS sd_load_7d,
      min(load) OVER w7 AS min_load_7d,
      max(load) OVER w7 AS max_load_7d,
      sum(moving_time_s) OVER w7 AS moving_time_7d_s,
      sum(moving_time_s) OVER w28 AS moving_time_28d_s,
      sum(moving_time_s) OVER w90 AS moving_time_90d_s,
      sum(distance_m) OVER w7 AS distance_7d_m,
      sum(distance_m) OVER w28 AS distance_28d_m,
      sum(distance_m) OVER w90 AS distance_90d_m,
      sum(ride_moving_time_s) OVER w28 AS ride_time_28d, sum(ride_distance_m) OVER w28 AS ride_distance_28d,
      sum(run_moving_time_s) OVER w28 AS run_time_28d, sum(run_distance_m) OVER w28 AS run_distance_28d,
      sum(swim_moving_time_s) OVER w28 AS swim_time_28d, sum(swim_distance_m) OVER w28 AS swim_distance_28d,
      max(if(activity_count > 0, date, toDate(0))) OVER w_all AS last_active_read
    FROM days
    WINDOW
      w7 AS (PARTITION BY athlete_id ORDER BY day_number RANGE BETWEEN 6 PRECEDING AND CURRENT ROW),
      w28 AS (PARTITION BY athlete_id ORDER BY day_number RANGE BETWEEN 27 PRECEDING AND CURRENT ROW),
      w90 AS (PARTITION BY athlete_id ORDER BY day_number RANGE BETWEEN 89 PRECEDING AND CURRENT ROW),
      w_all AS (PARTITION BY athlete_id ORDER BY day_number ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
  )`;

/**
 * CTL and ATL from the start day on: X[d] = X[start-1]·e^(-k/N) + (1 - e^(-1/N))·Σ load[j]·e^(-(d-j)/N),
 * k = d - (start - 1), the closed form of the GoldenCheetah recursion seeded with the stored state.
 * A full run (state 0) adds exactly 0 to the decayed sum; an incremental run differs from it only in
 * rounding (different association of the same terms), ~1e-15 relative.
 */
const exponentialCte = `
  exponential AS (
    SELECT *,
      dateDiff('day', first_date, date) + 1 AS history_days,
      state_ctl * exp(-(dateDiff('day', start_date, date) + 1) / 42)
        + (1 - exp(-1 / 42)) * exponentialTimeDecayedSum(42)(load, day_number) OVER w_run AS ctl,
      state_atl * exp(-(dateDiff('day', start_date, date) + 1) / 7)
        + (1 - exp(-1 / 7)) * exponentialTimeDecayedSum(7)(load, day_number) OVER w_run AS atl
    FROM windowed
    WHERE date >= start_date
    WINDOW w_run AS (PARTITION BY athlete_id ORDER BY day_number ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
  )`;

/** Parameters: runId, bucket, version, asOf. */
export const rollingFeaturesSql = (db: Database) => `
INSERT INTO ${db}.athlete_rolling_features (
  athlete_id, as_of_date, history_days, ctl, atl, tsb, acwr, acwr_7_28, load_7d, load_28d, monotony, strain,
  moving_time_7d_s, moving_time_28d_s, moving_time_90d_s, distance_7d_m, distance_28d_m, distance_90d_m,
  ride_avg_speed_28d_mps, run_avg_speed_28d_mps, swim_avg_speed_28d_mps, days_since_last_activity,
  run_id, version, computed_at)
WITH ${rollingStartsCtes(db)},
  ${windowedCtes(db)},
  ${exponentialCte}
SELECT athlete_id, date AS as_of_date, toUInt32(history_days) AS history_days, ctl, atl,
  -- TSB is yesterday's CTL minus yesterday's ATL; on the start day, yesterday is the stored state.
  lagInFrame(ctl, 1, state_ctl) OVER w_run - lagInFrame(atl, 1, state_atl) OVER w_run AS tsb,
  if(ctl = 0, NULL, atl / ctl) AS acwr,
  if(history_days < 28 OR load_28d = 0, NULL, (load_7d / 7) / (load_28d / 28)) AS acwr_7_28,
  load_7d, load_28d,
  -- Foster; the SD is 0 exactly when the seven loads are equal (stated so, not left to rounding).
  if(history_days < 7 OR min_load_7d = max_load_7d, NULL, mean_load_7d / sd_load_7d) AS monotony,
  load_7d * monotony AS strain,
  toUInt32(moving_time_7d_s) AS moving_time_7d_s, toUInt32(moving_time_28d_s) AS moving_time_28d_s, toUInt32(moving_time_90d_s) AS moving_time_90d_s,
  distance_7d_m, distance_28d_m, distance_90d_m,
  if(ride_time_28d = 0, NULL, ride_distance_28d / ride_time_28d) AS ride_avg_speed_28d_mps,
  if(run_time_28d = 0, NULL, run_distance_28d / run_time_28d) AS run_avg_speed_28d_mps,
  if(swim_time_28d = 0, NULL, swim_distance_28d / swim_time_28d) AS swim_avg_speed_28d_mps,
  toUInt32(dateDiff('day', greatest(last_active_read, seed_last_active), date)) AS days_since_last_activity,
  {runId:String} AS run_id, {version:UInt64} AS version, ${computedAtSql(db)} AS computed_at
FROM exponential
WINDOW w_run AS (PARTITION BY athlete_id ORDER BY day_number ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
SETTINGS join_use_nulls = 0`;

export const rollingRowsWrittenSql = (db: Database) => `
SELECT count() AS n FROM (
  SELECT DISTINCT athlete_id, as_of_date FROM ${db}.athlete_rolling_features
  WHERE version = {version:UInt64} AND run_id = {runId:String} AND athlete_id IN (${scopedAthletesSql(db)})
)`;

/** Before the insert: where each scoped athlete starts. */
export const rollingStartsSql = (db: Database) => insertStartsSql(db, 'rolling');

/** After the insert: the rolling table holds each scoped athlete's spine up to asOf. */
export const rollingStateSql = (db: Database) => writeStateSql(db, 'rolling');
