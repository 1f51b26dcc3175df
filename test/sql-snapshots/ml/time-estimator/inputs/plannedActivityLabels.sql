  SELECT planned_id AS row_id, athlete_id, planned_date AS label_date, toString(sport) AS sport, distance_m, elevation_gain_m,
    start_hour_local, toUInt8(toDayOfWeek(planned_date)) AS weekday_local, CAST(NULL AS Nullable(Float64)) AS target_s
  FROM db.planned_activities FINAL
  WHERE planned_date >= {labelsFrom:Date} AND planned_date < {labelsTo:Date}
