import type { Database } from '../../clickhouse/sql.js';
import { scopedAthletesSql } from './scope.sql.js';

/**
 * The athlete tables, with the date column of their key and the first and last keys a spine from `first`
 * to `asOf` has (a week is keyed by its Monday).
 */
const TABLES = [
  { table: 'athlete_daily_features', date: 'date', key: (day: string) => day },
  { table: 'athlete_rolling_features', date: 'as_of_date', key: (day: string) => day },
  { table: 'athlete_weekly_features', date: 'week_start', key: (day: string) => `toMonday(${day})` },
] as const;

/** Where a spine starts for an athlete without any activity up to as-of: nothing of theirs is kept. */
const NO_SPINE = "toDate('2149-06-06')";

/**
 * Scoped athletes with rows outside the spine from their first activity to asOf, and that first day. Rows
 * before it are left behind when a correction or deletion moves the first activity later (or away),
 * because version-replace overwrites keys but never removes them; rows after asOf are left by an earlier
 * run with a later asOf: a run leaves the tables as of its own asOf, so the next later run recomputes
 * those days from current data instead of trusting rows computed from older inputs.
 * Parameters: {runId:String}, {bucket:UInt16}, {asOf:Date}.
 */
export const athletesWithStaleRows = (db: Database) => `
  SELECT t.athlete_id AS athlete_id, any(if(f.athlete_id = '', ${NO_SPINE}, f.first_date)) AS first_date
  FROM (${TABLES.map((spec) => `SELECT athlete_id, ${spec.date} AS d, '${spec.table}' AS tbl FROM ${db}.${spec.table} FINAL
        WHERE athlete_id IN (${scopedAthletesSql(db)})`).join(' UNION ALL ')}) AS t
  LEFT JOIN (
    SELECT athlete_id, min(local_date) AS first_date FROM ${db}.activity_features FINAL
    WHERE athlete_id IN (${scopedAthletesSql(db)}) AND local_date <= {asOf:Date}
    GROUP BY athlete_id
  ) AS f ON f.athlete_id = t.athlete_id
  WHERE f.athlete_id = ''
    OR t.d < if(t.tbl = 'athlete_weekly_features', toMonday(f.first_date), f.first_date)
    OR t.d > if(t.tbl = 'athlete_weekly_features', toMonday({asOf:Date}), {asOf:Date})
  GROUP BY t.athlete_id`;

/**
 * Deletes those rows. The starts come in as parameters ({ids:Array(String)}, {firsts:Array(Date)}): a
 * mutation whose condition reads the table it mutates does not finish on the embedded engine.
 */
export const deleteStaleRows = (db: Database) =>
  TABLES.map((spec) => `
    DELETE FROM ${db}.${spec.table}
    WHERE athlete_id IN {ids:Array(String)}
      AND (${spec.date} < ${spec.key(`transform(athlete_id, {ids:Array(String)}, {firsts:Array(Date)}, ${NO_SPINE})`)}
        OR ${spec.date} > ${spec.key('{asOf:Date}')})`);
