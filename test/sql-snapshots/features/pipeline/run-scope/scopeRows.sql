SELECT count() AS n FROM db.feature_scope WHERE run_id = {runId:String}
