  SELECT athlete_id FROM db.feature_scope FINAL WHERE run_id = {runId:String} AND bucket = {bucket:UInt16}
