import type { Database } from '../sql.js';
import type { Migration } from '../migrate.js';

/**
 * Raw data as it arrived, validated. Summary tables are ReplacingMergeTree keyed by the record's
 * identity and versioned by `ingested_at`: a corrected re-upload inserts a newer version and readers
 * see one row per key (FINAL or argMax). Ingestion skips records whose `content_hash` is unchanged,
 * so re-ingesting a file writes nothing. The summary tables are small (one row per activity) and are
 * not partitioned, so a correction that moves an activity to another month still replaces it.
 * Streams are the big table: a plain MergeTree ordered by (athlete_id, activity_id, t_s), the order in
 * which every per-activity feature (rolling 30 s power, time in zone) scans them, so a feature run
 * reads the changed activities by primary-key ranges. A stream re-upload deletes that activity's old
 * samples before inserting the new ones; `activity_stream_uploads` records which content is stored.
 */
export const rawData: Migration = {
  name: '0001_raw_data',
  statements: (db: Database) => [
    `CREATE TABLE IF NOT EXISTS ${db}.athletes (
      athlete_id String,
      name String,
      sex LowCardinality(String) COMMENT 'F, M or X',
      birth_year UInt16 COMMENT 'calendar year',
      time_zone LowCardinality(String) COMMENT 'IANA zone, e.g. Europe/Paris',
      content_hash UInt64 COMMENT 'hash of the fields above; unchanged content is not re-inserted',
      ingested_at DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'version, stamped by ClickHouse: the newest row per key wins'
    ) ENGINE = ReplacingMergeTree(ingested_at) ORDER BY athlete_id`,

    `CREATE TABLE IF NOT EXISTS ${db}.athlete_thresholds (
      athlete_id String,
      effective_from Date COMMENT 'first local date on which these thresholds apply',
      ftp_w Nullable(Float32) COMMENT 'functional threshold power, W',
      lthr_bpm Nullable(Float32) COMMENT 'lactate threshold heart rate, bpm',
      max_hr_bpm Nullable(Float32) COMMENT 'maximum heart rate, bpm',
      resting_hr_bpm Nullable(Float32) COMMENT 'resting heart rate, bpm',
      threshold_pace_s_per_km Nullable(Float32) COMMENT 'running threshold pace, s/km',
      content_hash UInt64,
      ingested_at DateTime64(3, 'UTC') DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree(ingested_at) ORDER BY (athlete_id, effective_from)`,

    `CREATE TABLE IF NOT EXISTS ${db}.activities (
      activity_id String,
      athlete_id String,
      sport LowCardinality(String) COMMENT 'ride, run, swim or other',
      start_time_utc DateTime('UTC') COMMENT 'start, UTC',
      utc_offset_min Int16 COMMENT 'athlete local time minus UTC at the start, minutes',
      local_date Date MATERIALIZED toDate(start_time_utc + toIntervalMinute(utc_offset_min)) COMMENT 'athlete local start date',
      distance_m Float64 COMMENT 'm',
      moving_time_s UInt32 COMMENT 's',
      elapsed_time_s UInt32 COMMENT 's',
      elevation_gain_m Float32 COMMENT 'm',
      avg_hr_bpm Nullable(Float32) COMMENT 'bpm',
      max_hr_bpm Nullable(Float32) COMMENT 'bpm',
      avg_power_w Nullable(Float32) COMMENT 'W',
      avg_cadence Nullable(Float32) COMMENT 'rpm (ride) or steps/min (run)',
      device LowCardinality(String),
      source LowCardinality(String) COMMENT 'file or generator the record came from',
      content_hash UInt64,
      ingested_at DateTime64(3, 'UTC') DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree(ingested_at) ORDER BY (athlete_id, activity_id)`,

    `CREATE TABLE IF NOT EXISTS ${db}.activity_streams (
      athlete_id String,
      activity_id String,
      t_s UInt32 COMMENT 'seconds since the activity start',
      hr_bpm Nullable(UInt8) COMMENT 'bpm; 0 means no reading',
      power_w Nullable(UInt16) COMMENT 'W; 0 is a real reading (coasting)',
      speed_mps Nullable(Float32) COMMENT 'm/s',
      altitude_m Nullable(Float32) COMMENT 'm',
      cadence Nullable(UInt8) COMMENT 'rpm or steps/min',
      distance_m Nullable(Float32) COMMENT 'm since the start'
    ) ENGINE = MergeTree ORDER BY (athlete_id, activity_id, t_s)`,

    `CREATE TABLE IF NOT EXISTS ${db}.activity_stream_uploads (
      athlete_id String,
      activity_id String,
      stream_hash UInt64 COMMENT 'order-independent hash of the stored samples',
      sample_count UInt32,
      ingested_at DateTime64(3, 'UTC')
    ) ENGINE = ReplacingMergeTree(ingested_at) ORDER BY (athlete_id, activity_id)`,

    `CREATE TABLE IF NOT EXISTS ${db}.ingest_rejects (
      source String COMMENT 'file path or generator name',
      locator String COMMENT 'where in the source: line, record or message number',
      reason_code LowCardinality(String),
      detail String,
      raw_payload String COMMENT 'the record as received',
      rejected_at DateTime64(3, 'UTC') COMMENT 'last time this record was rejected'
    ) ENGINE = ReplacingMergeTree(rejected_at) ORDER BY (source, locator, reason_code)`,

    // Per-second samples land here first, one partition per ingest batch, and are checked by set-based SQL.
    `CREATE TABLE IF NOT EXISTS ${db}.stream_staging (
      batch_id String,
      seq UInt64 COMMENT 'position in the source (line, record): time order, the later duplicate wins, and the locator of a reject',
      activity_id String,
      t_s Float64,
      hr_bpm Nullable(Float64),
      power_w Nullable(Float64),
      speed_mps Nullable(Float64),
      altitude_m Nullable(Float64),
      cadence Nullable(Float64),
      distance_m Nullable(Float64)
    ) ENGINE = MergeTree PARTITION BY batch_id ORDER BY (activity_id, seq)`,

    `CREATE TABLE IF NOT EXISTS ${db}.stream_changes (
      batch_id String,
      athlete_id String,
      activity_id String,
      stream_hash UInt64 COMMENT 'order-independent hash of the valid samples',
      sample_count UInt64 COMMENT 'valid samples',
      rejects Array(Tuple(seq UInt64, reason String, t_s Float64, hr_bpm Nullable(Float64), power_w Nullable(Float64),
        speed_mps Nullable(Float64), altitude_m Nullable(Float64), cadence Nullable(Float64), distance_m Nullable(Float64)))
        COMMENT 'the rejected samples',
      changed UInt8 COMMENT '1 when the valid samples differ from the stored stream',
      replaces UInt8 COMMENT '1 when a different stream of the activity is stored'
    ) ENGINE = MergeTree PARTITION BY batch_id ORDER BY activity_id`,
  ],
};
