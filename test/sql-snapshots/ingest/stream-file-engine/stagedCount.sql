SELECT count() AS n FROM db.stream_staging WHERE batch_id = {batch_id:String}
