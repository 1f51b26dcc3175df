  INSERT INTO db.pipeline_runs (run_id, pipeline, version, as_of, full_recompute, athlete_ids, status, since, watermark,
    athletes_touched, summary, checks, error, started_at, updated_at)
  SELECT {runId:String} AS run_id, 'features' AS pipeline, {version:UInt64} AS version, {asOf:Date} AS as_of,
    {fullRecompute:UInt8} AS full_recompute, {athleteIds:Array(String)} AS athlete_ids, 'running' AS status,
    {since:DateTime64(3)} AS since, {watermark:DateTime64(3)} AS watermark, {athletes:UInt32} AS athletes_touched,
    '{}' AS summary, '[]' AS checks, '' AS error, now64(3) AS started_at, now64(3) AS updated_at
