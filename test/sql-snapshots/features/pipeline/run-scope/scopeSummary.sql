  SELECT bucket, toUInt32(count()) AS athletes FROM db.feature_scope FINAL WHERE run_id = {runId:String}
  GROUP BY bucket ORDER BY bucket
