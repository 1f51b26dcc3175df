  ALTER TABLE db.pipeline_runs
  UPDATE athlete_ids = arrayMap(id -> if(id = {athleteId:String}, '(forgotten)', id), athlete_ids)
  WHERE has(athlete_ids, {athleteId:String})
