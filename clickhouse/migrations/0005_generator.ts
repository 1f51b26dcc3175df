import type { Database } from '../sql.js';
import type { Migration } from '../migrate.js';

/**
 * Parameters of synthetic per-second streams (generator/types.ts StreamPlan), one row per activity.
 * Streams are synthesized inside ClickHouse from these rows (generator/stream-sql.ts) because a
 * hundred million samples cannot travel through Node fast enough. One partition per batch, dropped
 * once the batch's samples are in stream_staging.
 */
export const generator: Migration = {
  name: '0005_generator',
  statements: (db: Database) => [
    `CREATE TABLE IF NOT EXISTS ${db}.generator_stream_plans (
      batch_id String,
      activity_id String,
      athlete_id String,
      seed UInt32 COMMENT 'per-activity noise seed',
      moving_s UInt32 COMMENT 'samples; sample k is at t = k, or k + pause_s from pause_at_s on',
      pause_at_s UInt32 COMMENT 'moving second at which the stop starts',
      pause_s UInt32 COMMENT 'stop length, s; elapsed = moving_s + pause_s',
      has_power Bool,
      base_power_w Float64 COMMENT 'W, the stream mean',
      block_s UInt32 COMMENT 'length of the alternating hard/easy blocks, s',
      block_power_share Float64 COMMENT 'relative power amplitude of the blocks',
      second_power_share Float64 COMMENT 'relative amplitude of second-to-second power noise',
      power_hill_share Float64 COMMENT 'relative power rise on climbs',
      has_hr Bool,
      base_hr_bpm Float64 COMMENT 'bpm, the stream mean',
      hr_drift_bpm_per_h Float64 COMMENT 'cardiac drift, bpm per hour, centred on the middle of the activity',
      hr_hill_bpm Float64,
      hr_block_bpm Float64,
      hr_warmup_bpm Float64 COMMENT 'HR starts this far below its level (90 s time constant)',
      base_speed_mps Float64 COMMENT 'm/s, the stream mean',
      speed_hill_share Float64 COMMENT 'relative speed loss on climbs',
      block_speed_share Float64,
      base_cadence Float64 COMMENT '0: no cadence sensor',
      altitude_base_m Float64,
      altitude_amp_m Float64 COMMENT 'height of each climb, m',
      altitude_cycles UInt32 COMMENT 'whole climb-descent cycles over the moving time',
      hr_glitch_at Int64 COMMENT 'moving second whose HR reads 255, -1 for none',
      outside_sample Bool COMMENT 'adds a sample 30 s after the elapsed time'
    ) ENGINE = MergeTree PARTITION BY batch_id ORDER BY activity_id`,
  ],
};
