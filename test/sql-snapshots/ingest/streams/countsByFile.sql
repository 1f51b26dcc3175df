  SELECT file, sum(n) AS valid, sumIf(n, changed) AS inserted FROM db.stream_changes
  ARRAY JOIN mapKeys(valid_by_file) AS file, mapValues(valid_by_file) AS n
  WHERE batch_id = {changesId:String} GROUP BY file
