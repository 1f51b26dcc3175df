  INSERT INTO db.feature_scope (run_id, bucket, athlete_id, from_date)
  SELECT {runId:String},
    -- Contiguous ranges of athlete_id, the leading sort key of every feature table: a bucket's queries read
    -- only its own granules (hashed buckets would scatter every bucket over the whole table).
    intDiv((row_number() OVER (ORDER BY athlete_id) - 1) * {buckets:UInt16}, count() OVER ()) AS bucket,
    athlete_id, from_date
  FROM (
  SELECT athlete_id, min(d) AS from_date, max(changed) AS has_changes
  FROM (
    SELECT a.athlete_id AS athlete_id, if(f.activity_id = '', a.local_date, least(a.local_date, f.local_date)) AS d, 1 AS changed
    FROM (SELECT athlete_id, activity_id, local_date FROM db.activities FINAL WHERE ingested_at > {since:DateTime64(3)} AND ingested_at <= {until:DateTime64(3)}) AS a
    LEFT JOIN (
      SELECT athlete_id, activity_id, local_date FROM db.activity_features FINAL
      WHERE activity_id IN (SELECT activity_id FROM db.activities WHERE ingested_at > {since:DateTime64(3)} AND ingested_at <= {until:DateTime64(3)})
    ) AS f ON f.athlete_id = a.athlete_id AND f.activity_id = a.activity_id
    UNION ALL
    SELECT a.athlete_id, a.local_date, 1
    FROM (SELECT athlete_id, activity_id FROM db.activity_stream_uploads FINAL WHERE ingested_at > {since:DateTime64(3)} AND ingested_at <= {until:DateTime64(3)}) AS u
    INNER JOIN (SELECT athlete_id, activity_id, local_date FROM db.activities FINAL) AS a
      ON a.athlete_id = u.athlete_id AND a.activity_id = u.activity_id
    UNION ALL
    SELECT athlete_id, effective_from, 1 FROM db.athlete_thresholds FINAL WHERE ingested_at > {since:DateTime64(3)} AND ingested_at <= {until:DateTime64(3)}
    UNION ALL
    SELECT f.athlete_id, f.local_date, 1
    FROM (SELECT athlete_id, activity_id FROM db.activity_deletions FINAL WHERE deleted_at > {since:DateTime64(3)} AND deleted_at <= {until:DateTime64(3)}) AS x
    INNER JOIN (
      SELECT athlete_id, activity_id, local_date FROM db.activity_features FINAL
      WHERE activity_id IN (SELECT activity_id FROM db.activity_deletions WHERE deleted_at > {since:DateTime64(3)} AND deleted_at <= {until:DateTime64(3)})
    ) AS f ON f.athlete_id = x.athlete_id AND f.activity_id = x.activity_id
    UNION ALL
    
    SELECT DISTINCT athlete_id, {asOf:Date} + 1, 1 FROM (
      SELECT athlete_id FROM db.athlete_daily_features WHERE date > {asOf:Date}
      UNION ALL SELECT athlete_id FROM db.athlete_rolling_features WHERE as_of_date > {asOf:Date}
      UNION ALL SELECT athlete_id FROM db.athlete_weekly_features WHERE week_start > toMonday({asOf:Date}))
    UNION ALL
    -- No FINAL: versions of a key share its date, so the newest date is the same without collapsing them.
    SELECT athlete_id, max(date) + 1, 0 FROM db.athlete_daily_features GROUP BY athlete_id
    UNION ALL
    SELECT athlete_id, min(local_date), 0 FROM db.activities FINAL
    WHERE ingested_at <= {until:DateTime64(3)}
      AND athlete_id NOT IN (SELECT DISTINCT athlete_id FROM db.athlete_daily_features)
    GROUP BY athlete_id
    UNION ALL
    SELECT athlete_id, min(local_date), 1 FROM db.activities FINAL
    WHERE {fullRecompute:UInt8} = 1 AND ingested_at <= {until:DateTime64(3)} GROUP BY athlete_id
  )
  WHERE empty({athleteIds:Array(String)}) OR has({athleteIds:Array(String)}, athlete_id)
  GROUP BY athlete_id
  HAVING from_date <= {asOf:Date} OR has_changes = 1
  )
