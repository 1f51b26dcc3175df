ALTER TABLE db.stream_staging DROP PARTITION {batchId:String}
