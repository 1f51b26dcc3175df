  SELECT count() AS n FROM db.pipeline_runs WHERE has(athlete_ids, {athleteId:String})
