import type { FeatureDefinition } from '../catalog.js';

const activity = (column: string, type: string, unit: string, description: string): FeatureDefinition => ({
  table: 'activity_features',
  column,
  type,
  unit,
  description,
  definition: `activity_${column}@1`,
});

const zoneShare = (zone: string, band: string) =>
  activity(
    `${zone}_share`,
    'Float32',
    'ratio',
    `${zone}_s / hr_covered_s: share of HR-covered time with heart rate ${band} of max HR.`,
  );

/**
 * activity_features (migration 0003, owned by the activity-features step; how each column is computed:
 * features/activity/). First the contract columns the athlete tables read, then that step's further
 * columns: a column added to or changed in 0003 is registered HERE, with a bumped @version on change.
 */
export const ACTIVITY_FEATURES: FeatureDefinition[] = [
  // Contract read by features/athlete/.
  activity('sport', 'LowCardinality(String)', 'category', 'ride, run, swim or other.'),
  activity('moving_time_s', 'UInt32', 's', 'Moving time from the activity summary; the TSS duration.'),
  activity('distance_m', 'Float64', 'm', 'Distance.'),
  activity('elevation_gain_m', 'Float32', 'm', 'Elevation gain.'),
  activity('avg_speed_mps', 'Float32', 'm/s', 'Distance / moving time (0 when moving time is 0).'),
  activity(
    'tss',
    'Nullable(Float32)',
    'TSS points',
    'moving_time_s × IF² / 3600 × 100 by the first method the data allows; NULL when tss_method = none.',
  ),
  activity('tss_method', 'LowCardinality(String)', 'category', 'power, heart_rate, pace or none.'),
  activity('below_z1_s', 'Float32', 's', 'HR time below 50 % of max HR.'),
  activity('z1_s', 'Float32', 's', 'HR time in [50, 60) % of max HR.'),
  activity('z2_s', 'Float32', 's', 'HR time in [60, 70) % of max HR.'),
  activity('z3_s', 'Float32', 's', 'HR time in [70, 80) % of max HR.'),
  activity('z4_s', 'Float32', 's', 'HR time in [80, 90) % of max HR.'),
  activity('z5_s', 'Float32', 's', 'HR time at or above 90 % of max HR.'),
  // Further columns of the activity-features step (descriptions from the 0003 column comments).
  activity('start_time_utc', "DateTime('UTC')", 'UTC', 'Start time.'),
  activity('start_hour_local', 'UInt8', 'hour', 'Hour of the local start time, 0-23.'),
  activity('weekday_local', 'UInt8', 'weekday', 'Local start weekday, 1 = Monday .. 7 = Sunday.'),
  activity('elapsed_time_s', 'UInt32', 's', 'Elapsed time.'),
  activity(
    'normalized_speed_mps',
    'Float32',
    'm/s',
    'Runs with an altitude stream: grade-adjusted speed (Minetti 2002 running cost), else moving speed.',
  ),
  activity('climb_m_per_km', 'Nullable(Float32)', 'm/km', 'Elevation gain / distance; NULL without distance.'),
  activity(
    'avg_hr_bpm',
    'Nullable(Float32)',
    'bpm',
    'Time-weighted mean of non-zero HR samples, else the summary value.',
  ),
  activity('max_hr_bpm_observed', 'Nullable(Float32)', 'bpm', 'Highest HR sample, else the summary value.'),
  activity(
    'avg_power_w',
    'Nullable(Float32)',
    'W',
    'Mean of the 1 Hz power series over moving time, else the summary value.',
  ),
  activity(
    'np_w',
    'Nullable(Float32)',
    'W',
    'Normalized Power over moving time, full 30 s windows only; NULL without 30 s of power samples.',
  ),
  activity('peak_5min_power_w', 'Nullable(Float32)', 'W', 'Best 300 s mean of the 1 Hz power series.'),
  activity('peak_20min_power_w', 'Nullable(Float32)', 'W', 'Best 1200 s mean of the 1 Hz power series.'),
  activity('variability_index', 'Nullable(Float32)', 'ratio', 'NP / mean power.'),
  activity(
    'efficiency_basis',
    'LowCardinality(String)',
    'category',
    'What efficiency_factor and aerobic_decoupling_pct use: power, speed or none.',
  ),
  activity(
    'efficiency_factor',
    'Nullable(Float32)',
    'W/bpm or (m/min)/bpm',
    'Power basis: NP (or stand-in) / avg HR; speed basis: normalized speed / avg HR.',
  ),
  activity(
    'aerobic_decoupling_pct',
    'Nullable(Float32)',
    '%',
    '(EF first half − EF second half) / EF first half × 100 over moving time.',
  ),
  activity('intensity_factor', 'Nullable(Float32)', 'ratio', 'Ratio to threshold, by tss_method.'),
  activity('ftp_w', 'Nullable(Float32)', 'W', 'FTP used (effective-dated).'),
  activity('lthr_bpm', 'Nullable(Float32)', 'bpm', 'LTHR used (effective-dated).'),
  activity('max_hr_bpm', 'Nullable(Float32)', 'bpm', 'Max HR used for zones (effective-dated threshold).'),
  activity('threshold_pace_s_per_km', 'Nullable(Float32)', 's/km', 'Threshold pace used (effective-dated).'),
  activity('hr_covered_s', 'Float32', 's', 'Seconds the non-zero HR samples stand for.'),
  activity(
    'hr_coverage',
    'Float32',
    'ratio',
    'hr_covered_s / moving_time_s (can exceed 1 if the stream outlasts the summary).',
  ),
  zoneShare('below_z1', 'below 50 %'),
  zoneShare('z1', 'in [50, 60) %'),
  zoneShare('z2', 'in [60, 70) %'),
  zoneShare('z3', 'in [70, 80) %'),
  zoneShare('z4', 'in [80, 90) %'),
  zoneShare('z5', 'at or above 90 %'),
  activity('has_stream', 'UInt8', 'flag', '1 when the activity has stream samples, 0 when only the summary exists.'),
];
