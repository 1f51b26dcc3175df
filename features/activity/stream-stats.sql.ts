import type { Database } from '../../clickhouse/sql.js';
import {
  bestMean,
  firstHalfMean,
  gradePerSecond,
  heldSeconds,
  MINETTI_FLAT_COST,
  minettiRunningCost,
  normalizedPower,
  perSecond,
  secondHalfMean,
} from './series.sql.js';

/** Times of the samples where `present` holds, and `value` at those samples, both in time order. */
const channel = (name: string, value: string, present: string) => `
      arraySort(groupArrayIf(t_s, ${present})) AS ${name}_t,
      arraySort((v, t) -> t, groupArrayIf(${value}, ${present}), groupArrayIf(t_s, ${present})) AS ${name}_v`;

/**
 * `stream_arrays`: per scoped activity with samples, one grouped scan of `activity_streams` (by
 * primary-key ranges of the scoped athletes) into one time-sorted array pair per channel. Each channel
 * keeps only its own samples, so a sample stands for the gap to the next sample of the same stream:
 * HR 0 is no reading and is left out; power 0 is a real reading and stays. Altitude rides along with
 * the speed samples (NaN where missing). Needs the CTEs `scope` and `scoped_activities`.
 */
const streamArraysCte = (db: Database) => `
  stream_arrays AS (
    SELECT athlete_id, activity_id, count() AS sample_count,
      ${channel('hr', 'hr_bpm', 'ifNull(hr_bpm, 0) > 0')},
      ${channel('power', 'power_w', 'power_w IS NOT NULL')},
      ${channel('speed', 'speed_mps', 'speed_mps IS NOT NULL')},
      arraySort((v, t) -> t, groupArrayIf(ifNull(altitude_m, toFloat32(nan)), speed_mps IS NOT NULL),
        groupArrayIf(t_s, speed_mps IS NOT NULL)) AS speed_altitude
    FROM ${db}.activity_streams
    -- The athlete filter selects primary-key ranges; the activity filter (one string, cheaper than a
    -- tuple) skips activities before from_date; stream_series's join then matches (athlete, activity).
    WHERE athlete_id IN (SELECT athlete_id FROM scope)
      AND activity_id IN (SELECT activity_id FROM scoped_activities)
    GROUP BY athlete_id, activity_id
  )`;

/**
 * The 1 Hz series (sample-and-hold over moving time) of each channel. Grade adjustment applies to runs
 * with altitude only: for everything else its arrays are empty, so it costs nothing.
 */
const streamSeriesCte = `
  stream_series AS (
    SELECT s.athlete_id AS athlete_id, s.activity_id AS activity_id, s.sample_count AS sample_count,
      s.hr_v AS hr_v, ${heldSeconds('s.hr_t')} AS hr_held, ${perSecond('hr_v', 'hr_held')} AS hr_1hz,
      ${perSecond('s.power_v', heldSeconds('s.power_t'))} AS power_1hz,
      -- UInt64 running sum of whole watts: exact, so rolling sums by subtraction carry no rounding.
      arrayCumSum(power_1hz) AS power_cumsum,
      ${heldSeconds('s.speed_t')} AS speed_held,
      ${perSecond('s.speed_v', 'speed_held')} AS speed_1hz,
      arrayExists(a -> NOT isNaN(a), s.speed_altitude) AS has_altitude,
      r.sport = 'run' AND has_altitude AS grade_adjusted,
      -- A missing altitude takes the previous reading (the next one before the first reading).
      arrayReverseFill(a -> NOT isNaN(a), arrayFill(a -> NOT isNaN(a), if(grade_adjusted, s.speed_altitude, []))) AS run_altitude,
      ${perSecond('run_altitude', 'if(grade_adjusted, speed_held, [])')} AS run_altitude_1hz,
      arrayMap(v -> toFloat64(v), if(grade_adjusted, speed_1hz, [])) AS run_speed_1hz,
      ${gradePerSecond('run_altitude_1hz', 'arrayCumSum(run_speed_1hz)')} AS run_grade_1hz,
      arrayMap((v, g) -> v * ${minettiRunningCost('g')} / ${MINETTI_FLAT_COST}, run_speed_1hz, run_grade_1hz) AS grade_adjusted_1hz
    FROM stream_arrays AS s
    INNER JOIN (SELECT athlete_id, activity_id, sport FROM scoped_activities) AS r
      ON r.athlete_id = s.athlete_id AND r.activity_id = s.activity_id
  )`;

/** Per activity, scalars only: what the feature row needs from the streams. */
const streamStatsCte = `
  stream_stats AS (
    SELECT athlete_id, activity_id, sample_count, has_altitude, grade_adjusted,
      length(hr_1hz) AS hr_s,
      if(hr_s > 0, arraySum(hr_1hz) / hr_s, NULL) AS hr_mean,
      if(hr_s > 0, toFloat64(arrayMax(hr_v)), NULL) AS hr_max,
      -- Seconds per bpm value, so zones can be cut later with the effective-dated max HR.
      arrayReduce('sumMap', [hr_v], [hr_held]) AS hr_histogram,
      if(hr_s >= 2, ${firstHalfMean('hr_1hz')}, NULL) AS hr_first_half,
      if(hr_s >= 2, ${secondHalfMean('hr_1hz')}, NULL) AS hr_second_half,

      length(power_1hz) AS power_s,
      if(power_s > 0, power_cumsum[-1] / power_s, NULL) AS power_mean,
      ${normalizedPower('power_cumsum')} AS np,
      ${bestMean('power_cumsum', 300)} AS peak_5min,
      ${bestMean('power_cumsum', 1200)} AS peak_20min,
      if(power_s >= 2, ${firstHalfMean('power_1hz')}, NULL) AS power_first_half,
      if(power_s >= 2, ${secondHalfMean('power_1hz')}, NULL) AS power_second_half,

      length(speed_1hz) AS speed_s,
      if(speed_s > 0, arraySum(speed_1hz) / speed_s, NULL) AS speed_mean,
      if(speed_s >= 2, ${firstHalfMean('speed_1hz')}, NULL) AS speed_first_half,
      if(speed_s >= 2, ${secondHalfMean('speed_1hz')}, NULL) AS speed_second_half,
      if(grade_adjusted, arrayAvg(grade_adjusted_1hz), NULL) AS grade_adjusted_mean,
      if(grade_adjusted AND speed_s >= 2, ${firstHalfMean('grade_adjusted_1hz')}, NULL) AS grade_adjusted_first_half,
      if(grade_adjusted AND speed_s >= 2, ${secondHalfMean('grade_adjusted_1hz')}, NULL) AS grade_adjusted_second_half
    FROM stream_series
  )`;

/** CTEs `stream_arrays`, `stream_series`, `stream_stats` (one row per scoped activity that has samples). */
export const streamStatsCtes = (db: Database) => `${streamArraysCte(db)},${streamSeriesCte},${streamStatsCte}`;
