INSERT INTO db.athlete_feature_state (athlete_id, step, first_date, last_date, run_id, version, seq)
SELECT athlete_id, 'daily', first_date, {asOf:Date}, {runId:String}, {version:UInt64}, {version:UInt64} * 4 + 1
FROM db.athlete_feature_starts FINAL
WHERE run_id = {runId:String} AND bucket = {bucket:UInt16} AND step = 'daily'
