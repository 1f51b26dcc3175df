  SELECT toString(watermark) AS watermark FROM db.pipeline_runs FINAL
  WHERE status = 'succeeded' AND empty(athlete_ids) AND run_id != {runId:String}
  ORDER BY version DESC LIMIT 1
