  INSERT INTO db.ml_runs (run_id, model_name, status, params, metrics, training_set_id, feature_set, features, feature_run_id,
    feature_watermark, git_commit, step_seconds, model_version, promoted, error, started_at, updated_at)
  VALUES ({runId:String}, {model:String}, {status:String}, {params:String}, {metrics:String}, {trainingSetId:String}, {featureSet:String},
    {features:Array(String)}, {featureRunId:String}, {featureWatermark:String}, {gitCommit:String}, {stepSeconds:String},
    {modelVersion:UInt32}, {promoted:UInt8}, {error:String}, parseDateTime64BestEffort({startedAt:String}, 3), now64(3))
