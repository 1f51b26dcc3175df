ALTER TABLE db.stream_changes DROP PARTITION {batchId:String}
