  DELETE FROM db.ingest_rejects
  WHERE JSONExtractString(raw_payload, 'athlete_id') = {athleteId:String}
    OR has({activityIds:Array(String)}, JSONExtractString(raw_payload, 'activity_id'))
    OR hasAny(arrayMap(cell -> trimBoth(replaceAll(cell, '"', '')), splitByChar(',', raw_payload)),
              arrayPushFront({activityIds:Array(String)}, {athleteId:String}))
