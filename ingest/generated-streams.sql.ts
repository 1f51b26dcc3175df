import type { Database } from '../clickhouse/sql.js';
import { generatedSamplesSelect } from '../generator/synthesize-streams.sql.js';
import { sampleChecks, storedColumns, summarizeSamples } from './streams.sql.js';

/**
 * Generated samples are checked and stored straight from the generator's plans, never staged: the summary
 * pass and the insert each synthesize the batch's samples again (the same plans give the same samples),
 * which costs less than writing every sample to stream_staging and reading it back twice.
 *
 * They go through the same checks as uploaded samples (sampleChecks), except the two that compare a
 * sample with its neighbours, which cannot fire: the generator's time is strictly increasing in its
 * position (t = m before the stop, m + pause_s after it, moving_s + pause_s + 30 for the outside sample),
 * so no sample is earlier than one before it and no two share a second. What remains looks at one
 * sample, so no window (and no sort) is needed.
 */

/**
 * Threads that synthesize a batch side by side for the summary (see generatedSamplesSelect). The insert
 * keeps one: two lanes interleave their blocks, which the table's sink must then sort, and that cost more
 * CPU (0.7 → 1.0 s per 2.6 M samples) than the second thread gave back.
 */
const SUMMARY_LANES = 2;

const batchActivities = (db: Database) =>
  `SELECT activity_id FROM ${db}.generator_stream_plans WHERE batch_id = {batch_id:String}`;

/** Each planned activity as stored: athlete_id '' when it is not (same lookup as the staged samples'). */
const storedActivities = (db: Database) => `
  SELECT activity_id, any(athlete_id) AS athlete_id, any(toString(sport)) AS sport, any(elapsed_time_s) AS elapsed_time_s
  FROM ${db}.activities FINAL
  WHERE activity_id IN (${batchActivities(db)})
  GROUP BY activity_id`;

/** The batch's samples in staging's types (the stream hash hashes those), with athlete_id and reason. */
const classifiedGeneratedSamples = (db: Database, plansAlso = '', lanes = 1) => `
  SELECT *, multiIf(${sampleChecks}
      '') AS reason
  FROM (
    SELECT s.seq AS seq, s.activity_id AS activity_id, toFloat64(s.t_s) AS t_s,
      CAST(s.hr_bpm, 'Nullable(Float64)') AS hr_bpm, CAST(s.power_w, 'Nullable(Float64)') AS power_w,
      CAST(s.speed_mps, 'Nullable(Float64)') AS speed_mps, CAST(s.altitude_m, 'Nullable(Float64)') AS altitude_m,
      CAST(s.cadence, 'Nullable(Float64)') AS cadence, CAST(s.distance_m, 'Nullable(Float64)') AS distance_m,
      k.athlete_id AS athlete_id, k.sport AS sport, k.elapsed_time_s AS elapsed_time_s
    FROM (${generatedSamplesSelect(db, plansAlso, lanes)}) AS s
    LEFT JOIN (${storedActivities(db)}) AS k ON k.activity_id = s.activity_id
  )`;

/** The batch's activities summarized into stream_changes, as summarizeStagedSamples does for an upload. */
export const summarizeGeneratedSamples = (db: Database) =>
  summarizeSamples(db, classifiedGeneratedSamples(db, '', SUMMARY_LANES), batchActivities(db));

/** The valid samples of the batch's new or changed streams, synthesized again for those activities only. */
export const insertGeneratedSamples = (db: Database) => `
  INSERT INTO ${db}.activity_streams (athlete_id, activity_id, t_s, hr_bpm, power_w, speed_mps, altitude_m, cadence, distance_m)
  SELECT athlete_id, activity_id, ${storedColumns}
  FROM (${classifiedGeneratedSamples(
    db,
    ` AND activity_id IN (SELECT activity_id FROM ${db}.stream_changes WHERE batch_id = {changesId:String} AND changed)`,
  )})
  WHERE reason = ''`;
