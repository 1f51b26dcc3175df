INSERT INTO db.activity_features (
  athlete_id, activity_id, local_date, sport, start_time_utc, start_hour_local, weekday_local,
  moving_time_s, elapsed_time_s, distance_m, elevation_gain_m, avg_speed_mps, normalized_speed_mps, climb_m_per_km,
  avg_hr_bpm, max_hr_bpm_observed, avg_power_w, np_w, peak_5min_power_w, peak_20min_power_w, variability_index,
  efficiency_basis, efficiency_factor, aerobic_decoupling_pct,
  intensity_factor, tss, tss_method, ftp_w, lthr_bpm, max_hr_bpm, threshold_pace_s_per_km,
  below_z1_s, z1_s, z2_s, z3_s, z4_s, z5_s, hr_covered_s, hr_coverage,
  below_z1_share, z1_share, z2_share, z3_share, z4_share, z5_share,
  has_stream, run_id, version, computed_at)
WITH 

  scope AS (
    SELECT athlete_id, min(from_date) AS from_date
    FROM db.feature_scope FINAL
    WHERE run_id = {runId:String} AND bucket = {bucket:UInt16}
    GROUP BY athlete_id
  ),
  alive_activities AS (
    SELECT a.athlete_id AS athlete_id, a.activity_id AS activity_id, a.sport AS sport,
      a.start_time_utc AS start_time_utc, a.utc_offset_min AS utc_offset_min, a.local_date AS local_date,
      a.distance_m AS distance_m, a.moving_time_s AS moving_time_s, a.elapsed_time_s AS elapsed_time_s,
      a.elevation_gain_m AS elevation_gain_m, a.avg_hr_bpm AS avg_hr_bpm, a.max_hr_bpm AS max_hr_bpm, a.avg_power_w AS avg_power_w
    FROM (
      SELECT athlete_id, activity_id, sport, start_time_utc, utc_offset_min, local_date, distance_m, moving_time_s,
        elapsed_time_s, elevation_gain_m, avg_hr_bpm, max_hr_bpm, avg_power_w, ingested_at
      FROM db.activities FINAL
      WHERE athlete_id IN (SELECT athlete_id FROM scope)
    ) AS a
    LEFT JOIN (
      SELECT athlete_id, activity_id, max(deleted_at) AS deleted_at FROM db.activity_deletions
      WHERE athlete_id IN (SELECT athlete_id FROM scope)
      GROUP BY athlete_id, activity_id
    ) AS x ON x.athlete_id = a.athlete_id AND x.activity_id = a.activity_id
    -- Without a deletion the join leaves deleted_at at its default, 1970 (join_use_nulls = 0).
    WHERE x.deleted_at < a.ingested_at
  ),
  scoped_activities AS (
    SELECT a.athlete_id AS athlete_id, a.activity_id AS activity_id, a.sport AS sport,
      a.start_time_utc AS start_time_utc, a.utc_offset_min AS utc_offset_min, a.local_date AS local_date,
      a.distance_m AS distance_m, a.moving_time_s AS moving_time_s, a.elapsed_time_s AS elapsed_time_s,
      a.elevation_gain_m AS elevation_gain_m,
      -- A device writes 0 for a value it did not measure (0 W average without a power meter): no sensor is not
      -- zero (shared/domain/training-load.md), so the method falls through to the next one.
      nullIf(a.avg_hr_bpm, 0) AS summary_avg_hr_bpm, nullIf(a.max_hr_bpm, 0) AS summary_max_hr_bpm,
      nullIf(a.avg_power_w, 0) AS summary_avg_power_w
    FROM alive_activities AS a
    INNER JOIN scope AS s ON s.athlete_id = a.athlete_id
    WHERE a.local_date >= s.from_date
  ),
  
  activity_thresholds AS (
    SELECT a.athlete_id AS athlete_id, a.activity_id AS activity_id,
      argMaxIf(t.ftp_w, t.effective_from, t.effective_from <= a.local_date AND t.ftp_w IS NOT NULL) AS ftp_w,
      argMaxIf(t.lthr_bpm, t.effective_from, t.effective_from <= a.local_date AND t.lthr_bpm IS NOT NULL) AS lthr_bpm,
      argMaxIf(t.max_hr_bpm, t.effective_from, t.effective_from <= a.local_date AND t.max_hr_bpm IS NOT NULL) AS max_hr_bpm,
      argMaxIf(t.threshold_pace_s_per_km, t.effective_from,
        t.effective_from <= a.local_date AND t.threshold_pace_s_per_km IS NOT NULL) AS threshold_pace_s_per_km
    FROM scoped_activities AS a
    INNER JOIN (
      SELECT athlete_id, effective_from, ftp_w, lthr_bpm, max_hr_bpm, threshold_pace_s_per_km
      FROM db.athlete_thresholds FINAL
      WHERE athlete_id IN (SELECT athlete_id FROM scope)
    ) AS t ON t.athlete_id = a.athlete_id
    GROUP BY a.athlete_id, a.activity_id
  ),
  
  stream_arrays AS (
    SELECT athlete_id, activity_id, count() AS sample_count,
      
      arraySort(groupArrayIf(t_s, ifNull(hr_bpm, 0) > 0)) AS hr_t,
      arraySort((v, t) -> t, groupArrayIf(hr_bpm, ifNull(hr_bpm, 0) > 0), groupArrayIf(t_s, ifNull(hr_bpm, 0) > 0)) AS hr_v,
      
      arraySort(groupArrayIf(t_s, power_w IS NOT NULL)) AS power_t,
      arraySort((v, t) -> t, groupArrayIf(power_w, power_w IS NOT NULL), groupArrayIf(t_s, power_w IS NOT NULL)) AS power_v,
      
      arraySort(groupArrayIf(t_s, speed_mps IS NOT NULL)) AS speed_t,
      arraySort((v, t) -> t, groupArrayIf(speed_mps, speed_mps IS NOT NULL), groupArrayIf(t_s, speed_mps IS NOT NULL)) AS speed_v,
      arraySort((v, t) -> t, groupArrayIf(ifNull(altitude_m, toFloat32(nan)), speed_mps IS NOT NULL),
        groupArrayIf(t_s, speed_mps IS NOT NULL)) AS speed_altitude
    FROM db.activity_streams
    -- The athlete filter selects primary-key ranges; the activity filter (one string, cheaper than a
    -- tuple) skips activities before from_date; stream_series's join then matches (athlete, activity).
    WHERE athlete_id IN (SELECT athlete_id FROM scope)
      AND activity_id IN (SELECT activity_id FROM scoped_activities)
    GROUP BY athlete_id, activity_id
  ),
  stream_series AS (
    SELECT s.athlete_id AS athlete_id, s.activity_id AS activity_id, s.sample_count AS sample_count,
      s.hr_v AS hr_v, arrayMap((t, next) -> toUInt32(least(next - t, 5)), s.hr_t,
     arraySlice(arrayPushBack(arrayPopFront(s.hr_t), s.hr_t[-1] + 1), 1, length(s.hr_t))) AS hr_held, arrayFlatten(arrayMap((v, n) -> arrayWithConstant(n, v), hr_v, hr_held)) AS hr_1hz,
      arrayFlatten(arrayMap((v, n) -> arrayWithConstant(n, v), s.power_v, arrayMap((t, next) -> toUInt32(least(next - t, 5)), s.power_t,
     arraySlice(arrayPushBack(arrayPopFront(s.power_t), s.power_t[-1] + 1), 1, length(s.power_t))))) AS power_1hz,
      -- UInt64 running sum of whole watts: exact, so rolling sums by subtraction carry no rounding.
      arrayCumSum(power_1hz) AS power_cumsum,
      arrayMap((t, next) -> toUInt32(least(next - t, 5)), s.speed_t,
     arraySlice(arrayPushBack(arrayPopFront(s.speed_t), s.speed_t[-1] + 1), 1, length(s.speed_t))) AS speed_held,
      arrayFlatten(arrayMap((v, n) -> arrayWithConstant(n, v), s.speed_v, speed_held)) AS speed_1hz,
      arrayExists(a -> NOT isNaN(a), s.speed_altitude) AS has_altitude,
      r.sport = 'run' AND has_altitude AS grade_adjusted,
      -- A missing altitude takes the previous reading (the next one before the first reading).
      arrayReverseFill(a -> NOT isNaN(a), arrayFill(a -> NOT isNaN(a), if(grade_adjusted, s.speed_altitude, []))) AS run_altitude,
      arrayFlatten(arrayMap((v, n) -> arrayWithConstant(n, v), run_altitude, if(grade_adjusted, speed_held, []))) AS run_altitude_1hz,
      arrayMap(v -> toFloat64(v), if(grade_adjusted, speed_1hz, [])) AS run_speed_1hz,
      arrayMap((a_after, a_before, d_after, d_before) ->
       if(d_after - d_before >= 5,
          greatest(-0.45, least(0.45, (a_after - a_before) / (d_after - d_before))), 0),
     arrayResize(arrayConcat(arraySlice(run_altitude_1hz, 16), arrayWithConstant(15, run_altitude_1hz[-1])), length(run_altitude_1hz)), arrayResize(arrayConcat(arrayWithConstant(15, run_altitude_1hz[1]), run_altitude_1hz), length(run_altitude_1hz)),
     arrayResize(arrayConcat(arraySlice(arrayCumSum(run_speed_1hz), 16), arrayWithConstant(15, arrayCumSum(run_speed_1hz)[-1])), length(arrayCumSum(run_speed_1hz))), arrayResize(arrayConcat(arrayWithConstant(15, arrayCumSum(run_speed_1hz)[1]), arrayCumSum(run_speed_1hz)), length(arrayCumSum(run_speed_1hz)))) AS run_grade_1hz,
      arrayMap((v, g) -> v * (((((155.4 * g - 30.4) * g - 43.3) * g + 46.3) * g + 19.5) * g + 3.6) / 3.6, run_speed_1hz, run_grade_1hz) AS grade_adjusted_1hz
    FROM stream_arrays AS s
    INNER JOIN (SELECT athlete_id, activity_id, sport FROM scoped_activities) AS r
      ON r.athlete_id = s.athlete_id AND r.activity_id = s.activity_id
  ),
  stream_stats AS (
    SELECT athlete_id, activity_id, sample_count, has_altitude, grade_adjusted,
      length(hr_1hz) AS hr_s,
      if(hr_s > 0, arraySum(hr_1hz) / hr_s, NULL) AS hr_mean,
      if(hr_s > 0, toFloat64(arrayMax(hr_v)), NULL) AS hr_max,
      -- Seconds per bpm value, so zones can be cut later with the effective-dated max HR.
      arrayReduce('sumMap', [hr_v], [hr_held]) AS hr_histogram,
      if(hr_s >= 2, arraySum(arraySlice(hr_1hz, 1, intDiv(length(hr_1hz), 2))) / intDiv(length(hr_1hz), 2), NULL) AS hr_first_half,
      if(hr_s >= 2, arraySum(arraySlice(hr_1hz, intDiv(length(hr_1hz), 2) + 1)) / (length(hr_1hz) - intDiv(length(hr_1hz), 2)), NULL) AS hr_second_half,

      length(power_1hz) AS power_s,
      if(power_s > 0, power_cumsum[-1] / power_s, NULL) AS power_mean,
      if(length(power_cumsum) >= 30,
     pow(arrayAvg(arrayMap(s -> pow(s / 30, 4), arraySlice(arrayMap((c, before) -> c - before, power_cumsum,
     arrayResize(arrayConcat(arrayWithConstant(30, toUInt64(0)), power_cumsum), length(power_cumsum))), 30))), 0.25),
     NULL) AS np,
      if(length(power_cumsum) >= 300, arrayMax(arraySlice(arrayMap((c, before) -> c - before, power_cumsum,
     arrayResize(arrayConcat(arrayWithConstant(300, toUInt64(0)), power_cumsum), length(power_cumsum))), 300)) / 300, NULL) AS peak_5min,
      if(length(power_cumsum) >= 1200, arrayMax(arraySlice(arrayMap((c, before) -> c - before, power_cumsum,
     arrayResize(arrayConcat(arrayWithConstant(1200, toUInt64(0)), power_cumsum), length(power_cumsum))), 1200)) / 1200, NULL) AS peak_20min,
      if(power_s >= 2, arraySum(arraySlice(power_1hz, 1, intDiv(length(power_1hz), 2))) / intDiv(length(power_1hz), 2), NULL) AS power_first_half,
      if(power_s >= 2, arraySum(arraySlice(power_1hz, intDiv(length(power_1hz), 2) + 1)) / (length(power_1hz) - intDiv(length(power_1hz), 2)), NULL) AS power_second_half,

      length(speed_1hz) AS speed_s,
      if(speed_s > 0, arraySum(speed_1hz) / speed_s, NULL) AS speed_mean,
      if(speed_s >= 2, arraySum(arraySlice(speed_1hz, 1, intDiv(length(speed_1hz), 2))) / intDiv(length(speed_1hz), 2), NULL) AS speed_first_half,
      if(speed_s >= 2, arraySum(arraySlice(speed_1hz, intDiv(length(speed_1hz), 2) + 1)) / (length(speed_1hz) - intDiv(length(speed_1hz), 2)), NULL) AS speed_second_half,
      if(grade_adjusted, arrayAvg(grade_adjusted_1hz), NULL) AS grade_adjusted_mean,
      if(grade_adjusted AND speed_s >= 2, arraySum(arraySlice(grade_adjusted_1hz, 1, intDiv(length(grade_adjusted_1hz), 2))) / intDiv(length(grade_adjusted_1hz), 2), NULL) AS grade_adjusted_first_half,
      if(grade_adjusted AND speed_s >= 2, arraySum(arraySlice(grade_adjusted_1hz, intDiv(length(grade_adjusted_1hz), 2) + 1)) / (length(grade_adjusted_1hz) - intDiv(length(grade_adjusted_1hz), 2)), NULL) AS grade_adjusted_second_half
    FROM stream_series
  )
