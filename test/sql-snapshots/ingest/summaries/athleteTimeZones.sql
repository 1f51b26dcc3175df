SELECT athlete_id, time_zone FROM db.athletes FINAL WHERE athlete_id IN {ids:Array(String)}
