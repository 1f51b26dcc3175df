  INSERT INTO db.ingest_rejects (source, locator, reason_code, detail, raw_payload, rejected_at)
  SELECT {sources:Array(String)}[intDiv(r.seq, 4294967296) + 1] AS source,
    if({locatorPrefix:String} = '', concat('activity ', activity_id, ' sample ', toString(r.seq)),
      concat({locatorPrefix:String}, toString(r.seq % 4294967296))) AS locator,
    r.reason AS reason_code,
    concat('sample t=', toString(r.t_s), ' s of activity ', activity_id) AS detail,
    toJSONString(map('activity_id', activity_id, 't_s', toString(r.t_s), 'hr_bpm', toString(r.hr_bpm),
      'power_w', toString(r.power_w), 'speed_mps', toString(r.speed_mps), 'altitude_m', toString(r.altitude_m),
      'cadence', toString(r.cadence), 'distance_m', toString(r.distance_m))) AS raw_payload,
    now64(3) AS rejected_at
  FROM db.stream_changes ARRAY JOIN rejects AS r WHERE batch_id = {changesId:String}
