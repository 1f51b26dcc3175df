  SELECT training_set_id, toString(as_of) AS as_of, feature_set, feature_names, feature_definitions, splits, feature_run_id, feature_watermark
  FROM db.training_set_specs FINAL WHERE training_set_id = {id:String}