SELECT 
  athlete_id, activity_id, local_date, sport, start_time_utc, start_hour_local, weekday_local,
  moving_time_s, elapsed_time_s, distance_m, elevation_gain_m, avg_speed_mps, normalized_speed_mps, climb_m_per_km,
  avg_hr_bpm, max_hr_bpm_observed, avg_power_w, np_w, peak_5min_power_w, peak_20min_power_w, variability_index,
  efficiency_basis, efficiency_factor, aerobic_decoupling_pct,
  intensity_factor, tss, tss_method, ftp_w, lthr_bpm, max_hr_bpm, threshold_pace_s_per_km,
  below_z1_s, z1_s, z2_s, z3_s, z4_s, z5_s, hr_covered_s, hr_coverage,
  below_z1_share, z1_share, z2_share, z3_share, z4_share, z5_share,
  has_stream,
  {runId:String} AS run_id, {version:UInt64} AS version, (SELECT coalesce(maxOrNull(started_at), now64(3, 'UTC')) FROM db.pipeline_runs FINAL WHERE run_id = {runId:String}) AS computed_at
FROM (
  SELECT
    a.athlete_id AS athlete_id, a.activity_id AS activity_id, a.local_date AS local_date, a.sport AS sport,
    a.start_time_utc AS start_time_utc,
    toHour(a.start_time_utc + toIntervalMinute(a.utc_offset_min)) AS start_hour_local,
    toDayOfWeek(a.local_date) AS weekday_local,
    a.moving_time_s AS moving_time_s, a.elapsed_time_s AS elapsed_time_s, a.distance_m AS distance_m,
    a.elevation_gain_m AS elevation_gain_m,
    if(a.moving_time_s > 0, a.distance_m / a.moving_time_s, 0) AS avg_speed_mps,
    ifNull(multiIf(ss.speed_s = 0, avg_speed_mps, ss.grade_adjusted, ss.grade_adjusted_mean, ss.speed_mean), 0) AS normalized_speed_mps,
    if(a.distance_m > 0, a.elevation_gain_m / (a.distance_m / 1000), NULL) AS climb_m_per_km,

    if(ss.hr_s > 0, ss.hr_mean, a.summary_avg_hr_bpm) AS avg_hr_bpm,
    if(ss.hr_s > 0, ss.hr_max, a.summary_max_hr_bpm) AS max_hr_bpm_observed,
    if(ss.power_s > 0, ss.power_mean, a.summary_avg_power_w) AS avg_power_w,
    ss.np AS np_w, ss.peak_5min AS peak_5min_power_w, ss.peak_20min AS peak_20min_power_w,
    if(ss.power_mean > 0, ss.np / ss.power_mean, NULL) AS variability_index,

    -- NP, or without power samples the summary average power as its stand-in.
    if(ss.power_s > 0, ss.np, a.summary_avg_power_w) AS load_power,
    multiIf(load_power IS NOT NULL, 'power', normalized_speed_mps > 0, 'speed', 'none') AS efficiency_basis,
    if(avg_hr_bpm > 0,
      multiIf(efficiency_basis = 'power', load_power / avg_hr_bpm,
              efficiency_basis = 'speed', normalized_speed_mps * 60 / avg_hr_bpm, NULL),
      NULL) AS efficiency_factor,
    multiIf(efficiency_basis = 'power', ss.power_first_half, ss.grade_adjusted, ss.grade_adjusted_first_half, ss.speed_first_half) AS output_first_half,
    multiIf(efficiency_basis = 'power', ss.power_second_half, ss.grade_adjusted, ss.grade_adjusted_second_half, ss.speed_second_half) AS output_second_half,
    if(efficiency_basis != 'none' AND output_first_half > 0 AND ss.hr_first_half > 0 AND ss.hr_second_half > 0,
      (output_first_half / ss.hr_first_half - output_second_half / ss.hr_second_half) / (output_first_half / ss.hr_first_half) * 100,
      NULL) AS aerobic_decoupling_pct,

    multiIf(
      load_power IS NOT NULL AND thr.ftp_w > 0, 'power',
      avg_hr_bpm > 0 AND thr.lthr_bpm > 0, 'heart_rate',
      a.sport = 'run' AND normalized_speed_mps > 0 AND thr.threshold_pace_s_per_km > 0, 'pace',
      'none') AS tss_method,
    multiIf(
      tss_method = 'power', load_power / thr.ftp_w,
      tss_method = 'heart_rate', avg_hr_bpm / thr.lthr_bpm,
      -- threshold speed = 1000 m / threshold pace
      tss_method = 'pace', normalized_speed_mps * thr.threshold_pace_s_per_km / 1000,
      NULL) AS intensity_factor,
    a.moving_time_s * intensity_factor * intensity_factor / 3600 * 100 AS tss,
    thr.ftp_w AS ftp_w, thr.lthr_bpm AS lthr_bpm, thr.max_hr_bpm AS max_hr_bpm,
    thr.threshold_pace_s_per_km AS threshold_pace_s_per_km,

    ifNull(thr.max_hr_bpm, 0) AS zone_max_hr,
    if(zone_max_hr > 0,
    arraySum((bpm, s) -> if(bpm * 100 < 50 * zone_max_hr, s, 0), tupleElement(ss.hr_histogram, 1), tupleElement(ss.hr_histogram, 2)), 0) AS below_z1_s,
    if(zone_max_hr > 0,
    arraySum((bpm, s) -> if(bpm * 100 >= 50 * zone_max_hr AND bpm * 100 < 60 * zone_max_hr, s, 0), tupleElement(ss.hr_histogram, 1), tupleElement(ss.hr_histogram, 2)), 0) AS z1_s,
    if(zone_max_hr > 0,
    arraySum((bpm, s) -> if(bpm * 100 >= 60 * zone_max_hr AND bpm * 100 < 70 * zone_max_hr, s, 0), tupleElement(ss.hr_histogram, 1), tupleElement(ss.hr_histogram, 2)), 0) AS z2_s,
    if(zone_max_hr > 0,
    arraySum((bpm, s) -> if(bpm * 100 >= 70 * zone_max_hr AND bpm * 100 < 80 * zone_max_hr, s, 0), tupleElement(ss.hr_histogram, 1), tupleElement(ss.hr_histogram, 2)), 0) AS z3_s,
    if(zone_max_hr > 0,
    arraySum((bpm, s) -> if(bpm * 100 >= 80 * zone_max_hr AND bpm * 100 < 90 * zone_max_hr, s, 0), tupleElement(ss.hr_histogram, 1), tupleElement(ss.hr_histogram, 2)), 0) AS z4_s,
    if(zone_max_hr > 0,
    arraySum((bpm, s) -> if(bpm * 100 >= 90 * zone_max_hr, s, 0), tupleElement(ss.hr_histogram, 1), tupleElement(ss.hr_histogram, 2)), 0) AS z5_s,
    ss.hr_s AS hr_covered_s,
    if(a.moving_time_s > 0, hr_covered_s / a.moving_time_s, 0) AS hr_coverage,
    if(hr_covered_s > 0, below_z1_s / hr_covered_s, 0) AS below_z1_share, if(hr_covered_s > 0, z1_s / hr_covered_s, 0) AS z1_share, if(hr_covered_s > 0, z2_s / hr_covered_s, 0) AS z2_share,
    if(hr_covered_s > 0, z3_s / hr_covered_s, 0) AS z3_share, if(hr_covered_s > 0, z4_s / hr_covered_s, 0) AS z4_share, if(hr_covered_s > 0, z5_s / hr_covered_s, 0) AS z5_share,
    ss.sample_count > 0 AS has_stream
  FROM scoped_activities AS a
  LEFT JOIN activity_thresholds AS thr ON thr.athlete_id = a.athlete_id AND thr.activity_id = a.activity_id
  LEFT JOIN stream_stats AS ss ON ss.athlete_id = a.athlete_id AND ss.activity_id = a.activity_id)
