  INSERT INTO db.training_set_specs (training_set_id, as_of, feature_set, feature_names, feature_definitions, splits, feature_run_id, feature_watermark)
  VALUES ({id:String}, {asOf:Date}, {featureSet:String}, {names:Array(String)}, {definitions:Array(String)}, {splits:String}, {runId:String}, {watermark:String})
