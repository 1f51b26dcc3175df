  SELECT split, count() AS rows, toString(min(label_date)) AS first, toString(max(label_date)) AS last
  FROM db.training_sets WHERE training_set_id = {id:String} GROUP BY split
