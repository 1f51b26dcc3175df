import type { Database } from '../../clickhouse/sql.js';
import { ATHLETE_VIEWS } from '../catalog.js';
import { NO_SPINE } from './state.sql.js';

/**
 * The athlete tables, with the date column of their key and the key of the row holding a local date (a week
 * is keyed by its Monday): a spine from `first` to `asOf` has keys from keyOf(first) to keyOf(asOf).
 */
const TABLES = ATHLETE_VIEWS.map((v) => ({ table: v.table, date: v.eventDate, key: v.rowDateOf }));
/** SQL: the key date of table `t.tbl` of the row that holds `day`. */
const keyOf = (day: string) =>
  `multiIf(${TABLES.map((spec) => `t.tbl = '${spec.table}', ${spec.key(day)}`).join(', ')}, ${day})`;

/**
 * Scoped athletes with rows outside the spine from their first activity to asOf, and that first day. Rows
 * before it are left behind when a correction or deletion moves the first activity later (or away),
 * because version-replace overwrites keys but never removes them; rows after asOf are left by an earlier
 * run with a later asOf: a run leaves the tables as of its own asOf, so the next later run recomputes
 * those days from current data instead of trusting rows computed from older inputs.
 * Each table's first and last key per athlete, without FINAL: every version of a key has the key's date, and a
 * deleted row is hidden from every read. The first day is the daily step's (athlete_feature_starts), and only
 * athletes whose state leaves room for stale rows are looked up.
 * Parameters: {runId:String}, {bucket:UInt16}, {asOf:Date}.
 */
export const athletesWithStaleRows = (db: Database) => `
  WITH daily_starts AS (
    SELECT athlete_id, first_date, may_have_stale_rows FROM ${db}.athlete_feature_starts FINAL
    WHERE run_id = {runId:String} AND bucket = {bucket:UInt16} AND step = 'daily'
  ),
  firsts AS (SELECT athlete_id, first_date FROM daily_starts WHERE first_date <= {asOf:Date}),
  -- Only the athletes whose state leaves room for stale rows (state.sql.ts): none in an ordinary daily run.
  candidates AS (SELECT athlete_id FROM daily_starts WHERE may_have_stale_rows = 1)
  SELECT t.athlete_id AS athlete_id, any(if(f.athlete_id = '', ${NO_SPINE}, f.first_date)) AS first_date
  FROM (${TABLES.map(
    (spec) => `SELECT athlete_id, min(${spec.date}) AS lo, max(${spec.date}) AS hi, '${spec.table}' AS tbl
        FROM ${db}.${spec.table} WHERE athlete_id IN (SELECT athlete_id FROM candidates) GROUP BY athlete_id`,
  ).join(' UNION ALL ')}) AS t
  LEFT JOIN firsts AS f ON f.athlete_id = t.athlete_id
  WHERE f.athlete_id = '' OR t.lo < ${keyOf('f.first_date')} OR t.hi > ${keyOf('{asOf:Date}')}
  GROUP BY t.athlete_id
  SETTINGS join_use_nulls = 0`;

/**
 * Deletes those rows. The starts come in as parameters ({ids:Array(String)}, {firsts:Array(Date)}): a
 * mutation whose condition reads the table it mutates does not finish on the embedded engine.
 */
export const deleteStaleRows = (db: Database) =>
  TABLES.map(
    (spec) => `
    DELETE FROM ${db}.${spec.table}
    WHERE athlete_id IN {ids:Array(String)}
      AND (${spec.date} < ${spec.key(`transform(athlete_id, {ids:Array(String)}, {firsts:Array(Date)}, ${NO_SPINE})`)}
        OR ${spec.date} > ${spec.key('{asOf:Date}')})`,
  );
