import type { Database } from '../clickhouse/sql.js';

/**
 * Stored version of each record the batch names: key, content hash and owning athlete. argMax by
 * ingested_at rather than FINAL: it reads only the rows whose id matches, where FINAL would merge the
 * whole table for every batch (quadratic over a large upload).
 */
export const storedVersions = {
  athletes: (db: Database) =>
    `SELECT athlete_id AS key, toString(argMax(content_hash, ingested_at)) AS hash, athlete_id AS owner
     FROM ${db}.athletes WHERE athlete_id IN {ids:Array(String)} GROUP BY athlete_id`,
  athlete_thresholds: (db: Database) =>
    `SELECT concat(athlete_id, '|', toString(effective_from)) AS key, toString(argMax(content_hash, ingested_at)) AS hash, athlete_id AS owner
     FROM ${db}.athlete_thresholds WHERE athlete_id IN {ids:Array(String)} GROUP BY athlete_id, effective_from`,
  activities: (db: Database) =>
    `SELECT activity_id AS key, toString(argMax(content_hash, ingested_at)) AS hash, argMax(athlete_id, ingested_at) AS owner
     FROM ${db}.activities WHERE activity_id IN {ids:Array(String)} GROUP BY activity_id`,
};

export const athleteTimeZones = (db: Database) =>
  `SELECT athlete_id, argMax(time_zone, ingested_at) AS time_zone FROM ${db}.athletes
   WHERE athlete_id IN {ids:Array(String)} GROUP BY athlete_id`;
