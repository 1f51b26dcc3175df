  SELECT toUInt32(intDiv(r.seq, 4294967296)) AS file, r.reason AS reason, count() AS n
  FROM db.stream_changes ARRAY JOIN rejects AS r
  WHERE batch_id = {changesId:String} GROUP BY file, reason
