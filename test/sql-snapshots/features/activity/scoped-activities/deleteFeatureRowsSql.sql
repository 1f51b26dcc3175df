DELETE FROM db.activity_features
WHERE athlete_id IN {athleteIds:Array(String)} AND activity_id IN {activityIds:Array(String)}
