  SELECT arrayJoin({ids:Array(String)}) AS activity_id
  WHERE activity_id NOT IN (SELECT activity_id FROM db.activities WHERE activity_id IN {ids:Array(String)})
    AND activity_id NOT IN (SELECT activity_id FROM db.activity_deletions WHERE activity_id IN {ids:Array(String)})
