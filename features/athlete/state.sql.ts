import type { Database } from '../../clickhouse/sql.js';
import { scopeCte } from '../scope-cte.sql.js';
import { dayStartSql, weekStartSql } from './day-starts.sql.js';

/** The athlete steps, each with its table and its row in athlete_feature_state. */
export type AthleteStep = 'daily' | 'rolling' | 'weekly';
export const ATHLETE_STEPS: readonly AthleteStep[] = ['daily', 'rolling', 'weekly'];

/** Where a spine starts for an athlete without any activity up to as-of (and a span that holds nothing to trust). */
export const NO_SPINE = "toDate('2149-06-06')";

/**
 * The state of one athlete and step (athlete_feature_state): the step's table holds the athlete's whole spine from
 * span_first to span_last, without holes, as of the inputs the planner has seen up to that run. It is what the
 * steps used to read from the tables themselves (min, max and count of every stored key, and the first activity
 * from activity_features FINAL), which grew with each athlete's history.
 *
 * CTE `span`: per scoped athlete, the newest state of `step` written by earlier runs (seq < version × 4, so a retried
 * step reads what its first attempt read and writes the same rows). Needs `scope`. Parameter {version:UInt64}.
 */
export const spanCte = (db: Database, step: AthleteStep) => `
  span AS (
    SELECT athlete_id, argMax(first_date, seq) AS span_first, argMax(last_date, seq) AS span_last
    FROM ${db}.athlete_feature_state
    WHERE athlete_id IN (SELECT athlete_id FROM scope) AND step = '${step}' AND seq < {version:UInt64} * 4
    GROUP BY athlete_id
  )`;

/**
 * CTE `firsts`: each scoped athlete's first activity day up to asOf (absent without one), where the spine starts.
 * From the span when the planner's from_date is after its first day: every change to activity_features since the
 * span was written is on or after from_date (the planner scopes a change from the earliest date it touches, a moved
 * or deleted activity from its old date too), so the first day cannot have moved. Otherwise (no span, or a change
 * on or before the first day: an earlier activity, the first one moved or deleted, an earlier asOf) it is read
 * from activity_features for those athletes only. Needs `scope`, `span`. Parameter {asOf:Date}.
 */
export const firstsCte = (db: Database) => `
  trusted AS (
    SELECT s.athlete_id AS athlete_id, sp.span_first AS first_date
    FROM scope AS s
    INNER JOIN span AS sp ON sp.athlete_id = s.athlete_id
    WHERE s.from_date > sp.span_first
  ),
  firsts AS (
    SELECT athlete_id, first_date FROM trusted WHERE first_date <= {asOf:Date}
    UNION ALL
    SELECT athlete_id, min(local_date) AS first_date
    FROM ${db}.activity_features FINAL
    -- A positive list, not NOT IN trusted, so the primary key skips the trusted athletes' rows.
    WHERE athlete_id IN (SELECT athlete_id FROM scope WHERE athlete_id NOT IN (SELECT athlete_id FROM trusted))
      AND local_date <= {asOf:Date}
    GROUP BY athlete_id
  )`;

/**
 * SQL over `span AS sp` joined with join_use_nulls = 0: the span is usable as a start, i.e. it exists and begins
 * at the athlete's first day (a span that begins elsewhere, or NO_SPINE, is recomputed from the first day).
 */
export const usableSpan = (firstDate: string) => `(sp.athlete_id != '' AND sp.span_first = ${firstDate})`;

/**
 * Whether the athlete may have rows outside the spine from its first day to asOf, in any athlete table (only the
 * daily step prunes, all three tables; prune.sql.ts). Rows after asOf: the planner scopes those athletes from
 * asOf + 1 (or the span itself ends after asOf). Rows before the first day: the first activity moved later or was
 * deleted, which the planner scopes from on or before the span's first day; or there is no span to go by. Otherwise
 * every table holds its span and nothing else, and the lookup of stale rows is skipped for the athlete.
 */
const MAY_HAVE_STALE_ROWS = `(sp.athlete_id = '' OR s.from_date <= sp.span_first OR s.from_date > {asOf:Date}
    OR sp.span_last > {asOf:Date})`;

/**
 * Where each scoped athlete's recomputation starts in this step (day-starts.sql.ts), from its span and first
 * activity day, for every scoped athlete (first_date NO_SPINE without an activity up to asOf). Written once per
 * run, step and bucket (compute.ts): the spans it reads are of earlier runs (seq < version × 4), not the narrowing
 * this run's daily step may have written.
 * Parameters: runId, bucket, version, asOf.
 */
