  WITH medians_source AS (
    SELECT toString(sport) AS sport, avg_speed_mps FROM db.activity_features FINAL
    WHERE local_date < {medianBefore:Date} AND avg_speed_mps > 0)
  SELECT row_id, athlete_id, label_date, sport, target_s, features, cityHash64(features) AS feature_hash,
    distance_m / coalesce(nullIf(multiIf(sport = 'ride', `rolling.ride_avg_speed_28d_mps`, sport = 'run', `rolling.run_avg_speed_28d_mps`, sport = 'swim', `rolling.swim_avg_speed_28d_mps`, NULL), 0), nullIf(m.median_speed, 0), (SELECT median(avg_speed_mps) FROM medians_source)) AS baseline_s
  FROM (
    SELECT *, [toNullable(toFloat64(transform(sport, ['ride', 'run', 'swim', 'other'], [0, 1, 2, 3], 3))), toNullable(toFloat64(distance_m)), toNullable(toFloat64(elevation_gain_m)), toNullable(toFloat64(if(distance_m > 0, elevation_gain_m / distance_m * 1000, NULL))), toNullable(toFloat64(start_hour_local)), toNullable(toFloat64(weekday_local)), toNullable(toFloat64(multiIf(sport = 'ride', `rolling.ride_avg_speed_28d_mps`, sport = 'run', `rolling.run_avg_speed_28d_mps`, sport = 'swim', `rolling.swim_avg_speed_28d_mps`, NULL))), toNullable(toFloat64(distance_m / nullIf(multiIf(sport = 'ride', `rolling.ride_avg_speed_28d_mps`, sport = 'run', `rolling.run_avg_speed_28d_mps`, sport = 'swim', `rolling.swim_avg_speed_28d_mps`, NULL), 0))), toNullable(toFloat64(`rolling.ctl`)), toNullable(toFloat64(`rolling.atl`)), toNullable(toFloat64(`rolling.tsb`)), toNullable(toFloat64(`rolling.acwr`)), toNullable(toFloat64(`rolling.acwr_7_28`)), toNullable(toFloat64(`rolling.monotony`)), toNullable(toFloat64(`rolling.load_7d`)), toNullable(toFloat64(`rolling.load_28d`)), toNullable(toFloat64(`rolling.moving_time_7d_s`)), toNullable(toFloat64(`rolling.moving_time_28d_s`)), toNullable(toFloat64(`rolling.distance_7d_m`)), toNullable(toFloat64(`rolling.distance_28d_m`)), toNullable(toFloat64(`rolling.ride_avg_speed_28d_mps`)), toNullable(toFloat64(`rolling.run_avg_speed_28d_mps`)), toNullable(toFloat64(`rolling.swim_avg_speed_28d_mps`)), toNullable(toFloat64(`rolling.days_since_last_activity`)), toNullable(toFloat64(`weekly.longest_session_s`)), toNullable(toFloat64(`weekly.load`))] AS features
    FROM (
    WITH labels AS (
  SELECT planned_id AS row_id, athlete_id, planned_date AS label_date, toString(sport) AS sport, distance_m, elevation_gain_m,
    start_hour_local, toUInt8(toDayOfWeek(planned_date)) AS weekday_local, CAST(NULL AS Nullable(Float64)) AS target_s
  FROM db.planned_activities FINAL
  WHERE planned_date >= {labelsFrom:Date} AND planned_date < {labelsTo:Date})
    SELECT l.*,
      if(dateDiff('day', v0.covers_until, l.label_date) <= 7, v0.ctl, NULL) AS `rolling.ctl`,
      if(dateDiff('day', v0.covers_until, l.label_date) <= 7, v0.atl, NULL) AS `rolling.atl`,
      if(dateDiff('day', v0.covers_until, l.label_date) <= 7, v0.tsb, NULL) AS `rolling.tsb`,
      if(dateDiff('day', v0.covers_until, l.label_date) <= 7, v0.acwr, NULL) AS `rolling.acwr`,
      if(dateDiff('day', v0.covers_until, l.label_date) <= 7, v0.acwr_7_28, NULL) AS `rolling.acwr_7_28`,
      if(dateDiff('day', v0.covers_until, l.label_date) <= 7, v0.monotony, NULL) AS `rolling.monotony`,
      if(dateDiff('day', v0.covers_until, l.label_date) <= 7, v0.load_7d, NULL) AS `rolling.load_7d`,
      if(dateDiff('day', v0.covers_until, l.label_date) <= 7, v0.load_28d, NULL) AS `rolling.load_28d`,
      if(dateDiff('day', v0.covers_until, l.label_date) <= 7, v0.moving_time_7d_s, NULL) AS `rolling.moving_time_7d_s`,
      if(dateDiff('day', v0.covers_until, l.label_date) <= 7, v0.moving_time_28d_s, NULL) AS `rolling.moving_time_28d_s`,
      if(dateDiff('day', v0.covers_until, l.label_date) <= 7, v0.distance_7d_m, NULL) AS `rolling.distance_7d_m`,
      if(dateDiff('day', v0.covers_until, l.label_date) <= 7, v0.distance_28d_m, NULL) AS `rolling.distance_28d_m`,
      if(dateDiff('day', v0.covers_until, l.label_date) <= 7, v0.ride_avg_speed_28d_mps, NULL) AS `rolling.ride_avg_speed_28d_mps`,
      if(dateDiff('day', v0.covers_until, l.label_date) <= 7, v0.run_avg_speed_28d_mps, NULL) AS `rolling.run_avg_speed_28d_mps`,
      if(dateDiff('day', v0.covers_until, l.label_date) <= 7, v0.swim_avg_speed_28d_mps, NULL) AS `rolling.swim_avg_speed_28d_mps`,
      if(dateDiff('day', v0.covers_until, l.label_date) <= 7, v0.days_since_last_activity, NULL) AS `rolling.days_since_last_activity`,
      if(dateDiff('day', v1.covers_until, l.label_date) <= 14, v1.longest_session_s, NULL) AS `weekly.longest_session_s`,
      if(dateDiff('day', v1.covers_until, l.label_date) <= 14, v1.load, NULL) AS `weekly.load`
    FROM labels AS l
    ASOF LEFT JOIN (
      SELECT athlete_id AS entity_id, as_of_date AS covers_until, ctl, atl, tsb, acwr, acwr_7_28, monotony, load_7d, load_28d, moving_time_7d_s, moving_time_28d_s, distance_7d_m, distance_28d_m, ride_avg_speed_28d_mps, run_avg_speed_28d_mps, swim_avg_speed_28d_mps, days_since_last_activity
      FROM db.athlete_rolling_features FINAL
      WHERE athlete_id IN (SELECT athlete_id FROM labels)
        AND as_of_date >= (SELECT min(label_date) FROM labels) - 14
    ) AS v0 ON l.athlete_id = v0.entity_id AND l.label_date > v0.covers_until
    ASOF LEFT JOIN (
      SELECT athlete_id AS entity_id, week_start + 6 AS covers_until, longest_session_s, load
      FROM db.athlete_weekly_features FINAL
      WHERE athlete_id IN (SELECT athlete_id FROM labels)
        AND week_start >= (SELECT min(label_date) FROM labels) - 21
    ) AS v1 ON l.athlete_id = v1.entity_id AND l.label_date > v1.covers_until)
  ) AS p
  LEFT JOIN (SELECT sport AS median_sport, median(avg_speed_mps) AS median_speed FROM medians_source GROUP BY sport) AS m
    ON m.median_sport = p.sport
