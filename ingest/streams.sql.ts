import type { Database } from '../clickhouse/sql.js';
import { LIMITS } from '../shared/records.js';

/** The columns of a stream sample, in the order of staging and of stream files' canonical header. */
export const SAMPLE_FIELDS = [
  'activity_id',
  't_s',
  'hr_bpm',
  'power_w',
  'speed_mps',
  'altitude_m',
  'cadence',
  'distance_m',
] as const;

/**
 * A staged sample's `seq` is its file's index in the upload × 2^32 + its position in the file, so ordering
 * by seq reads the upload's stream files one after the other, and a reject finds its file and line again.
 */
export const FILE_SEQ_FACTOR = 2 ** 32;

/** The staged partitions of one upload (one per stream file). */
const staged = `batch_id IN {stagedIds:Array(String)}`;

/**
 * The checks a sample fails on its own, given its activity's athlete_id ('' when the activity is unknown),
 * sport and elapsed_time_s: the first branches of the reason's multiIf, in order (the order checks follow).
 */
export const sampleChecks = `
      athlete_id = '', 'unknown_activity',
      t_s < 0 OR t_s > elapsed_time_s, 'sample_outside_activity',
      hr_bpm != 0 AND (hr_bpm < ${LIMITS.minHeartRate} OR hr_bpm > ${LIMITS.maxHeartRate}), 'implausible_heart_rate',
      power_w < 0 OR power_w > ${LIMITS.maxPower}, 'implausible_power',
      speed_mps < 0 OR speed_mps > transform(sport, ['ride', 'run', 'swim'], [${LIMITS.maxSpeed.ride}, ${LIMITS.maxSpeed.run}, ${LIMITS.maxSpeed.swim}], ${LIMITS.maxSpeed.other}), 'implausible_speed',
      cadence < 0 OR cadence > 255 OR distance_m < 0, 'invalid_value',`;

/**
 * Every staged sample of an upload (all its staged partitions) with the reason it is rejected ('' when
 * valid), in one ordered pass over the staging table (sorted by activity and position: the time-order window
 * reads it in that order, WINDOWS_IN_STORAGE_ORDER; the duplicate window, partitioned by a computed flag, sorts;
 * seq orders the upload's files one after the other). The batch's activities
 * come in as constant arrays (`transform` looks them up by hash), not as a join, which would lose that order.
 * Time order uses the sample's position in the source: a sample earlier than an in-bounds sample before it
 * is out of order; of two in-order samples at the same second the later one counts
 * (shared/domain/training-load.md), so the earlier is a duplicate.
 */
const classifiedSamples = (db: Database, onlyActivities = '') => `
  WITH (
    SELECT (groupArray(activity_id), groupArray(athlete_id), groupArray(toString(sport)), groupArray(elapsed_time_s))
    FROM ${db}.activities FINAL
    WHERE activity_id IN (SELECT DISTINCT activity_id FROM ${db}.stream_staging WHERE ${staged})
  ) AS known
  SELECT *,
    multiIf(${sampleChecks}
      t_s < max_t_before, 'non_increasing_stream_time',
      t_s = next_in_order_t, 'duplicate_sample_time',
      '') AS reason
  FROM (
    SELECT *,
      -- In-order samples (inside the activity, not earlier than one before) have non-decreasing times, so of
      -- two at the same second the earlier is followed by the later: the next in-order time equals its own.
      leadInFrame(t_s, 1, inf) OVER (
        PARTITION BY activity_id, t_s >= max_t_before AND t_s BETWEEN 0 AND elapsed_time_s
        ORDER BY seq ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) AS next_in_order_t
    FROM (
      SELECT *,
        transform(activity_id, known.1, known.2, '') AS athlete_id,
        transform(activity_id, known.1, known.3, '') AS sport,
        transform(activity_id, known.1, known.4, toUInt32(0)) AS elapsed_time_s,
        -- A sample outside the activity is rejected for that alone: it must not make later samples look out of order.
        max(if(t_s BETWEEN 0 AND elapsed_time_s, t_s, -1))
          OVER (PARTITION BY activity_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS max_t_before
      FROM ${db}.stream_staging WHERE ${staged} ${onlyActivities}
    )
  )`;

