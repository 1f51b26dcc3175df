  SELECT DISTINCT activity_id FROM (
    SELECT activity_id FROM db.activities WHERE athlete_id = {athleteId:String}
    UNION ALL SELECT activity_id FROM db.activity_stream_uploads WHERE athlete_id = {athleteId:String}
    UNION ALL SELECT activity_id FROM db.activity_deletions WHERE athlete_id = {athleteId:String}
    UNION ALL SELECT activity_id FROM db.activity_features WHERE athlete_id = {athleteId:String})
