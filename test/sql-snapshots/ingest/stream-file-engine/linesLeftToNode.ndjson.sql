  SELECT line_no, base64Encode(line) AS line_base64, lone_cr
  FROM (
  SELECT line_no, line, lone_cr, text_activity_id, text_t_s, text_hr_bpm, text_power_w, text_speed_mps, text_altitude_m, text_cadence, text_distance_m,
    (ifNull(toFloat64OrNull(text_t_s), nan) + 0) AS number_t_s, (ifNull(toFloat64OrNull(text_hr_bpm), nan) + 0) AS number_hr_bpm, (ifNull(toFloat64OrNull(text_power_w), nan) + 0) AS number_power_w, (ifNull(toFloat64OrNull(text_speed_mps), nan) + 0) AS number_speed_mps, (ifNull(toFloat64OrNull(text_altitude_m), nan) + 0) AS number_altitude_m, (ifNull(toFloat64OrNull(text_cadence), nan) + 0) AS number_cadence, (ifNull(toFloat64OrNull(text_distance_m), nan) + 0) AS number_distance_m,
    lone_cr = 0 AND shape_ok AND match(text_activity_id, '^[!-~](?:[ -~]{0,254}[!-~])?$') AND text_t_s != ''
      AND (text_t_s = '' OR isFinite(number_t_s)) AND (text_hr_bpm = '' OR isFinite(number_hr_bpm)) AND (text_power_w = '' OR isFinite(number_power_w)) AND (text_speed_mps = '' OR isFinite(number_speed_mps)) AND (text_altitude_m = '' OR isFinite(number_altitude_m)) AND (text_cadence = '' OR isFinite(number_cadence)) AND (text_distance_m = '' OR isFinite(number_distance_m))
      AND (text_altitude_m = '' OR number_altitude_m BETWEEN -1000 AND 10000) AND (text_distance_m = '' OR number_distance_m BETWEEN 0 AND 10000000) AS plain
  FROM (
  SELECT line_no, lone_cr, line, shape_ok,
    multiIf(match(member['activity_id'], '^"[^"\\\\]*"$'), substring(member['activity_id'], 2, length(member['activity_id']) - 2),
      match(member['activity_id'], '^(?:0|-?[1-9][0-9]{0,14})$'), member['activity_id'], '') AS text_activity_id,
    multiIf(member['t_s'] IN ('', 'null', '""'), '',
      startsWith(member['t_s'], '"'), if(match(member['t_s'], '^"-?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?"$'), substring(member['t_s'], 2, length(member['t_s']) - 2), 'x'),
      substring(member['t_s'], 1, 1) IN ('-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'), member['t_s'], 'x') AS text_t_s,
    multiIf(member['hr_bpm'] IN ('', 'null', '""'), '',
      startsWith(member['hr_bpm'], '"'), if(match(member['hr_bpm'], '^"-?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?"$'), substring(member['hr_bpm'], 2, length(member['hr_bpm']) - 2), 'x'),
      substring(member['hr_bpm'], 1, 1) IN ('-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'), member['hr_bpm'], 'x') AS text_hr_bpm,
    multiIf(member['power_w'] IN ('', 'null', '""'), '',
      startsWith(member['power_w'], '"'), if(match(member['power_w'], '^"-?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?"$'), substring(member['power_w'], 2, length(member['power_w']) - 2), 'x'),
      substring(member['power_w'], 1, 1) IN ('-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'), member['power_w'], 'x') AS text_power_w,
    multiIf(member['speed_mps'] IN ('', 'null', '""'), '',
      startsWith(member['speed_mps'], '"'), if(match(member['speed_mps'], '^"-?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?"$'), substring(member['speed_mps'], 2, length(member['speed_mps']) - 2), 'x'),
      substring(member['speed_mps'], 1, 1) IN ('-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'), member['speed_mps'], 'x') AS text_speed_mps,
    multiIf(member['altitude_m'] IN ('', 'null', '""'), '',
      startsWith(member['altitude_m'], '"'), if(match(member['altitude_m'], '^"-?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?"$'), substring(member['altitude_m'], 2, length(member['altitude_m']) - 2), 'x'),
      substring(member['altitude_m'], 1, 1) IN ('-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'), member['altitude_m'], 'x') AS text_altitude_m,
    multiIf(member['cadence'] IN ('', 'null', '""'), '',
      startsWith(member['cadence'], '"'), if(match(member['cadence'], '^"-?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?"$'), substring(member['cadence'], 2, length(member['cadence']) - 2), 'x'),
      substring(member['cadence'], 1, 1) IN ('-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'), member['cadence'], 'x') AS text_cadence,
    multiIf(member['distance_m'] IN ('', 'null', '""'), '',
      startsWith(member['distance_m'], '"'), if(match(member['distance_m'], '^"-?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?"$'), substring(member['distance_m'], 2, length(member['distance_m']) - 2), 'x'),
      substring(member['distance_m'], 1, 1) IN ('-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'), member['distance_m'], 'x') AS text_distance_m
  FROM (
    -- a layer of its own: the members are extracted once per line, not once per use
    SELECT line_no, lone_cr, line, mapFromArrays(members.1, members.2) AS member,
      isValidUTF8(line) AND isValidJSON(line) AND startsWith(trimLeft(line), '{')
        AND length(arrayDistinct(members.1)) = length(members) AS shape_ok
    FROM (SELECT line_no, lone_cr, line, JSONExtractKeysAndValuesRaw(line) AS members
          FROM (
  SELECT _row_number + 1 AS line_no,
    -- readline drops the CR of a CRLF line end; a CR elsewhere ends a line for readline but not here, so
    -- such a file goes to Node whole
    countSubstrings(raw, '\r') > endsWith(raw, '\r') AS lone_cr,
    if(endsWith(raw, '\r'), substring(raw, 1, length(raw) - 1), raw) AS crlf_free,
    if(line_no = 1 AND startsWith(crlf_free, '\xEF\xBB\xBF'), substring(crlf_free, 4), crlf_free) AS line
  FROM file({path:String}, 'LineAsString', 'raw String', 'none')) WHERE line_no > {header_line:UInt64}))))
  WHERE NOT plain
  ORDER BY line_no
  LIMIT {max_lines:UInt64}
  SETTINGS storage_file_read_method = 'pread', short_circuit_function_evaluation = 'disable'
