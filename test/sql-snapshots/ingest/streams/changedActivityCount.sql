  SELECT countIf(changed) AS activities FROM db.stream_changes WHERE batch_id = {changesId:String}
