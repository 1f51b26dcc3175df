  INSERT INTO db.stream_staging (batch_id, seq, activity_id, t_s, hr_bpm, power_w, speed_mps, altitude_m, cadence, distance_m)
  SELECT {batch_id:String}, {seq_base:UInt64} + line_no, text_activity_id, floor(number_t_s) + (number_t_s - floor(number_t_s) >= 0.5),
    (toFloat64OrNull(text_hr_bpm) + 0), (toFloat64OrNull(text_power_w) + 0), (toFloat64OrNull(text_speed_mps) + 0), (toFloat64OrNull(text_altitude_m) + 0), (toFloat64OrNull(text_cadence) + 0), (toFloat64OrNull(text_distance_m) + 0)
  FROM (
  SELECT line_no, line, lone_cr, text_activity_id, text_t_s, text_hr_bpm, text_power_w, text_speed_mps, text_altitude_m, text_cadence, text_distance_m,
    (ifNull(toFloat64OrNull(text_t_s), nan) + 0) AS number_t_s, (ifNull(toFloat64OrNull(text_hr_bpm), nan) + 0) AS number_hr_bpm, (ifNull(toFloat64OrNull(text_power_w), nan) + 0) AS number_power_w, (ifNull(toFloat64OrNull(text_speed_mps), nan) + 0) AS number_speed_mps, (ifNull(toFloat64OrNull(text_altitude_m), nan) + 0) AS number_altitude_m, (ifNull(toFloat64OrNull(text_cadence), nan) + 0) AS number_cadence, (ifNull(toFloat64OrNull(text_distance_m), nan) + 0) AS number_distance_m,
    lone_cr = 0 AND shape_ok AND match(text_activity_id, '^[!-~](?:[ -~]{0,254}[!-~])?$') AND text_t_s != ''
      AND (text_t_s = '' OR isFinite(number_t_s)) AND (text_hr_bpm = '' OR isFinite(number_hr_bpm)) AND (text_power_w = '' OR isFinite(number_power_w)) AND (text_speed_mps = '' OR isFinite(number_speed_mps)) AND (text_altitude_m = '' OR isFinite(number_altitude_m)) AND (text_cadence = '' OR isFinite(number_cadence)) AND (text_distance_m = '' OR isFinite(number_distance_m))
      AND (text_altitude_m = '' OR number_altitude_m BETWEEN -1000 AND 10000) AND (text_distance_m = '' OR number_distance_m BETWEEN 0 AND 10000000) AS plain
  FROM (
  SELECT line_no, lone_cr, line,
    isValidUTF8(line) AND match(line, {line_pattern:String}) AS shape_ok,
    splitByChar(',', line) AS cells,
    if({i_activity_id:UInt32} = 0, '', cells[greatest({i_activity_id:UInt32}, 1)]) AS text_activity_id,
    if({i_t_s:UInt32} = 0, '', cells[greatest({i_t_s:UInt32}, 1)]) AS text_t_s,
    if({i_hr_bpm:UInt32} = 0, '', cells[greatest({i_hr_bpm:UInt32}, 1)]) AS text_hr_bpm,
    if({i_power_w:UInt32} = 0, '', cells[greatest({i_power_w:UInt32}, 1)]) AS text_power_w,
    if({i_speed_mps:UInt32} = 0, '', cells[greatest({i_speed_mps:UInt32}, 1)]) AS text_speed_mps,
    if({i_altitude_m:UInt32} = 0, '', cells[greatest({i_altitude_m:UInt32}, 1)]) AS text_altitude_m,
    if({i_cadence:UInt32} = 0, '', cells[greatest({i_cadence:UInt32}, 1)]) AS text_cadence,
    if({i_distance_m:UInt32} = 0, '', cells[greatest({i_distance_m:UInt32}, 1)]) AS text_distance_m
  FROM (
  SELECT _row_number + 1 AS line_no,
    -- readline drops the CR of a CRLF line end; a CR elsewhere ends a line for readline but not here, so
    -- such a file goes to Node whole
    countSubstrings(raw, '\r') > endsWith(raw, '\r') AS lone_cr,
    if(endsWith(raw, '\r'), substring(raw, 1, length(raw) - 1), raw) AS crlf_free,
    if(line_no = 1 AND startsWith(crlf_free, '\xEF\xBB\xBF'), substring(crlf_free, 4), crlf_free) AS line
  FROM file({path:String}, 'LineAsString', 'raw String', 'none'))
  WHERE line_no > {header_line:UInt64}))
  WHERE plain
  -- parts of at most 256 k rows: the insert's sort buffer does not grow with the file
  SETTINGS storage_file_read_method = 'pread', short_circuit_function_evaluation = 'disable', max_insert_block_size = 262144, min_insert_block_size_rows = 262144,
    min_insert_block_size_bytes = 0
