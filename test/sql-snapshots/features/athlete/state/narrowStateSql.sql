INSERT INTO db.athlete_feature_state (athlete_id, step, first_date, last_date, run_id, version, seq)
SELECT athlete_id, step,
  if(span_first = first, span_first, toDate('2149-06-06')) AS first_date,
  if(span_first = first, least(span_last, {asOf:Date}), toDate('2149-06-06')) AS last_date,
  {runId:String}, {version:UInt64}, {version:UInt64} * 4
FROM (
  SELECT athlete_id, step, argMax(first_date, seq) AS span_first, argMax(last_date, seq) AS span_last,
    transform(athlete_id, {ids:Array(String)}, {firsts:Array(Date)}, toDate('2149-06-06')) AS first
  FROM db.athlete_feature_state
  WHERE athlete_id IN {ids:Array(String)} AND seq < {version:UInt64} * 4
  GROUP BY athlete_id, step
)
