  INSERT INTO db.stream_changes (batch_id, athlete_id, activity_id, stream_hash, sample_count, rejects, changed, replaces, valid_by_file)
  SELECT {changesId:String}, n.athlete_id, n.activity_id, n.stream_hash, n.sample_count, n.rejects,
    n.sample_count > 0 AND (stored.activity_id = '' OR stored.stream_hash != n.stream_hash) AS changed,
    changed AND stored.activity_id != '' AS replaces, n.valid_by_file
  FROM (
    SELECT activity_id, any(athlete_id) AS athlete_id, countIf(reason = '') AS sample_count,
      sumMapIf(map(toUInt32(intDiv(seq, 4294967296)), toUInt64(1)), reason = '') AS valid_by_file,
      -- cityHash64 is NULL when any argument is NULL, and groupBitXor skips NULLs: a missing value hashes
      -- as NaN instead, which no stored sample can hold (non-finite numbers are rejected).
      groupBitXorIf(cityHash64(t_s, ifNull(hr_bpm, nan), ifNull(power_w, nan), ifNull(speed_mps, nan),
        ifNull(altitude_m, nan), ifNull(cadence, nan), ifNull(distance_m, nan)), reason = '') AS stream_hash,
      groupArrayIf((seq, reason, t_s, hr_bpm, power_w, speed_mps, altitude_m, cadence, distance_m), reason != '') AS rejects
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
      FROM db.stream_staging WHERE batch_id IN {stagedIds:Array(String)} 
    )
  ))
    GROUP BY activity_id
  ) AS n
  LEFT JOIN (
    SELECT activity_id, stream_hash FROM db.activity_stream_uploads FINAL
    WHERE activity_id IN (SELECT DISTINCT activity_id FROM db.stream_staging WHERE batch_id IN {stagedIds:Array(String)})
  ) AS stored ON stored.activity_id = n.activity_id
  SETTINGS optimize_read_in_window_order = 1, query_plan_reuse_storage_ordering_for_window_functions = 1
