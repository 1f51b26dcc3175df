  INSERT INTO db.activity_stream_uploads (athlete_id, activity_id, stream_hash, sample_count, ingested_at)
  SELECT athlete_id, activity_id, stream_hash, sample_count, now64(3) AS ingested_at
  FROM db.stream_changes WHERE batch_id = {changesId:String} AND changed