/**
 * One classification pass, aggregated per activity: the hash and count of its valid samples, its rejected
 * samples (few) as an array, and whether it differs from the stored stream. Nothing sample-sized is written.
 */
export const summarizeStagedSamples = (db: Database) =>
  `${summarizeSamples(db, classifiedSamples(db), `SELECT DISTINCT activity_id FROM ${db}.stream_staging WHERE ${staged}`)}
  SETTINGS ${WINDOWS_IN_STORAGE_ORDER}`;

/**
 * The first window (by activity, in seq order) reads the staging table in its own order instead of sorting
 * every staged sample first: the engine's defaults here sort, which held the whole upload in memory (the
 * promotion's peak grew with the file) and cost a pass. The second window partitions by a computed flag,
 * so it still sorts.
 */
const WINDOWS_IN_STORAGE_ORDER = `optimize_read_in_window_order = 1, query_plan_reuse_storage_ordering_for_window_functions = 1`;

/**
 * `classified`: an upload's samples (the staging table's columns, seq included) with athlete_id and reason;
 * `activityIds`: the upload's activities.
 */
export const summarizeSamples = (db: Database, classified: string, activityIds: string) => `
  INSERT INTO ${db}.stream_changes (batch_id, athlete_id, activity_id, stream_hash, sample_count, rejects, changed, replaces, valid_by_file)
  SELECT {changesId:String}, n.athlete_id, n.activity_id, n.stream_hash, n.sample_count, n.rejects,
    n.sample_count > 0 AND (stored.activity_id = '' OR stored.stream_hash != n.stream_hash) AS changed,
    changed AND stored.activity_id != '' AS replaces, n.valid_by_file
  FROM (
    SELECT activity_id, any(athlete_id) AS athlete_id, countIf(reason = '') AS sample_count,
      sumMapIf(map(toUInt32(intDiv(seq, ${FILE_SEQ_FACTOR})), toUInt64(1)), reason = '') AS valid_by_file,
      -- cityHash64 is NULL when any argument is NULL, and groupBitXor skips NULLs: a missing value hashes
      -- as NaN instead, which no stored sample can hold (non-finite numbers are rejected).
      groupBitXorIf(cityHash64(t_s, ifNull(hr_bpm, nan), ifNull(power_w, nan), ifNull(speed_mps, nan),
        ifNull(altitude_m, nan), ifNull(cadence, nan), ifNull(distance_m, nan)), reason = '') AS stream_hash,
      groupArrayIf((seq, reason, t_s, hr_bpm, power_w, speed_mps, altitude_m, cadence, distance_m), reason != '') AS rejects
    FROM (${classified})
    GROUP BY activity_id
  ) AS n
  LEFT JOIN (
    SELECT activity_id, stream_hash FROM ${db}.activity_stream_uploads FINAL
    WHERE activity_id IN (${activityIds})
  ) AS stored ON stored.activity_id = n.activity_id`;

/**
 * A sample is located by its file (the upload's sources, by index) and its line or record number; a
 * generated sample, which has no file, by its activity and second.
 */
export const insertSampleRejects = (db: Database) => `
  INSERT INTO ${db}.ingest_rejects (source, locator, reason_code, detail, raw_payload, rejected_at)
  SELECT {sources:Array(String)}[intDiv(r.seq, ${FILE_SEQ_FACTOR}) + 1] AS source,
    if({locatorPrefix:String} = '', concat('activity ', activity_id, ' sample ', toString(r.seq)),
      concat({locatorPrefix:String}, toString(r.seq % ${FILE_SEQ_FACTOR}))) AS locator,
    r.reason AS reason_code,
    concat('sample t=', toString(r.t_s), ' s of activity ', activity_id) AS detail,
    toJSONString(map('activity_id', activity_id, 't_s', toString(r.t_s), 'hr_bpm', toString(r.hr_bpm),
      'power_w', toString(r.power_w), 'speed_mps', toString(r.speed_mps), 'altitude_m', toString(r.altitude_m),
      'cadence', toString(r.cadence), 'distance_m', toString(r.distance_m))) AS raw_payload,
    now64(3) AS rejected_at
  FROM ${db}.stream_changes ARRAY JOIN rejects AS r WHERE batch_id = {changesId:String}`;

