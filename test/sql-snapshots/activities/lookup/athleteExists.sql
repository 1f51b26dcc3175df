SELECT count() > 0 AS known FROM db.athletes WHERE athlete_id = {athleteId:String}
