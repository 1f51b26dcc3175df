import type { Database } from '../../clickhouse/sql.js';
import { scopeCte } from '../scope-cte.sql.js';

/**
 * `scope`: the athletes of this run and bucket with the earliest local date to recompute.
 * `alive_activities`: their activities (newest ingested version, FINAL), without the deleted ones: an
 * activity whose newest deletion is newer than its newest version is gone even while its raw rows are
 * still being removed (a re-upload after the deletion brings it back).
 * `scoped_activities`: those on or after the scope's date. The summary values that stream values replace
 * are renamed summary_*. Parameters: {runId:String}, {bucket:UInt16}.
 */
export const scopedActivitiesCtes = (db: Database) => `
${scopeCte(db)},
  alive_activities AS (
    SELECT a.athlete_id AS athlete_id, a.activity_id AS activity_id, a.sport AS sport,
      a.start_time_utc AS start_time_utc, a.utc_offset_min AS utc_offset_min, a.local_date AS local_date,
      a.distance_m AS distance_m, a.moving_time_s AS moving_time_s, a.elapsed_time_s AS elapsed_time_s,
      a.elevation_gain_m AS elevation_gain_m, a.avg_hr_bpm AS avg_hr_bpm, a.max_hr_bpm AS max_hr_bpm, a.avg_power_w AS avg_power_w
    FROM (
      SELECT athlete_id, activity_id, sport, start_time_utc, utc_offset_min, local_date, distance_m, moving_time_s,
        elapsed_time_s, elevation_gain_m, avg_hr_bpm, max_hr_bpm, avg_power_w, ingested_at
      FROM ${db}.activities FINAL
      WHERE athlete_id IN (SELECT athlete_id FROM scope)
    ) AS a
    LEFT JOIN (
      SELECT athlete_id, activity_id, max(deleted_at) AS deleted_at FROM ${db}.activity_deletions
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
  )`;

/**
 * Feature rows of the scoped athletes, on or after the scope's date, whose activity is gone (deleted):
 * the activity step deletes them, so from the scope's date on the table holds exactly the live activities.
 * Parameters: {runId:String}, {bucket:UInt16}.
 */
export const orphanedFeatureRowsSql = (db: Database) => `
WITH ${scopedActivitiesCtes(db)}
SELECT f.athlete_id AS athlete_id, f.activity_id AS activity_id
FROM ${db}.activity_features AS f FINAL
INNER JOIN scope AS s ON s.athlete_id = f.athlete_id
WHERE f.athlete_id IN (SELECT athlete_id FROM scope) AND f.local_date >= s.from_date
  AND (f.athlete_id, f.activity_id) NOT IN (SELECT athlete_id, activity_id FROM alive_activities)`;

/** Parameters: {athleteIds:Array(String)}, {activityIds:Array(String)} (the rows found above). */
export const deleteFeatureRowsSql = (db: Database) => `
DELETE FROM ${db}.activity_features
WHERE athlete_id IN {athleteIds:Array(String)} AND activity_id IN {activityIds:Array(String)}`;

/**
 * `activity_thresholds`: per scoped activity, each threshold field from the latest row whose
 * effective_from is on or before the activity's local date AND whose value for that field is not NULL.
 * A NULL field in a newer row means "not measured in that test", not "no threshold": the previous
 * value carries forward (an LTHR-only test must not erase the FTP). Needs `scope`, `scoped_activities`.
 */
export const activityThresholdsCte = (db: Database) => `
  activity_thresholds AS (
    SELECT a.athlete_id AS athlete_id, a.activity_id AS activity_id,
      argMaxIf(t.ftp_w, t.effective_from, t.effective_from <= a.local_date AND t.ftp_w IS NOT NULL) AS ftp_w,
      argMaxIf(t.lthr_bpm, t.effective_from, t.effective_from <= a.local_date AND t.lthr_bpm IS NOT NULL) AS lthr_bpm,
      argMaxIf(t.max_hr_bpm, t.effective_from, t.effective_from <= a.local_date AND t.max_hr_bpm IS NOT NULL) AS max_hr_bpm,
      argMaxIf(t.threshold_pace_s_per_km, t.effective_from,
        t.effective_from <= a.local_date AND t.threshold_pace_s_per_km IS NOT NULL) AS threshold_pace_s_per_km
    FROM scoped_activities AS a
    INNER JOIN (
      SELECT athlete_id, effective_from, ftp_w, lthr_bpm, max_hr_bpm, threshold_pace_s_per_km
      FROM ${db}.athlete_thresholds FINAL
      WHERE athlete_id IN (SELECT athlete_id FROM scope)
    ) AS t ON t.athlete_id = a.athlete_id
    GROUP BY a.athlete_id, a.activity_id
  )`;
