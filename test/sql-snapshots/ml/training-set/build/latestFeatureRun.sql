  SELECT run_id, toString(as_of) AS as_of, toString(watermark) AS watermark FROM db.pipeline_runs FINAL
  WHERE status = 'succeeded' AND empty(athlete_ids) ORDER BY version DESC LIMIT 1
