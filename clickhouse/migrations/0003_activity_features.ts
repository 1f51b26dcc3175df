import type { Database } from '../sql.js';
import type { Migration } from '../migrate.js';

/**
 * One row per activity: what the daily/weekly features and the duration model read (definitions in
 * shared/domain/training-load.md; how each column is computed in features/activity/). A run rewrites the
 * rows of its scope with its `version`; readers use FINAL. Not partitioned, for the same reason as
 * `activities`: a correction that moves an activity to another month must still replace its row.
 */
export const activityFeatures: Migration = {
  name: '0003_activity_features',
  statements: (db: Database) => [
    `CREATE TABLE IF NOT EXISTS ${db}.activity_features (
      athlete_id String COMMENT 'athlete id',
      activity_id String COMMENT 'activity id',
      local_date Date COMMENT 'athlete local start date (UTC start + UTC offset)',
      sport LowCardinality(String) COMMENT 'ride, run, swim or other',
      start_time_utc DateTime('UTC') COMMENT 'start, UTC',
      start_hour_local UInt8 COMMENT 'hour of the local start time, 0-23',
      weekday_local UInt8 COMMENT 'local start weekday, 1 = Monday .. 7 = Sunday',
      moving_time_s UInt32 COMMENT 'moving time from the activity summary, s; the TSS duration',
      elapsed_time_s UInt32 COMMENT 's',
      distance_m Float64 COMMENT 'm',
      elevation_gain_m Float32 COMMENT 'm',
      avg_speed_mps Float32 COMMENT 'distance / moving time, m/s (0 when moving time is 0)',
      normalized_speed_mps Float32 COMMENT 'runs with an altitude stream: grade-adjusted speed (Minetti 2002 running cost), else moving speed, m/s',
      climb_m_per_km Nullable(Float32) COMMENT 'elevation gain / distance, m per km; NULL without distance',
      avg_hr_bpm Nullable(Float32) COMMENT 'time-weighted mean of non-zero HR samples, else the summary value, bpm',
      max_hr_bpm_observed Nullable(Float32) COMMENT 'highest HR sample, else the summary value, bpm',
      avg_power_w Nullable(Float32) COMMENT 'mean of the 1 Hz power series (moving time), else the summary value, W',
      np_w Nullable(Float32) COMMENT 'Normalized Power over moving time, full 30 s windows only, W; NULL without 30 s of power samples',
      peak_5min_power_w Nullable(Float32) COMMENT 'best 300 s mean of the 1 Hz power series, W',
      peak_20min_power_w Nullable(Float32) COMMENT 'best 1200 s mean of the 1 Hz power series, W',
      variability_index Nullable(Float32) COMMENT 'NP / mean power, ratio',
      efficiency_basis LowCardinality(String) COMMENT 'what efficiency_factor and aerobic_decoupling_pct use: power, speed or none',
      efficiency_factor Nullable(Float32) COMMENT 'power basis: NP (or stand-in) / avg HR, W/bpm; speed basis: normalized speed / avg HR, (m/min)/bpm',
      aerobic_decoupling_pct Nullable(Float32) COMMENT '(EF first half - EF second half) / EF first half x 100 over moving time, %',
      intensity_factor Nullable(Float32) COMMENT 'ratio to threshold, by tss_method',
      tss Nullable(Float32) COMMENT 'moving_time_s x IF^2 / 3600 x 100, TSS points; NULL when tss_method = none',
      tss_method LowCardinality(String) COMMENT 'power, heart_rate, pace or none',
      ftp_w Nullable(Float32) COMMENT 'FTP used (effective-dated), W',
      lthr_bpm Nullable(Float32) COMMENT 'LTHR used (effective-dated), bpm',
      max_hr_bpm Nullable(Float32) COMMENT 'max HR used for zones (effective-dated threshold), bpm',
      threshold_pace_s_per_km Nullable(Float32) COMMENT 'threshold pace used (effective-dated), s/km',
      below_z1_s Float32 COMMENT 'HR time below 50 % of max HR, s',
      z1_s Float32 COMMENT 'HR time in [50, 60) % of max HR, s',
      z2_s Float32 COMMENT 'HR time in [60, 70) % of max HR, s',
      z3_s Float32 COMMENT 'HR time in [70, 80) % of max HR, s',
      z4_s Float32 COMMENT 'HR time in [80, 90) % of max HR, s',
      z5_s Float32 COMMENT 'HR time at or above 90 % of max HR, s',
      hr_covered_s Float32 COMMENT 'seconds the non-zero HR samples stand for, s',
      hr_coverage Float32 COMMENT 'hr_covered_s / moving_time_s, ratio (can exceed 1 if the stream outlasts the summary)',
      below_z1_share Float32 COMMENT 'below_z1_s / hr_covered_s, ratio',
      z1_share Float32 COMMENT 'z1_s / hr_covered_s, ratio',
      z2_share Float32 COMMENT 'z2_s / hr_covered_s, ratio',
      z3_share Float32 COMMENT 'z3_s / hr_covered_s, ratio',
      z4_share Float32 COMMENT 'z4_s / hr_covered_s, ratio',
      z5_share Float32 COMMENT 'z5_s / hr_covered_s, ratio',
      has_stream UInt8 COMMENT '1 when the activity has stream samples, 0 when only the summary exists',
      run_id String COMMENT 'pipeline run that wrote the row',
      version UInt64 COMMENT 'the run version; the highest per key wins',
      computed_at DateTime64(3, 'UTC') COMMENT 'wall-clock time of the computation, UTC'
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (athlete_id, activity_id)`,
  ],
};
