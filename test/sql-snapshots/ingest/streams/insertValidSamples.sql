  INSERT INTO db.activity_streams (athlete_id, activity_id, t_s, hr_bpm, power_w, speed_mps, altitude_m, cadence, distance_m)
  SELECT athlete_id, activity_id, toUInt32(t_s) AS t_s, CAST(round(hr_bpm), 'Nullable(UInt8)') AS hr_bpm,
  CAST(round(power_w), 'Nullable(UInt16)') AS power_w, speed_mps, altitude_m, CAST(round(cadence), 'Nullable(UInt8)') AS cadence, distance_m
  FROM (
    SELECT c.athlete_id AS athlete_id, s.*
    FROM db.stream_staging AS s
    INNER JOIN (SELECT activity_id, athlete_id FROM db.stream_changes
   WHERE batch_id = {changesId:String} AND changed AND empty(rejects)) AS c ON c.activity_id = s.activity_id
    WHERE s.batch_id IN {stagedIds:Array(String)}
  )
  UNION ALL
  SELECT athlete_id, activity_id, toUInt32(t_s) AS t_s, CAST(round(hr_bpm), 'Nullable(UInt8)') AS hr_bpm,
  CAST(round(power_w), 'Nullable(UInt16)') AS power_w, speed_mps, altitude_m, CAST(round(cadence), 'Nullable(UInt8)') AS cadence, distance_m
  FROM (
  WITH (
    SELECT (groupArray(activity_id), groupArray(athlete_id), groupArray(toString(sport)), groupArray(elapsed_time_s))
    FROM db.activities FINAL
    WHERE activity_id IN (SELECT DISTINCT activity_id FROM db.stream_staging WHERE batch_id IN {stagedIds:Array(String)})
  ) AS known
  SELECT *,
    multiIf(
      athlete_id = '', 'unknown_activity',
      t_s < 0 OR t_s > elapsed_time_s, 'sample_outside_activity',
      hr_bpm != 0 AND (hr_bpm < 25 OR hr_bpm > 250), 'implausible_heart_rate',
      power_w < 0 OR power_w > 2500, 'implausible_power',
      speed_mps < 0 OR speed_mps > transform(sport, ['ride', 'run', 'swim'], [30, 12.5, 3], 45), 'implausible_speed',
      cadence < 0 OR cadence > 255 OR distance_m < 0, 'invalid_value',
      t_s < max_t_before, 'non_increasing_stream_time',
      t_s = next_in_order_t, 'duplicate_sample_time',
      '') AS reason
  FROM (
    SELECT *,
      -- In-order samples (inside the activity, not earlier than one before) have non-decreasing times, so of
      -- two at the same second the earlier is followed by the later: the next in-order time equals its own.
      leadInFrame(t_s, 1, inf) OVER (
        PARTITION BY activity_id, t_s >= max_t_before AND t_s BETWEEN 0 AND elapsed_time_s
        ORDER BY seq ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) AS next_in_order_t
    FROM (
      SELECT *,
        transform(activity_id, known.1, known.2, '') AS athlete_id,
        transform(activity_id, known.1, known.3, '') AS sport,
        transform(activity_id, known.1, known.4, toUInt32(0)) AS elapsed_time_s,
        -- A sample outside the activity is rejected for that alone: it must not make later samples look out of order.
        max(if(t_s BETWEEN 0 AND elapsed_time_s, t_s, -1))
          OVER (PARTITION BY activity_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS max_t_before
      FROM db.stream_staging WHERE batch_id IN {stagedIds:Array(String)} AND activity_id IN (SELECT activity_id FROM (SELECT activity_id, athlete_id FROM db.stream_changes
   WHERE batch_id = {changesId:String} AND changed AND notEmpty(rejects)))
    )
  ))
  WHERE reason = ''
  -- parts of at most 256 k rows (the engine squashes up to 1 M): the sink's sort buffer does not grow with the file
  SETTINGS optimize_read_in_window_order = 1, query_plan_reuse_storage_ordering_for_window_functions = 1, max_insert_block_size = 262144, min_insert_block_size_rows = 262144,
    min_insert_block_size_bytes = 0
