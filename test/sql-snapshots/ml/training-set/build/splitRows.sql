  SELECT target_s, baseline_s, features FROM db.training_sets
  WHERE training_set_id = {id:String} AND split = {split:String} ORDER BY label_date, activity_id
