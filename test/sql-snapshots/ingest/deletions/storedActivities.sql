  SELECT activity_id, any(athlete_id) AS athlete_id, toString(max(ingested_at)) AS at
  FROM db.activities WHERE activity_id IN {ids:Array(String)} GROUP BY activity_id
