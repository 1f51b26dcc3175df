  INSERT INTO db.activity_streams (athlete_id, activity_id, t_s, hr_bpm, power_w, speed_mps, altitude_m, cadence, distance_m)
  SELECT athlete_id, activity_id, toUInt32(t_s) AS t_s, CAST(round(hr_bpm), 'Nullable(UInt8)') AS hr_bpm,
  CAST(round(power_w), 'Nullable(UInt16)') AS power_w, speed_mps, altitude_m, CAST(round(cadence), 'Nullable(UInt8)') AS cadence, distance_m
  FROM (
  SELECT *, multiIf(
      athlete_id = '', 'unknown_activity',
      t_s < 0 OR t_s > elapsed_time_s, 'sample_outside_activity',
      hr_bpm != 0 AND (hr_bpm < 25 OR hr_bpm > 250), 'implausible_heart_rate',
      power_w < 0 OR power_w > 2500, 'implausible_power',
      speed_mps < 0 OR speed_mps > transform(sport, ['ride', 'run', 'swim'], [30, 12.5, 3], 45), 'implausible_speed',
      cadence < 0 OR cadence > 255 OR distance_m < 0, 'invalid_value',
      '') AS reason
  FROM (
    SELECT s.seq AS seq, s.activity_id AS activity_id, toFloat64(s.t_s) AS t_s,
      CAST(s.hr_bpm, 'Nullable(Float64)') AS hr_bpm, CAST(s.power_w, 'Nullable(Float64)') AS power_w,
      CAST(s.speed_mps, 'Nullable(Float64)') AS speed_mps, CAST(s.altitude_m, 'Nullable(Float64)') AS altitude_m,
      CAST(s.cadence, 'Nullable(Float64)') AS cadence, CAST(s.distance_m, 'Nullable(Float64)') AS distance_m,
      k.athlete_id AS athlete_id, k.sport AS sport, k.elapsed_time_s AS elapsed_time_s
    FROM (SELECT
  batch_id,
  m AS seq,
  activity_id,
  t AS t_s,
  if(has_hr, if(toInt64(m) = hr_glitch_at, 255, round(hr)), NULL) AS hr_bpm,
  if(has_power, greatest(0, round(power)), NULL) AS power_w,
  round(speed, 3) AS speed_mps,
  round(altitude, 1) AS altitude_m,
  if(base_cadence > 0, round(base_cadence + 3 * (cityHash64(seed, m, 4) % 20001 / 10000 - 1)), NULL) AS cadence,
  round(distance, 1) AS distance_m
FROM (
  SELECT
    *,
    m,
    if(m >= moving_s, moving_s + pause_s + 30, if(m >= pause_at_s, m + pause_s, m)) AS t,
    omega * m AS phase,
    intDiv(m, block_s) AS block,
    if(block % 2 = 0, 1, -1) * (cityHash64(seed, intDiv(block, 2), 5) % 20001 / 10000 - 1) AS block_noise,
    base_power_w * (1 + power_hill_share * sin(phase))
      * (1 + block_power_share * block_noise + second_power_share * (cityHash64(seed, m, 1) % 20001 / 10000 - 1)) AS power,
    base_hr_bpm + hr_drift_bpm_per_h * (m - middle) / 3600 + hr_hill_bpm * sin(phase - 0.4)
      + hr_block_bpm * block_noise + 1.5 * (cityHash64(seed, m, 2) % 20001 / 10000 - 1)
      - hr_warmup_bpm * (exp(-m / 90) - warmup_mean) AS hr,
    base_speed_mps * (1 - speed_hill_share * sin(phase))
      * (1 + block_speed_share * block_noise + 0.03 * (cityHash64(seed, m, 3) % 20001 / 10000 - 1)) AS speed,
    altitude_base_m + altitude_amp_m * (1 - cos(phase)) / 2 AS altitude,
    -- closed form of the running sum of the smooth speed: sum of sin(k·omega) for k = 0 … m
    base_speed_mps * ((m + 1) - speed_hill_share * (cos_half_omega - cos(omega * (m + 0.5))) / two_sin_half_omega) AS distance
  FROM (
    -- The terms that do not vary within an activity, once per plan rather than once per sample (the same
    -- expressions on the same values: the samples are bit for bit those of computing them per sample).
    SELECT *,
      2 * pi() * altitude_cycles / moving_s AS omega,
      cos(omega / 2) AS cos_half_omega,
      2 * sin(omega / 2) AS two_sin_half_omega,
      (moving_s - 1) / 2 AS middle,
      (1 - exp(-moving_s / 90)) / (1 - exp(-1 / 90)) / moving_s AS warmup_mean
    FROM db.generator_stream_plans
    WHERE batch_id = {batch_id:String} AND activity_id IN (SELECT activity_id FROM db.stream_changes WHERE batch_id = {changesId:String} AND changed)
  )
  ARRAY JOIN range(toUInt64(moving_s) + toUInt64(outside_sample)) AS m
)) AS s
    LEFT JOIN (
  SELECT activity_id, any(athlete_id) AS athlete_id, any(toString(sport)) AS sport, any(elapsed_time_s) AS elapsed_time_s
  FROM db.activities FINAL
  WHERE activity_id IN (SELECT activity_id FROM db.generator_stream_plans WHERE batch_id = {batch_id:String})
  GROUP BY activity_id) AS k ON k.activity_id = s.activity_id
  ))
  WHERE reason = ''
