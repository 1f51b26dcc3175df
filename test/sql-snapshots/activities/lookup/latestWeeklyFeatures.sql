  SELECT * EXCEPT (run_id, version, computed_at)
  FROM db.athlete_weekly_features FINAL
  WHERE athlete_id = {athleteId:String}
  ORDER BY week_start DESC
  LIMIT 1
