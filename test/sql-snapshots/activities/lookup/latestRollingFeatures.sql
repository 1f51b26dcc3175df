  SELECT * EXCEPT (run_id, version, computed_at)
  FROM db.athlete_rolling_features FINAL
  WHERE athlete_id = {athleteId:String}
  ORDER BY as_of_date DESC
  LIMIT 1
