WITH 

  scope AS (
    SELECT athlete_id, min(from_date) AS from_date
    FROM db.feature_scope FINAL
    WHERE run_id = {runId:String} AND bucket = {bucket:UInt16}
    GROUP BY athlete_id
  ),
  alive_activities AS (
    SELECT a.athlete_id AS athlete_id, a.activity_id AS activity_id, a.sport AS sport,
      a.start_time_utc AS start_time_utc, a.utc_offset_min AS utc_offset_min, a.local_date AS local_date,
      a.distance_m AS distance_m, a.moving_time_s AS moving_time_s, a.elapsed_time_s AS elapsed_time_s,
      a.elevation_gain_m AS elevation_gain_m, a.avg_hr_bpm AS avg_hr_bpm, a.max_hr_bpm AS max_hr_bpm, a.avg_power_w AS avg_power_w
    FROM (
      SELECT athlete_id, activity_id, sport, start_time_utc, utc_offset_min, local_date, distance_m, moving_time_s,
        elapsed_time_s, elevation_gain_m, avg_hr_bpm, max_hr_bpm, avg_power_w, ingested_at
      FROM db.activities FINAL
      WHERE athlete_id IN (SELECT athlete_id FROM scope)
    ) AS a
    LEFT JOIN (
      SELECT athlete_id, activity_id, max(deleted_at) AS deleted_at FROM db.activity_deletions
      WHERE athlete_id IN (SELECT athlete_id FROM scope)
      GROUP BY athlete_id, activity_id
    ) AS x ON x.athlete_id = a.athlete_id AND x.activity_id = a.activity_id
    -- Without a deletion the join leaves deleted_at at its default, 1970 (join_use_nulls = 0).
    WHERE x.deleted_at < a.ingested_at
  ),
  scoped_activities AS (
    SELECT a.athlete_id AS athlete_id, a.activity_id AS activity_id, a.sport AS sport,
      a.start_time_utc AS start_time_utc, a.utc_offset_min AS utc_offset_min, a.local_date AS local_date,
      a.distance_m AS distance_m, a.moving_time_s AS moving_time_s, a.elapsed_time_s AS elapsed_time_s,
      a.elevation_gain_m AS elevation_gain_m,
      -- A device writes 0 for a value it did not measure (0 W average without a power meter): no sensor is not
      -- zero (shared/domain/training-load.md), so the method falls through to the next one.
      nullIf(a.avg_hr_bpm, 0) AS summary_avg_hr_bpm, nullIf(a.max_hr_bpm, 0) AS summary_max_hr_bpm,
      nullIf(a.avg_power_w, 0) AS summary_avg_power_w
    FROM alive_activities AS a
    INNER JOIN scope AS s ON s.athlete_id = a.athlete_id
    WHERE a.local_date >= s.from_date
  )
SELECT count() AS n FROM scoped_activities
