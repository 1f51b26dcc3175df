SELECT toUInt64(sum(moving_s + toUInt32(outside_sample))) AS samples
   FROM db.generator_stream_plans WHERE batch_id = {batch_id:String}
