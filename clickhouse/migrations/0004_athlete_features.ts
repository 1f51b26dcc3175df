import type { Database } from '../sql.js';
import type { Migration } from '../migrate.js';

/**
 * Athlete-level feature tables (definitions: ../shared/domain/training-load.md) and the feature registry.
 * Every feature table is a ReplacingMergeTree(version) keyed by its grain: a run rewrites only the keys
 * it recomputes, with its own version, and readers use FINAL. A re-run of the same run writes identical
 * rows with the same version, so it changes nothing under FINAL. Not partitioned: a few hundred bytes
 * per athlete-day, and an incremental run touches scattered athletes, not a time range.
 */
export const athleteFeatures: Migration = {
  name: '0004_athlete_features',
  statements: (db: Database) => [
    `CREATE TABLE IF NOT EXISTS ${db}.athlete_daily_features (
      athlete_id String COMMENT 'athlete id',
      date Date COMMENT 'athlete local date; one row per day from the first activity day to the run as-of date',
      load Float64 COMMENT 'TSS points: sum of the day''s activity TSS, an activity without TSS counts 0',
      moving_time_s UInt32 COMMENT 's',
      distance_m Float64 COMMENT 'm',
      elevation_gain_m Float64 COMMENT 'm',
      activity_count UInt16 COMMENT 'activities',
      activities_without_tss UInt16 COMMENT 'activities whose TSS is NULL (no method available)',
      ride_load Float64 COMMENT 'TSS points, rides',
      ride_moving_time_s UInt32 COMMENT 's, rides',
      ride_distance_m Float64 COMMENT 'm, rides',
      ride_activity_count UInt16 COMMENT 'activities, rides',
      run_load Float64 COMMENT 'TSS points, runs',
      run_moving_time_s UInt32 COMMENT 's, runs',
      run_distance_m Float64 COMMENT 'm, runs',
      run_activity_count UInt16 COMMENT 'activities, runs',
      swim_load Float64 COMMENT 'TSS points, swims',
      swim_moving_time_s UInt32 COMMENT 's, swims',
      swim_distance_m Float64 COMMENT 'm, swims',
      swim_activity_count UInt16 COMMENT 'activities, swims',
      other_load Float64 COMMENT 'TSS points, other sports',
      other_moving_time_s UInt32 COMMENT 's, other sports',
      other_distance_m Float64 COMMENT 'm, other sports',
      other_activity_count UInt16 COMMENT 'activities, other sports',
      run_id String COMMENT 'pipeline run that wrote the row',
      version UInt64 COMMENT 'version of that run; the newest row per key wins',
      computed_at DateTime64(3, 'UTC') COMMENT 'UTC; start of the run that wrote the row'
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (athlete_id, date)`,

    `CREATE TABLE IF NOT EXISTS ${db}.athlete_rolling_features (
      athlete_id String COMMENT 'athlete id',
      as_of_date Date COMMENT 'athlete local date; the features include this day''s activities',
      history_days UInt32 COMMENT 'days on the date spine up to and including as_of_date',
      ctl Float64 COMMENT 'TSS points/day; chronic training load, exponential, N = 42 days',
      atl Float64 COMMENT 'TSS points/day; acute training load, exponential, N = 7 days',
      tsb Float64 COMMENT 'TSS points/day; CTL − ATL of the previous day',
      acwr Nullable(Float64) COMMENT 'ratio; ATL / CTL, NULL when CTL = 0',
      acwr_7_28 Nullable(Float64) COMMENT 'ratio; mean load of 7 days / mean of 28 days (coupled), NULL before 28 days of history',
      load_7d Float64 COMMENT 'TSS points; load of days d−6..d',
      load_28d Float64 COMMENT 'TSS points; load of days d−27..d',
      monotony Nullable(Float64) COMMENT 'ratio; Foster: mean / population SD of daily load d−6..d, NULL before 7 days of history or SD = 0',
      strain Nullable(Float64) COMMENT 'TSS points; load_7d × monotony',
      moving_time_7d_s UInt32 COMMENT 's; days d−6..d',
      moving_time_28d_s UInt32 COMMENT 's; days d−27..d',
      moving_time_90d_s UInt32 COMMENT 's; days d−89..d',
      distance_7d_m Float64 COMMENT 'm; days d−6..d',
      distance_28d_m Float64 COMMENT 'm; days d−27..d',
      distance_90d_m Float64 COMMENT 'm; days d−89..d',
      ride_avg_speed_28d_mps Nullable(Float64) COMMENT 'm/s; ride distance / ride moving time over d−27..d, NULL without rides',
      run_avg_speed_28d_mps Nullable(Float64) COMMENT 'm/s; run distance / run moving time over d−27..d, NULL without runs',
      swim_avg_speed_28d_mps Nullable(Float64) COMMENT 'm/s; swim distance / swim moving time over d−27..d, NULL without swims',
      days_since_last_activity UInt32 COMMENT 'days; 0 when there is an activity on as_of_date',
      run_id String COMMENT 'pipeline run that wrote the row',
      version UInt64 COMMENT 'version of that run; the newest row per key wins',
      computed_at DateTime64(3, 'UTC') COMMENT 'UTC; start of the run that wrote the row'
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (athlete_id, as_of_date)`,

    `CREATE TABLE IF NOT EXISTS ${db}.athlete_weekly_features (
      athlete_id String COMMENT 'athlete id',
      week_start Date COMMENT 'Monday of the ISO week, athlete local date',
      spine_days UInt8 COMMENT 'days of this week on the date spine (7 unless first or as-of week)',
      load Float64 COMMENT 'TSS points; sum of the week''s activity TSS, NULL TSS counted as 0',
      moving_time_s UInt32 COMMENT 's',
      distance_m Float64 COMMENT 'm',
      elevation_gain_m Float64 COMMENT 'm',
      below_z1_s Float64 COMMENT 's; heart rate below 50 % of max',
      z1_s Float64 COMMENT 's; heart rate in [50, 60) % of max',
      z2_s Float64 COMMENT 's; heart rate in [60, 70) % of max',
      z3_s Float64 COMMENT 's; heart rate in [70, 80) % of max',
      z4_s Float64 COMMENT 's; heart rate in [80, 90) % of max',
      z5_s Float64 COMMENT 's; heart rate at or above 90 % of max',
      monotony Nullable(Float64) COMMENT 'ratio; Foster over the week''s 7 daily loads, NULL unless all 7 days are on the spine, or SD = 0',
      strain Nullable(Float64) COMMENT 'TSS points; load × monotony',
      longest_session_s UInt32 COMMENT 's; longest activity moving time, 0 without activity',
      session_count UInt16 COMMENT 'activities',
      activities_without_tss UInt16 COMMENT 'activities whose TSS is NULL',
      run_id String COMMENT 'pipeline run that wrote the row',
      version UInt64 COMMENT 'version of that run; the newest row per key wins',
      computed_at DateTime64(3, 'UTC') COMMENT 'UTC; start of the run that wrote the row'
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (athlete_id, week_start)`,

    // Every definition ever synced stays (the key includes it), so a model can name the exact features it used.
    `CREATE TABLE IF NOT EXISTS ${db}.feature_registry (
      table_name LowCardinality(String),
      column_name String,
      definition String COMMENT 'feature@version, e.g. ctl@1; bumped whenever the computation changes',
      ch_type String COMMENT 'ClickHouse type of the column',
      unit String,
      description String,
      synced_at DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'UTC; last sync that changed this row'
    ) ENGINE = ReplacingMergeTree(synced_at) ORDER BY (table_name, column_name, definition)`,
  ],
};