export const insertStartsSql = (db: Database, step: AthleteStep) => `
INSERT INTO ${db}.athlete_feature_starts (run_id, bucket, step, athlete_id, first_date, start_date, may_have_stale_rows)
WITH ${scopeCte(db)},
${spanCte(db, step)},
${firstsCte(db)}
SELECT {runId:String}, {bucket:UInt16}, '${step}', s.athlete_id,
  if(f.athlete_id = '', ${NO_SPINE}, f.first_date) AS first_date,
  if(f.athlete_id = '', ${NO_SPINE}, ${(step === 'weekly' ? weekStartSql : dayStartSql)(usableSpan('f.first_date'))}) AS start_date,
  ${MAY_HAVE_STALE_ROWS} AS may_have_stale_rows
FROM scope AS s
LEFT JOIN firsts AS f ON f.athlete_id = s.athlete_id
LEFT JOIN span AS sp ON sp.athlete_id = s.athlete_id
SETTINGS join_use_nulls = 0`;

/** Whether the starts of this run, bucket and step are written. Parameters: runId, bucket, {step:String}. */
export const startsWrittenSql = (db: Database) => `
SELECT count() AS n FROM ${db}.athlete_feature_starts
WHERE run_id = {runId:String} AND bucket = {bucket:UInt16} AND step = {step:String}`;

/**
 * CTE `starts` of a step's statements: the athletes with a spine (an activity up to asOf), their first day, the
 * day (Monday for the weekly step) the step starts at and, for the rolling step, `state_date`, the day before it.
 * With `untilAsOf`, athletes whose start is after asOf are left out. Parameters: runId, bucket, asOf.
 */
export const startsCte = (db: Database, step: AthleteStep, options: { untilAsOf: boolean }) => `
  starts AS (
    SELECT athlete_id, first_date, start_date${step === 'weekly' ? ' AS start_week' : ', start_date - 1 AS state_date'}
    FROM ${db}.athlete_feature_starts FINAL
    WHERE run_id = {runId:String} AND bucket = {bucket:UInt16} AND step = '${step}'
      AND first_date <= {asOf:Date}${options.untilAsOf ? ' AND start_date <= {asOf:Date}' : ''}
  )`;

/**
 * After a step's insert: for every scoped athlete, the step's table now holds the spine from the first activity
 * day to asOf (NO_SPINE: nothing, no activity up to asOf), with the first day the insert used.
 * Parameters: runId, bucket, version, asOf.
 */
export const writeStateSql = (db: Database, step: AthleteStep) => `
INSERT INTO ${db}.athlete_feature_state (athlete_id, step, first_date, last_date, run_id, version, seq)
SELECT athlete_id, '${step}', first_date, {asOf:Date}, {runId:String}, {version:UInt64}, {version:UInt64} * 4 + 1
FROM ${db}.athlete_feature_starts FINAL
WHERE run_id = {runId:String} AND bucket = {bucket:UInt16} AND step = '${step}'`;

/**
 * Before the daily step deletes an athlete's rows outside its spine (prune.sql.ts), every step's span of that
 * athlete is narrowed to what stays: up to asOf when it begins at the athlete's first day, nothing (NO_SPINE)
 * otherwise. Written first, so a run that fails after the deletes never leaves a span claiming deleted rows.
 * Parameters: {ids:Array(String)}, {firsts:Array(Date)} (as the deletes), version, runId, asOf.
 */
export const narrowStateSql = (db: Database) => `
INSERT INTO ${db}.athlete_feature_state (athlete_id, step, first_date, last_date, run_id, version, seq)
SELECT athlete_id, step,
  if(span_first = first, span_first, ${NO_SPINE}) AS first_date,
  if(span_first = first, least(span_last, {asOf:Date}), ${NO_SPINE}) AS last_date,
  {runId:String}, {version:UInt64}, {version:UInt64} * 4
FROM (
  SELECT athlete_id, step, argMax(first_date, seq) AS span_first, argMax(last_date, seq) AS span_last,
    transform(athlete_id, {ids:Array(String)}, {firsts:Array(Date)}, ${NO_SPINE}) AS first
  FROM ${db}.athlete_feature_state
  WHERE athlete_id IN {ids:Array(String)} AND seq < {version:UInt64} * 4
  GROUP BY athlete_id, step
)`;
