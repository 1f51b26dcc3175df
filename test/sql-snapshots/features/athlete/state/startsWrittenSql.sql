SELECT count() AS n FROM db.athlete_feature_starts
WHERE run_id = {runId:String} AND bucket = {bucket:UInt16} AND step = {step:String}
