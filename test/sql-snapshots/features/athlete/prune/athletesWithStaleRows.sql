  WITH daily_starts AS (
    SELECT athlete_id, first_date, may_have_stale_rows FROM db.athlete_feature_starts FINAL
    WHERE run_id = {runId:String} AND bucket = {bucket:UInt16} AND step = 'daily'
  ),
  firsts AS (SELECT athlete_id, first_date FROM daily_starts WHERE first_date <= {asOf:Date}),
  -- Only the athletes whose state leaves room for stale rows (state.sql.ts): none in an ordinary daily run.
  candidates AS (SELECT athlete_id FROM daily_starts WHERE may_have_stale_rows = 1)
  SELECT t.athlete_id AS athlete_id, any(if(f.athlete_id = '', toDate('2149-06-06'), f.first_date)) AS first_date
  FROM (SELECT athlete_id, min(date) AS lo, max(date) AS hi, 'athlete_daily_features' AS tbl
        FROM db.athlete_daily_features WHERE athlete_id IN (SELECT athlete_id FROM candidates) GROUP BY athlete_id UNION ALL SELECT athlete_id, min(as_of_date) AS lo, max(as_of_date) AS hi, 'athlete_rolling_features' AS tbl
        FROM db.athlete_rolling_features WHERE athlete_id IN (SELECT athlete_id FROM candidates) GROUP BY athlete_id UNION ALL SELECT athlete_id, min(week_start) AS lo, max(week_start) AS hi, 'athlete_weekly_features' AS tbl
        FROM db.athlete_weekly_features WHERE athlete_id IN (SELECT athlete_id FROM candidates) GROUP BY athlete_id) AS t
  LEFT JOIN firsts AS f ON f.athlete_id = t.athlete_id
  WHERE f.athlete_id = '' OR t.lo < multiIf(t.tbl = 'athlete_daily_features', f.first_date, t.tbl = 'athlete_rolling_features', f.first_date, t.tbl = 'athlete_weekly_features', toMonday(f.first_date), f.first_date) OR t.hi > multiIf(t.tbl = 'athlete_daily_features', {asOf:Date}, t.tbl = 'athlete_rolling_features', {asOf:Date}, t.tbl = 'athlete_weekly_features', toMonday({asOf:Date}), {asOf:Date})
  GROUP BY t.athlete_id
  SETTINGS join_use_nulls = 0
