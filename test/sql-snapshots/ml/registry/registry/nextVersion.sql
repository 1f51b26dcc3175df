  SELECT max(version) + 1 AS version FROM db.model_versions FINAL WHERE model_name = {model:String}
