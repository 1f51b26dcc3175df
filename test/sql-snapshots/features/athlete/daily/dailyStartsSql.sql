INSERT INTO db.athlete_feature_starts (run_id, bucket, step, athlete_id, first_date, start_date, may_have_stale_rows)
WITH 
  scope AS (
    SELECT athlete_id, min(from_date) AS from_date
    FROM db.feature_scope FINAL
    WHERE run_id = {runId:String} AND bucket = {bucket:UInt16}
    GROUP BY athlete_id
  ),

  span AS (
    SELECT athlete_id, argMax(first_date, seq) AS span_first, argMax(last_date, seq) AS span_last
    FROM db.athlete_feature_state
    WHERE athlete_id IN (SELECT athlete_id FROM scope) AND step = 'daily' AND seq < {version:UInt64} * 4
    GROUP BY athlete_id
  ),

  trusted AS (
    SELECT s.athlete_id AS athlete_id, sp.span_first AS first_date
    FROM scope AS s
    INNER JOIN span AS sp ON sp.athlete_id = s.athlete_id
    WHERE s.from_date > sp.span_first
  ),
  firsts AS (
    SELECT athlete_id, first_date FROM trusted WHERE first_date <= {asOf:Date}
    UNION ALL
    SELECT athlete_id, min(local_date) AS first_date
    FROM db.activity_features FINAL
    -- A positive list, not NOT IN trusted, so the primary key skips the trusted athletes' rows.
    WHERE athlete_id IN (SELECT athlete_id FROM scope WHERE athlete_id NOT IN (SELECT athlete_id FROM trusted))
      AND local_date <= {asOf:Date}
    GROUP BY athlete_id
  )
SELECT {runId:String}, {bucket:UInt16}, 'daily', s.athlete_id,
  if(f.athlete_id = '', toDate('2149-06-06'), f.first_date) AS first_date,
  if(f.athlete_id = '', toDate('2149-06-06'), if((sp.athlete_id != '' AND sp.span_first = f.first_date), least(greatest(s.from_date, f.first_date), sp.span_last + 1), f.first_date)) AS start_date,
  (sp.athlete_id = '' OR s.from_date <= sp.span_first OR s.from_date > {asOf:Date}
    OR sp.span_last > {asOf:Date}) AS may_have_stale_rows
FROM scope AS s
LEFT JOIN firsts AS f ON f.athlete_id = s.athlete_id
LEFT JOIN span AS sp ON sp.athlete_id = s.athlete_id
SETTINGS join_use_nulls = 0
