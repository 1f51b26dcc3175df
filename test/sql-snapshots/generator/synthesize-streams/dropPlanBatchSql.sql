ALTER TABLE db.generator_stream_plans DROP PARTITION {batch_id:String}
