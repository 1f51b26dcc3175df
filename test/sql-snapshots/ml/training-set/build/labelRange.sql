  SELECT count() AS n, toString(min(local_date)) AS first, toString(max(local_date)) AS last
  FROM db.activity_features FINAL
  WHERE local_date < {asOf:Date} AND distance_m > 0 AND moving_time_s > 0
