  SELECT p.target_id AS planned_id, toString(p.target_date) AS planned_date, pa.sport AS sport, pa.distance_m AS distance_m,
    round(p.predicted_s) AS predicted_s, p.model_version AS model_version, toString(p.as_of) AS as_of
  FROM db.predictions AS p FINAL
  LEFT JOIN (SELECT planned_id, sport, distance_m FROM db.planned_activities FINAL WHERE athlete_id = {athleteId:String}) AS pa
    ON pa.planned_id = p.target_id
  WHERE p.athlete_id = {athleteId:String} AND p.kind = 'planned' AND p.model_name = {model:String}
    AND p.as_of = (SELECT max(as_of) FROM db.predictions WHERE athlete_id = {athleteId:String} AND kind = 'planned' AND model_name = {model:String})
  ORDER BY p.predicted_at DESC
  LIMIT 1 BY p.target_id
