  SELECT onnx, sha256 FROM db.model_versions FINAL WHERE model_name = {model:String} AND version = {version:UInt32}
