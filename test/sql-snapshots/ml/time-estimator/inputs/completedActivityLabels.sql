  SELECT activity_id AS row_id, athlete_id, local_date AS label_date, toString(sport) AS sport, distance_m,
    toFloat64(elevation_gain_m) AS elevation_gain_m, toNullable(start_hour_local) AS start_hour_local, weekday_local,
    toNullable(toFloat64(moving_time_s)) AS target_s
  FROM db.activity_features FINAL
  WHERE local_date >= {labelsFrom:Date} AND local_date < {labelsTo:Date} AND distance_m > 0 AND moving_time_s > 0
