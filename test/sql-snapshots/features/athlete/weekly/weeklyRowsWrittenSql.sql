SELECT count() AS n FROM (
  SELECT DISTINCT athlete_id, week_start FROM db.athlete_weekly_features
  WHERE version = {version:UInt64} AND run_id = {runId:String} AND athlete_id IN (
  SELECT athlete_id FROM db.feature_scope FINAL WHERE run_id = {runId:String} AND bucket = {bucket:UInt16})
)
