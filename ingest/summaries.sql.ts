import type { Database } from '../clickhouse/sql.js';

/** Stored version of each record the batch names: key, content hash and owning athlete. */
export const storedVersions = {
  athletes: (db: Database) =>
    `SELECT athlete_id AS key, toString(content_hash) AS hash, athlete_id AS owner
     FROM ${db}.athletes FINAL WHERE athlete_id IN {ids:Array(String)}`,
  athlete_thresholds: (db: Database) =>
    `SELECT concat(athlete_id, '|', toString(effective_from)) AS key, toString(content_hash) AS hash, athlete_id AS owner
     FROM ${db}.athlete_thresholds FINAL WHERE athlete_id IN {ids:Array(String)}`,
  activities: (db: Database) =>
    `SELECT activity_id AS key, toString(content_hash) AS hash, athlete_id AS owner
     FROM ${db}.activities FINAL WHERE activity_id IN {ids:Array(String)}`,
  planned_activities: (db: Database) =>
    `SELECT planned_id AS key, toString(content_hash) AS hash, athlete_id AS owner
     FROM ${db}.planned_activities FINAL WHERE planned_id IN {ids:Array(String)}`,
};

export const athleteTimeZones = (db: Database) =>
  `SELECT athlete_id, time_zone FROM ${db}.athletes FINAL WHERE athlete_id IN {ids:Array(String)}`;
