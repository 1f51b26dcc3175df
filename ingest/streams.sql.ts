import type { Database } from '../clickhouse/sql.js';
import { LIMITS } from './records.js';

/**
 * Every staged sample of a batch with the reason it is rejected ('' when valid). Checks needing the
 * activity (known, inside it, plausible for its sport) join the stored activity; time-order checks use
 * the sample's position in the source: a sample earlier than one before it is out of order, and of two
 * samples at the same second the later one counts (shared/domain/training-load.md).
 */
const classifiedSamples = (db: Database) => `
  SELECT *,
    multiIf(
      activity_id_found = '', 'unknown_activity',
      t_s < 0 OR t_s > elapsed_time_s, 'sample_outside_activity',
      hr_bpm != 0 AND (hr_bpm < ${LIMITS.minHeartRate} OR hr_bpm > ${LIMITS.maxHeartRate}), 'implausible_heart_rate',
      power_w < 0 OR power_w > ${LIMITS.maxPower}, 'implausible_power',
      speed_mps < 0 OR speed_mps > transform(sport, ['ride', 'run', 'swim'], [${LIMITS.maxSpeed.ride}, ${LIMITS.maxSpeed.run}, ${LIMITS.maxSpeed.swim}], ${LIMITS.maxSpeed.other}), 'implausible_speed',
      cadence < 0 OR cadence > 255 OR distance_m < 0, 'invalid_value',
      t_s < max_t_before, 'non_increasing_stream_time',
      seq < last_seq_at_t, 'duplicate_sample_time',
      '') AS reason
  FROM (
    SELECT *,
      -- Of the in-order samples at one second, the last in the source counts.
      max(if(t_s >= max_t_before, seq, 0)) OVER (PARTITION BY activity_id, t_s) AS last_seq_at_t
    FROM (
      SELECT *,
        -- A sample outside the activity is rejected for that alone: it must not make later samples look out of order.
        max(if(t_s BETWEEN 0 AND elapsed_time_s, t_s, -1))
          OVER (PARTITION BY activity_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS max_t_before
      FROM (
        SELECT s.*, a.athlete_id AS athlete_id, a.sport AS sport, a.elapsed_time_s AS elapsed_time_s, a.activity_id AS activity_id_found
        FROM ${db}.stream_staging AS s
        LEFT JOIN (SELECT activity_id, athlete_id, sport, elapsed_time_s FROM ${db}.activities FINAL) AS a ON a.activity_id = s.activity_id
        WHERE s.batch_id = {batchId:String}
      )
    )
  )`;

export const checkStagedSamples = (db: Database) => `
  INSERT INTO ${db}.stream_checked
  SELECT batch_id, athlete_id, activity_id, t_s, seq, if(locator != '', locator, concat({locatorPrefix:String}, toString(seq))), reason,
    hr_bpm, power_w, speed_mps, altitude_m, cadence, distance_m
  FROM (${classifiedSamples(db)})`;

export const rejectCounts = (db: Database) => `
  SELECT reason, count() AS n FROM ${db}.stream_checked WHERE batch_id = {batchId:String} GROUP BY reason`;

export const insertSampleRejects = (db: Database) => `
  INSERT INTO ${db}.ingest_rejects
  SELECT {source:String}, locator, reason,
    concat('sample t=', toString(t_s), ' s of activity ', activity_id), 
    toJSONString(map('activity_id', activity_id, 't_s', toString(t_s), 'hr_bpm', toString(hr_bpm), 'power_w', toString(power_w),
      'speed_mps', toString(speed_mps), 'altitude_m', toString(altitude_m), 'cadence', toString(cadence), 'distance_m', toString(distance_m))),
    now64(3)
  FROM ${db}.stream_checked WHERE batch_id = {batchId:String} AND reason != ''`;

/** Per activity of the batch: the hash of its valid samples, and whether it differs from what is stored. */
export const changedStreams = (db: Database) => `
  INSERT INTO ${db}.stream_changes
  SELECT {batchId:String}, n.athlete_id, n.activity_id, n.stream_hash, n.sample_count, stored.activity_id != '' AS replaces
  FROM (
    SELECT athlete_id, activity_id, count() AS sample_count,
      groupBitXor(cityHash64(t_s, hr_bpm, power_w, speed_mps, altitude_m, cadence, distance_m)) AS stream_hash
    FROM ${db}.stream_checked WHERE batch_id = {batchId:String} AND reason = ''
    GROUP BY athlete_id, activity_id
  ) AS n
  LEFT JOIN (SELECT activity_id, stream_hash FROM ${db}.activity_stream_uploads FINAL) AS stored ON stored.activity_id = n.activity_id
  WHERE stored.activity_id = '' OR stored.stream_hash != n.stream_hash`;

export const changeCounts = (db: Database) => `
  SELECT count() AS activities, sum(sample_count) AS samples, countIf(replaces) AS replacing
  FROM ${db}.stream_changes WHERE batch_id = {batchId:String}`;

/** A corrected stream replaces the stored one whole: its old samples go first. */
export const deleteReplacedSamples = (db: Database) => `
  DELETE FROM ${db}.activity_streams
  WHERE activity_id IN (SELECT activity_id FROM ${db}.stream_changes WHERE batch_id = {batchId:String} AND replaces)`;

export const insertValidSamples = (db: Database) => `
  INSERT INTO ${db}.activity_streams
  SELECT athlete_id, activity_id, toUInt32(t_s),
    CAST(round(hr_bpm), 'Nullable(UInt8)'), CAST(round(power_w), 'Nullable(UInt16)'), speed_mps, altitude_m,
    CAST(round(cadence), 'Nullable(UInt8)'), distance_m
  FROM ${db}.stream_checked
  WHERE batch_id = {batchId:String} AND reason = ''
    AND activity_id IN (SELECT activity_id FROM ${db}.stream_changes WHERE batch_id = {batchId:String})`;

/** Written last: until it is, a retry sees the activity as changed and redoes delete + insert. */
export const recordUploads = (db: Database) => `
  INSERT INTO ${db}.activity_stream_uploads
  SELECT athlete_id, activity_id, stream_hash, sample_count, now64(3)
  FROM ${db}.stream_changes WHERE batch_id = {batchId:String}`;

export const dropBatch = (db: Database, table: 'stream_staging' | 'stream_checked' | 'stream_changes') =>
  `ALTER TABLE ${db}.${table} DROP PARTITION {batchId:String}`;
