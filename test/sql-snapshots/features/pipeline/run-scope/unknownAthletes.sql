  SELECT arrayJoin({athleteIds:Array(String)}) AS athlete_id
  WHERE athlete_id NOT IN (SELECT athlete_id FROM db.athletes FINAL)
