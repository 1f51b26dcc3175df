SELECT count() AS n FROM (
  SELECT DISTINCT athlete_id, as_of_date FROM db.athlete_rolling_features
  WHERE version = {version:UInt64} AND run_id = {runId:String} AND athlete_id IN (
  SELECT athlete_id FROM db.feature_scope FINAL WHERE run_id = {runId:String} AND bucket = {bucket:UInt16})
)
