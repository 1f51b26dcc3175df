  INSERT INTO db.model_aliases (model_name, alias, change_id, from_version, to_version, action, changed_by, reason, changed_at)
  VALUES ({model:String}, {alias:String}, {changeId:String}, {from:UInt32}, {to:UInt32}, {action:String}, {changedBy:String}, {reason:String}, now64(6))
