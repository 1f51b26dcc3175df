  INSERT INTO db.model_versions (model_name, version, onnx, sha256, input_schema, metrics, run_id, training_set_id)
  VALUES ({model:String}, {version:UInt32}, {onnx:String}, {sha256:String}, {schema:String}, {metrics:String}, {runId:String}, {trainingSetId:String})
