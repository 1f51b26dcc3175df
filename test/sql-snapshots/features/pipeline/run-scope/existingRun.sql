  SELECT toString(since) AS since, toString(watermark) AS watermark, version, toString(as_of) AS as_of
  FROM db.pipeline_runs FINAL WHERE run_id = {runId:String}
