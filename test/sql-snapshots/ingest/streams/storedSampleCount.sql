  SELECT count() AS n FROM db.activity_streams WHERE (athlete_id, activity_id) IN (SELECT athlete_id, activity_id FROM db.stream_changes WHERE batch_id = {changesId:String} AND changed)
