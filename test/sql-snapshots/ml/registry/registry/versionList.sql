  SELECT version, sha256, input_schema, metrics, run_id, training_set_id, toString(created_at) AS created_at
  FROM db.model_versions FINAL WHERE model_name = {model:String} ORDER BY version
