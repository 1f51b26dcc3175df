  INSERT INTO db.pipeline_runs (run_id, pipeline, version, as_of, full_recompute, athlete_ids, status, since, watermark,
    athletes_touched, summary, checks, error, started_at, updated_at)
  SELECT run_id, pipeline, version, as_of, full_recompute, athlete_ids, {status:String} AS status, since, watermark, athletes_touched,
    {summary:String} AS summary, {checks:String} AS checks, {error:String} AS error, started_at,
    greatest(now64(3), updated_at + INTERVAL 1 MILLISECOND) AS updated_at
  FROM db.pipeline_runs FINAL WHERE run_id = {runId:String}
