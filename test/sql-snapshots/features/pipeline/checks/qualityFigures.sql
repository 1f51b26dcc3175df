  SELECT 'activity_features' AS table_name, count() AS row_count,
    countIf(athlete_id = '' OR activity_id = '') AS empty_keys,
    uniqExact(tuple(*)) - uniqExact(athlete_id, activity_id) AS duplicate_keys,
    countIf(tss < 0) AS negative_load,
    countIf(hr_covered_s > 0 AND max_hr_bpm IS NOT NULL
      AND abs(below_z1_share + z1_share + z2_share + z3_share + z4_share + z5_share - 1) > 0.001) AS zone_share_errors
  FROM db.activity_features WHERE version = {version:UInt64}
  UNION ALL
  SELECT 'athlete_daily_features', count(), countIf(athlete_id = ''), uniqExact(tuple(*)) - uniqExact(athlete_id, date),
    countIf(load < 0), 0
  FROM db.athlete_daily_features WHERE version = {version:UInt64}
  UNION ALL
  SELECT 'athlete_rolling_features', count(), countIf(athlete_id = ''), uniqExact(tuple(*)) - uniqExact(athlete_id, as_of_date),
    countIf(ctl < 0 OR atl < 0), 0
  FROM db.athlete_rolling_features WHERE version = {version:UInt64}
  UNION ALL
  SELECT 'athlete_weekly_features', count(), countIf(athlete_id = ''), uniqExact(tuple(*)) - uniqExact(athlete_id, week_start),
    countIf(load < 0), 0
  FROM db.athlete_weekly_features WHERE version = {version:UInt64}
