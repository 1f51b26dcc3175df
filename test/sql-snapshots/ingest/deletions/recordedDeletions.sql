  SELECT activity_id, any(athlete_id) AS athlete_id, toString(max(deleted_at)) AS at
  FROM db.activity_deletions WHERE activity_id IN {ids:Array(String)} GROUP BY activity_id