export const changedActivityCount = (db: Database) => `
  SELECT countIf(changed) AS activities FROM ${db}.stream_changes WHERE batch_id = {changesId:String}`;

/** Per file of the upload: valid samples, those stored by this promotion, and rejects by reason. */
export const countsByFile = (db: Database) => `
  SELECT file, sum(n) AS valid, sumIf(n, changed) AS inserted FROM ${db}.stream_changes
  ARRAY JOIN mapKeys(valid_by_file) AS file, mapValues(valid_by_file) AS n
  WHERE batch_id = {changesId:String} GROUP BY file`;

export const rejectCountsByFile = (db: Database) => `
  SELECT toUInt32(intDiv(r.seq, ${FILE_SEQ_FACTOR})) AS file, r.reason AS reason, count() AS n
  FROM ${db}.stream_changes ARRAY JOIN rejects AS r
  WHERE batch_id = {changesId:String} GROUP BY file, reason`;

const changedKeys = (db: Database) =>
  `SELECT athlete_id, activity_id FROM ${db}.stream_changes WHERE batch_id = {changesId:String} AND changed`;

/** Samples already stored for the activities about to be written: an older stream, or an interrupted attempt's rows. */
export const storedSampleCount = (db: Database) => `
  SELECT count() AS n FROM ${db}.activity_streams WHERE (athlete_id, activity_id) IN (${changedKeys(db)})`;

/**
 * A new or corrected stream replaces whatever is stored for its activity, whole: the older stream, and
 * the rows of an attempt that died between writing samples and recording the upload.
 */
export const deleteStoredSamples = (db: Database) => `
  DELETE FROM ${db}.activity_streams WHERE (athlete_id, activity_id) IN (${changedKeys(db)})`;

const changedActivities = (db: Database, withRejects: boolean) =>
  `SELECT activity_id, athlete_id FROM ${db}.stream_changes
   WHERE batch_id = {changesId:String} AND changed AND ${withRejects ? 'notEmpty' : 'empty'}(rejects)`;

/** A checked sample (staging's Float64 columns) in the stored columns' types. */
export const storedColumns = `toUInt32(t_s) AS t_s, CAST(round(hr_bpm), 'Nullable(UInt8)') AS hr_bpm,
  CAST(round(power_w), 'Nullable(UInt16)') AS power_w, speed_mps, altitude_m, CAST(round(cadence), 'Nullable(UInt8)') AS cadence, distance_m`;

/**
 * The new or changed streams. Most activities have no rejected sample: their staged rows are copied as they
 * are; only the few with rejects are classified again to leave those out.
 */
export const insertValidSamples = (db: Database) => `
  INSERT INTO ${db}.activity_streams (athlete_id, activity_id, t_s, hr_bpm, power_w, speed_mps, altitude_m, cadence, distance_m)
  SELECT athlete_id, activity_id, ${storedColumns}
  FROM (
    SELECT c.athlete_id AS athlete_id, s.*
    FROM ${db}.stream_staging AS s
    INNER JOIN (${changedActivities(db, false)}) AS c ON c.activity_id = s.activity_id
    WHERE s.${staged}
  )
  UNION ALL
  SELECT athlete_id, activity_id, ${storedColumns}
  FROM (${classifiedSamples(db, `AND activity_id IN (SELECT activity_id FROM (${changedActivities(db, true)}))`)})
  WHERE reason = ''
  -- parts of at most 256 k rows (the engine squashes up to 1 M): the sink's sort buffer does not grow with the file
  SETTINGS ${WINDOWS_IN_STORAGE_ORDER}, max_insert_block_size = 262144, min_insert_block_size_rows = 262144,
    min_insert_block_size_bytes = 0`;

/** Written last: until it is, a retry sees the activity as changed and redoes delete + insert. */
export const recordUploads = (db: Database) => `
  INSERT INTO ${db}.activity_stream_uploads (athlete_id, activity_id, stream_hash, sample_count, ingested_at)
  SELECT athlete_id, activity_id, stream_hash, sample_count, now64(3) AS ingested_at
  FROM ${db}.stream_changes WHERE batch_id = {changesId:String} AND changed`;

export const dropBatch = (db: Database, table: 'stream_staging' | 'stream_changes') =>
  `ALTER TABLE ${db}.${table} DROP PARTITION {batchId:String}`;
