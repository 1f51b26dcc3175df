import type { Database } from '../../clickhouse/sql.js';

/**
 * The newest successful run over all athletes: its watermark is where this run's new data starts. A run
 * restricted to some athletes says nothing about the others' data, so it does not count.
 */
export const lastWatermark = (db: Database) => `
  SELECT toString(watermark) AS watermark FROM ${db}.pipeline_runs FINAL
  WHERE status = 'succeeded' AND empty(athlete_ids) AND run_id != {runId:String}
  ORDER BY version DESC LIMIT 1`;

/**
 * Everything committed so far. \`ingested_at\` is stamped by ClickHouse as the insert runs, so only an
 * ingest still running while a run plans can leave rows behind this mark (see README, feature pipeline).
 */
export const currentWatermark = (db: Database) => `
  SELECT toString(greatest(
    (SELECT max(ingested_at) FROM ${db}.activities),
    (SELECT max(ingested_at) FROM ${db}.athlete_thresholds),
    (SELECT max(ingested_at) FROM ${db}.activity_stream_uploads),
    (SELECT max(deleted_at) FROM ${db}.activity_deletions))) AS watermark`;

export const existingRun = (db: Database) => `
  SELECT toString(since) AS since, toString(watermark) AS watermark, version, toString(as_of) AS as_of
  FROM ${db}.pipeline_runs FINAL WHERE run_id = {runId:String}`;

/** Raw rows of the run's window: ingested (or deleted) after the last run's watermark, up to this run's. */
const inWindow = (column: string) => `${column} > {since:DateTime64(3)} AND ${column} <= {until:DateTime64(3)}`;

/** Athletes with rows dated after asOf in any athlete table (a run for an earlier day must remove them). */
const rowsAfterAsOf = (db: Database) => `
    SELECT DISTINCT athlete_id, {asOf:Date} + 1, 1 FROM (
      SELECT athlete_id FROM ${db}.athlete_daily_features WHERE date > {asOf:Date}
      UNION ALL SELECT athlete_id FROM ${db}.athlete_rolling_features WHERE as_of_date > {asOf:Date}
      UNION ALL SELECT athlete_id FROM ${db}.athlete_weekly_features WHERE week_start > toMonday({asOf:Date}))`;

/**
 * Which athletes this run recomputes, and from which local date (set-based, one statement). Each source
 * says whether it is a change (`changed` = 1: the athlete is scoped whatever its date, so the activity
 * step brings activity features up to date even after asOf) or only the spine moving on (0: scoped when
 * its date is on or before asOf):
 * - activities new or corrected in the window: from their date, or from where the features had them
 *   before when a correction moved them;
 * - streams uploaded or replaced: from their activity's date;
 * - thresholds new or corrected: from the date they take effect (every later activity may change);
 * - activities deleted in the window: from the date the features had them on (none: nothing to undo);
 * - athletes with feature rows after asOf (an earlier run had a later asOf): from asOf + 1, so the steps
 *   delete those rows (a run leaves the tables as of its asOf; see README, feature pipeline);
 * - every athlete already in the tables: from the day after their last daily row, so the date spine and
 *   the decaying CTL/ATL reach the as-of date (this is the whole of an ordinary daily run);
 * - every athlete with activities but no daily rows yet: from the first activity. Their activities may all
 *   have been after the as-of date when they were new; once no longer new, only this brings them in;
 * - a full recompute: every athlete from the first activity.
 */
export const insertScope = (db: Database) => `
  INSERT INTO ${db}.feature_scope (run_id, bucket, athlete_id, from_date)
  SELECT {runId:String},
    -- Contiguous ranges of athlete_id, the leading sort key of every feature table: a bucket's queries read
    -- only its own granules (hashed buckets would scatter every bucket over the whole table).
    intDiv((row_number() OVER (ORDER BY athlete_id) - 1) * {buckets:UInt16}, count() OVER ()) AS bucket,
    athlete_id, from_date
  FROM (
  SELECT athlete_id, min(d) AS from_date, max(changed) AS has_changes
  FROM (
    SELECT a.athlete_id AS athlete_id, if(f.activity_id = '', a.local_date, least(a.local_date, f.local_date)) AS d, 1 AS changed
    FROM (SELECT athlete_id, activity_id, local_date FROM ${db}.activities FINAL WHERE ${inWindow('ingested_at')}) AS a
    LEFT JOIN (
      SELECT athlete_id, activity_id, local_date FROM ${db}.activity_features FINAL
      WHERE activity_id IN (SELECT activity_id FROM ${db}.activities WHERE ${inWindow('ingested_at')})
    ) AS f ON f.athlete_id = a.athlete_id AND f.activity_id = a.activity_id
    UNION ALL
    SELECT a.athlete_id, a.local_date, 1
    FROM (SELECT athlete_id, activity_id FROM ${db}.activity_stream_uploads FINAL WHERE ${inWindow('ingested_at')}) AS u
    INNER JOIN (SELECT athlete_id, activity_id, local_date FROM ${db}.activities FINAL) AS a
      ON a.athlete_id = u.athlete_id AND a.activity_id = u.activity_id
    UNION ALL
    SELECT athlete_id, effective_from, 1 FROM ${db}.athlete_thresholds FINAL WHERE ${inWindow('ingested_at')}
    UNION ALL
    SELECT f.athlete_id, f.local_date, 1
    FROM (SELECT athlete_id, activity_id FROM ${db}.activity_deletions FINAL WHERE ${inWindow('deleted_at')}) AS x
    INNER JOIN (
      SELECT athlete_id, activity_id, local_date FROM ${db}.activity_features FINAL
      WHERE activity_id IN (SELECT activity_id FROM ${db}.activity_deletions WHERE ${inWindow('deleted_at')})
    ) AS f ON f.athlete_id = x.athlete_id AND f.activity_id = x.activity_id
    UNION ALL
    ${rowsAfterAsOf(db)}
    UNION ALL
    -- No FINAL: versions of a key share its date, so the newest date is the same without collapsing them.
    SELECT athlete_id, max(date) + 1, 0 FROM ${db}.athlete_daily_features GROUP BY athlete_id
    UNION ALL
    SELECT athlete_id, min(local_date), 0 FROM ${db}.activities FINAL
    WHERE ingested_at <= {until:DateTime64(3)}
      AND athlete_id NOT IN (SELECT DISTINCT athlete_id FROM ${db}.athlete_daily_features)
    GROUP BY athlete_id
    UNION ALL
    SELECT athlete_id, min(local_date), 1 FROM ${db}.activities FINAL
    WHERE {fullRecompute:UInt8} = 1 AND ingested_at <= {until:DateTime64(3)} GROUP BY athlete_id
  )
  WHERE empty({athleteIds:Array(String)}) OR has({athleteIds:Array(String)}, athlete_id)
  GROUP BY athlete_id
  HAVING from_date <= {asOf:Date} OR has_changes = 1
  )`;

export const scopeRows = (db: Database) => `SELECT count() AS n FROM ${db}.feature_scope WHERE run_id = {runId:String}`;

export const clearScope = (db: Database) => `DELETE FROM ${db}.feature_scope WHERE run_id = {runId:String}`;

export const scopeSummary = (db: Database) => `
  SELECT bucket, toUInt32(count()) AS athletes FROM ${db}.feature_scope FINAL WHERE run_id = {runId:String}
  GROUP BY bucket ORDER BY bucket`;

export const unknownAthletes = (db: Database) => `
  SELECT arrayJoin({athleteIds:Array(String)}) AS athlete_id
  WHERE athlete_id NOT IN (SELECT athlete_id FROM ${db}.athletes FINAL)`;
