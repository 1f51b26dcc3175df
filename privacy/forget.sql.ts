import type { Database } from '../clickhouse/sql.js';
import { ATHLETE_KEYED_TABLES } from './athlete-tables.js';

/**
 * The athlete's activity ids wherever they are recorded, so rejects that name only the activity (stream
 * samples) are found. Parameter: {athleteId:String}.
 */
export const activityIdsOf = (db: Database) => `
  SELECT DISTINCT activity_id FROM (
    SELECT activity_id FROM ${db}.activities WHERE athlete_id = {athleteId:String}
    UNION ALL SELECT activity_id FROM ${db}.activity_stream_uploads WHERE athlete_id = {athleteId:String}
    UNION ALL SELECT activity_id FROM ${db}.activity_deletions WHERE athlete_id = {athleteId:String}
    UNION ALL SELECT activity_id FROM ${db}.activity_features WHERE athlete_id = {athleteId:String})`;

/**
 * Rejected records of the athlete: ingest_rejects keeps the record as received, not its athlete. A JSON
 * payload (NDJSON lines, stream sample rejects) names the athlete or one of its activities in a field; a
 * CSV line holds one of them as a cell. Parameters: {athleteId:String}, {activityIds:Array(String)}.
 */
export const deleteRejects = (db: Database) => `
  DELETE FROM ${db}.ingest_rejects
  WHERE JSONExtractString(raw_payload, 'athlete_id') = {athleteId:String}
    OR has({activityIds:Array(String)}, JSONExtractString(raw_payload, 'activity_id'))
    OR hasAny(arrayMap(cell -> trimBoth(replaceAll(cell, '"', '')), splitByChar(',', raw_payload)),
              arrayPushFront({activityIds:Array(String)}, {athleteId:String}))`;

/** One DELETE per athlete-keyed table, the athlete row last. Parameter: {athleteId:String}. */
export const deleteAthleteRows = (db: Database) =>
  [...ATHLETE_KEYED_TABLES]
    .reverse()
    .map((table) => `DELETE FROM ${db}.${table} WHERE athlete_id = {athleteId:String}`);

/**
 * A restricted run's record lists its athletes: the id is replaced (not dropped: an empty list would make
 * the run look like a run over everyone, whose watermark counts for all). Parameter: {athleteId:String}.
 */
export const scrubRunRecords = (db: Database) => `
  ALTER TABLE ${db}.pipeline_runs
  UPDATE athlete_ids = arrayMap(id -> if(id = {athleteId:String}, '(forgotten)', id), athlete_ids)
  WHERE has(athlete_ids, {athleteId:String})`;

export const runRecordsNaming = (db: Database) => `
  SELECT count() AS n FROM ${db}.pipeline_runs WHERE has(athlete_ids, {athleteId:String})`;
