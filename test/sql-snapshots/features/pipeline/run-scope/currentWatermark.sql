  SELECT toString(greatest(
    (SELECT max(ingested_at) FROM db.activities),
    (SELECT max(ingested_at) FROM db.athlete_thresholds),
    (SELECT max(ingested_at) FROM db.activity_stream_uploads),
    (SELECT max(deleted_at) FROM db.activity_deletions))) AS watermark
