import type { Database } from '../clickhouse/sql.js';

/** Owner and newest version of each named activity that still has raw rows. Parameter: {ids:Array(String)}. */
export const storedActivities = (db: Database) => `
  SELECT activity_id, any(athlete_id) AS athlete_id, toString(max(ingested_at)) AS at
  FROM ${db}.activities WHERE activity_id IN {ids:Array(String)} GROUP BY activity_id`;

/** Owner and newest deletion of each named activity deleted before. Parameter: {ids:Array(String)}. */
export const recordedDeletions = (db: Database) => `
  SELECT activity_id, any(athlete_id) AS athlete_id, toString(max(deleted_at)) AS at
  FROM ${db}.activity_deletions WHERE activity_id IN {ids:Array(String)} GROUP BY activity_id`;

/** Named ids neither stored nor deleted before. Parameter: {ids:Array(String)}. */
export const unknownActivities = (db: Database) => `
  SELECT arrayJoin({ids:Array(String)}) AS activity_id
  WHERE activity_id NOT IN (SELECT activity_id FROM ${db}.activities WHERE activity_id IN {ids:Array(String)})
    AND activity_id NOT IN (SELECT activity_id FROM ${db}.activity_deletions WHERE activity_id IN {ids:Array(String)})`;

/** The raw tables that hold an activity's rows; all keyed by (athlete_id, activity_id, ...). */
const RAW_ACTIVITY_TABLES = ['activities', 'activity_streams', 'activity_stream_uploads'] as const;

/** Parameters: {athleteIds:Array(String)}, {ids:Array(String)}; the athlete filter selects primary-key ranges. */
export const deleteRawActivityRows = (db: Database) =>
  RAW_ACTIVITY_TABLES.map(
    (table) => `
    DELETE FROM ${db}.${table} WHERE athlete_id IN {athleteIds:Array(String)} AND activity_id IN {ids:Array(String)}`,
  );
