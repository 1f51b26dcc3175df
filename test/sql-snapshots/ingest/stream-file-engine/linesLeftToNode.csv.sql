  SELECT line_no, base64Encode(line) AS line_base64, lone_cr
  FROM (
  SELECT line_no, line, lone_cr, splitByChar(',', line) AS cells,
    if({i_activity_id:UInt32} = 0, '', cells[greatest({i_activity_id:UInt32}, 1)]) AS activity_id_text,
    lone_cr = 0 AND isValidUTF8(line) AND position(line, '"') = 0 AND length(cells) = {columns:UInt32}
      AND match(activity_id_text, '^[!-~]([ -~]{0,254}[!-~])?$')
      AND if({i_t_s:UInt32} = 0, '', cells[greatest({i_t_s:UInt32}, 1)]) != '' AND (if({i_t_s:UInt32} = 0, '', cells[greatest({i_t_s:UInt32}, 1)]) = '' OR (match(if({i_t_s:UInt32} = 0, '', cells[greatest({i_t_s:UInt32}, 1)]), '^-?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$') AND isFinite((ifNull(toFloat64OrNull(if({i_t_s:UInt32} = 0, '', cells[greatest({i_t_s:UInt32}, 1)])), nan) + 0)))) AND (if({i_hr_bpm:UInt32} = 0, '', cells[greatest({i_hr_bpm:UInt32}, 1)]) = '' OR (match(if({i_hr_bpm:UInt32} = 0, '', cells[greatest({i_hr_bpm:UInt32}, 1)]), '^-?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$') AND isFinite((ifNull(toFloat64OrNull(if({i_hr_bpm:UInt32} = 0, '', cells[greatest({i_hr_bpm:UInt32}, 1)])), nan) + 0)))) AND (if({i_power_w:UInt32} = 0, '', cells[greatest({i_power_w:UInt32}, 1)]) = '' OR (match(if({i_power_w:UInt32} = 0, '', cells[greatest({i_power_w:UInt32}, 1)]), '^-?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$') AND isFinite((ifNull(toFloat64OrNull(if({i_power_w:UInt32} = 0, '', cells[greatest({i_power_w:UInt32}, 1)])), nan) + 0)))) AND (if({i_speed_mps:UInt32} = 0, '', cells[greatest({i_speed_mps:UInt32}, 1)]) = '' OR (match(if({i_speed_mps:UInt32} = 0, '', cells[greatest({i_speed_mps:UInt32}, 1)]), '^-?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$') AND isFinite((ifNull(toFloat64OrNull(if({i_speed_mps:UInt32} = 0, '', cells[greatest({i_speed_mps:UInt32}, 1)])), nan) + 0)))) AND (if({i_altitude_m:UInt32} = 0, '', cells[greatest({i_altitude_m:UInt32}, 1)]) = '' OR (match(if({i_altitude_m:UInt32} = 0, '', cells[greatest({i_altitude_m:UInt32}, 1)]), '^-?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$') AND isFinite((ifNull(toFloat64OrNull(if({i_altitude_m:UInt32} = 0, '', cells[greatest({i_altitude_m:UInt32}, 1)])), nan) + 0)))) AND (if({i_cadence:UInt32} = 0, '', cells[greatest({i_cadence:UInt32}, 1)]) = '' OR (match(if({i_cadence:UInt32} = 0, '', cells[greatest({i_cadence:UInt32}, 1)]), '^-?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$') AND isFinite((ifNull(toFloat64OrNull(if({i_cadence:UInt32} = 0, '', cells[greatest({i_cadence:UInt32}, 1)])), nan) + 0)))) AND (if({i_distance_m:UInt32} = 0, '', cells[greatest({i_distance_m:UInt32}, 1)]) = '' OR (match(if({i_distance_m:UInt32} = 0, '', cells[greatest({i_distance_m:UInt32}, 1)]), '^-?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$') AND isFinite((ifNull(toFloat64OrNull(if({i_distance_m:UInt32} = 0, '', cells[greatest({i_distance_m:UInt32}, 1)])), nan) + 0))))
      AND (if({i_altitude_m:UInt32} = 0, '', cells[greatest({i_altitude_m:UInt32}, 1)]) = '' OR (ifNull(toFloat64OrNull(if({i_altitude_m:UInt32} = 0, '', cells[greatest({i_altitude_m:UInt32}, 1)])), nan) + 0) BETWEEN -1000 AND 10000) AND (if({i_distance_m:UInt32} = 0, '', cells[greatest({i_distance_m:UInt32}, 1)]) = '' OR (ifNull(toFloat64OrNull(if({i_distance_m:UInt32} = 0, '', cells[greatest({i_distance_m:UInt32}, 1)])), nan) + 0) BETWEEN 0 AND 10000000) AS plain
  FROM (
  SELECT rowNumberInAllBlocks() + 1 AS line_no,
    -- readline drops the CR of a CRLF line end (a CR elsewhere sends the whole file to Node: see loneCr)
    if(endsWith(raw, '\r'), substring(raw, 1, length(raw) - 1), raw) AS crlf_free,
    if(line_no = 1 AND startsWith(crlf_free, '\xEF\xBB\xBF'), substring(crlf_free, 4), crlf_free) AS line,
    countSubstrings(raw, '\r') > if(endsWith(raw, '\r'), 1, 0) AS lone_cr
  FROM file({path:String}, 'LineAsString', 'raw String', 'none'))
  WHERE line_no > {header_line:UInt64})
  WHERE NOT plain
  ORDER BY line_no
  LIMIT {max_lines:UInt64}
  SETTINGS max_threads = 1
