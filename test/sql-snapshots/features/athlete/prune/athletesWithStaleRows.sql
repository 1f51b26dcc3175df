  SELECT t.athlete_id AS athlete_id, any(if(f.athlete_id = '', toDate('2149-06-06'), f.first_date)) AS first_date
  FROM (SELECT athlete_id, date AS d, 'athlete_daily_features' AS tbl FROM db.athlete_daily_features FINAL
        WHERE athlete_id IN (
  SELECT athlete_id FROM db.feature_scope FINAL WHERE run_id = {runId:String} AND bucket = {bucket:UInt16}) UNION ALL SELECT athlete_id, as_of_date AS d, 'athlete_rolling_features' AS tbl FROM db.athlete_rolling_features FINAL
        WHERE athlete_id IN (
  SELECT athlete_id FROM db.feature_scope FINAL WHERE run_id = {runId:String} AND bucket = {bucket:UInt16}) UNION ALL SELECT athlete_id, week_start AS d, 'athlete_weekly_features' AS tbl FROM db.athlete_weekly_features FINAL
        WHERE athlete_id IN (
  SELECT athlete_id FROM db.feature_scope FINAL WHERE run_id = {runId:String} AND bucket = {bucket:UInt16})) AS t
  LEFT JOIN (
    SELECT athlete_id, min(local_date) AS first_date FROM db.activity_features FINAL
    WHERE athlete_id IN (
  SELECT athlete_id FROM db.feature_scope FINAL WHERE run_id = {runId:String} AND bucket = {bucket:UInt16}) AND local_date <= {asOf:Date}
    GROUP BY athlete_id
  ) AS f ON f.athlete_id = t.athlete_id
  WHERE f.athlete_id = '' OR t.d < multiIf(t.tbl = 'athlete_daily_features', f.first_date, t.tbl = 'athlete_rolling_features', f.first_date, t.tbl = 'athlete_weekly_features', toMonday(f.first_date), f.first_date) OR t.d > multiIf(t.tbl = 'athlete_daily_features', {asOf:Date}, t.tbl = 'athlete_rolling_features', {asOf:Date}, t.tbl = 'athlete_weekly_features', toMonday({asOf:Date}), {asOf:Date})
  GROUP BY t.athlete_id
