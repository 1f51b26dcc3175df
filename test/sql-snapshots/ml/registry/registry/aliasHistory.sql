  SELECT change_id, from_version, to_version, action, changed_by, reason, toString(changed_at) AS changed_at
  FROM db.model_aliases FINAL WHERE model_name = {model:String} AND alias = {alias:String}
  ORDER BY changed_at, change_id
