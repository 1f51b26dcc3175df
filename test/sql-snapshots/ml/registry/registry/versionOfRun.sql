  SELECT version FROM db.model_versions FINAL WHERE model_name = {model:String} AND run_id = {runId:String} LIMIT 1
