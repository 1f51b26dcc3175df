import type { FeatureDefinition } from '../catalog.js';

/**
 * Registry entries of the athlete tables (clickhouse/migrations/0004_athlete_features.ts).
 * Bump a definition's @version whenever its computation changes, so trained models can tell.
 */

const SPORT_NAMES = { ride: 'rides', run: 'runs', swim: 'swims', other: 'other sports' } as const;

const daily = (column: string, type: string, unit: string, description: string): FeatureDefinition => ({
  table: 'athlete_daily_features',
  column,
  type,
  unit,
  description,
  definition: `daily_${column}@1`,
});

const dailyPerSport = Object.entries(SPORT_NAMES).flatMap(([sport, name]) => [
  daily(`${sport}_load`, 'Float64', 'TSS points', `Sum of TSS of the day's ${name} (NULL TSS counted as 0).`),
  daily(`${sport}_moving_time_s`, 'UInt32', 's', `Moving time of the day's ${name}.`),
  daily(`${sport}_distance_m`, 'Float64', 'm', `Distance of the day's ${name}.`),
  daily(`${sport}_activity_count`, 'UInt16', 'activities', `Number of the day's ${name}.`),
]);

export const DAILY_FEATURES: FeatureDefinition[] = [
  daily(
    'load',
    'Float64',
    'TSS points',
    "Sum of the day's activity TSS; an activity without TSS counts 0. Rest days on the date spine are 0.",
  ),
  daily('moving_time_s', 'UInt32', 's', "Sum of the day's activity moving time."),
  daily('distance_m', 'Float64', 'm', "Sum of the day's activity distance."),
  daily('elevation_gain_m', 'Float64', 'm', "Sum of the day's activity elevation gain."),
  daily('activity_count', 'UInt16', 'activities', 'Activities on the day (athlete local start date).'),
  daily(
    'activities_without_tss',
    'UInt16',
    'activities',
    'Activities on the day whose TSS is NULL (no method available).',
  ),
  ...dailyPerSport,
];

const rolling = (
  column: string,
  type: string,
  unit: string,
  description: string,
  definition: string,
): FeatureDefinition => ({
  table: 'athlete_rolling_features',
  column,
  type,
  unit,
  description,
  definition,
});

const speed28d = (sport: 'ride' | 'run' | 'swim'): FeatureDefinition =>
  rolling(
    `${sport}_avg_speed_28d_mps`,
    'Nullable(Float64)',
    'm/s',
    `Distance of ${SPORT_NAMES[sport]} / their moving time over days d−27..d; NULL without ${SPORT_NAMES[sport]}.`,
    `${sport}_avg_speed_28d@1`,
  );

export const ROLLING_FEATURES: FeatureDefinition[] = [
  rolling(
    'history_days',
    'UInt32',
    'days',
    'Days on the date spine up to and including as_of_date (1 on the first activity day).',
    'history_days@1',
  ),
  rolling(
    'ctl',
    'Float64',
    'TSS points/day',
    'Chronic training load: X[d] = X[d−1]·e^(−1/42) + load[d]·(1 − e^(−1/42)), from 0 the day before the first activity.',
    'ctl@1',
  ),
  rolling(
    'atl',
    'Float64',
    'TSS points/day',
    'Acute training load: X[d] = X[d−1]·e^(−1/7) + load[d]·(1 − e^(−1/7)), from 0 the day before the first activity.',
    'atl@1',
  ),
  rolling(
    'tsb',
    'Float64',
    'TSS points/day',
    'Training stress balance: CTL[d−1] − ATL[d−1] (yesterday; 0 on the first activity day).',
    'tsb@1',
  ),
  rolling('acwr', 'Nullable(Float64)', 'ratio', 'ATL / CTL; NULL when CTL = 0.', 'acwr@1'),
  rolling(
    'acwr_7_28',
    'Nullable(Float64)',
    'ratio',
    'Mean daily load d−6..d / mean daily load d−27..d (coupled); NULL before 28 days of history or when the 28-day load is 0.',
    'acwr_7_28@1',
  ),
  rolling('load_7d', 'Float64', 'TSS points', 'Sum of daily load d−6..d.', 'load_7d@1'),
  rolling('load_28d', 'Float64', 'TSS points', 'Sum of daily load d−27..d.', 'load_28d@1'),
  rolling(
    'monotony',
    'Nullable(Float64)',
    'ratio',
    'Foster: mean / population SD of daily load d−6..d, rest days 0; NULL before 7 days of history or when SD = 0.',
    'monotony@1',
  ),
  rolling(
    'strain',
    'Nullable(Float64)',
    'TSS points',
    'Foster: load_7d × monotony; NULL when monotony is.',
    'strain@1',
  ),
  rolling('moving_time_7d_s', 'UInt32', 's', 'Moving time over days d−6..d.', 'moving_time_7d@1'),
  rolling('moving_time_28d_s', 'UInt32', 's', 'Moving time over days d−27..d.', 'moving_time_28d@1'),
  rolling('moving_time_90d_s', 'UInt32', 's', 'Moving time over days d−89..d.', 'moving_time_90d@1'),
  rolling('distance_7d_m', 'Float64', 'm', 'Distance over days d−6..d.', 'distance_7d@1'),
  rolling('distance_28d_m', 'Float64', 'm', 'Distance over days d−27..d.', 'distance_28d@1'),
  rolling('distance_90d_m', 'Float64', 'm', 'Distance over days d−89..d.', 'distance_90d@1'),
  speed28d('ride'),
  speed28d('run'),
  speed28d('swim'),
  rolling(
    'days_since_last_activity',
    'UInt32',
    'days',
    'Days since the last day with an activity, 0 when there is one on as_of_date.',
    'days_since_last_activity@1',
  ),
];

const weekly = (column: string, type: string, unit: string, description: string): FeatureDefinition => ({
  table: 'athlete_weekly_features',
  column,
  type,
  unit,
  description,
  definition: `weekly_${column}@1`,
});

const ZONES = [
  ['below_z1_s', 'below 50 %'],
  ['z1_s', 'in [50, 60) %'],
  ['z2_s', 'in [60, 70) %'],
  ['z3_s', 'in [70, 80) %'],
  ['z4_s', 'in [80, 90) %'],
  ['z5_s', 'at or above 90 %'],
] as const;

export const WEEKLY_FEATURES: FeatureDefinition[] = [
  weekly(
    'spine_days',
    'UInt8',
    'days',
    'Days of the ISO week (Monday..Sunday) on the date spine: 7 except the first activity week and the as-of week.',
  ),
  weekly('load', 'Float64', 'TSS points', "Sum of the week's activity TSS (NULL TSS counted as 0)."),
  weekly('moving_time_s', 'UInt32', 's', "Sum of the week's activity moving time."),
  weekly('distance_m', 'Float64', 'm', "Sum of the week's activity distance."),
  weekly('elevation_gain_m', 'Float64', 'm', "Sum of the week's activity elevation gain."),
  ...ZONES.map(([column, band]) =>
    weekly(column, 'Float64', 's', `Time with heart rate ${band} of max HR, summed over the week's activities.`),
  ),
  weekly(
    'monotony',
    'Nullable(Float64)',
    'ratio',
    "Foster over the week's 7 daily loads (mean / population SD); NULL unless all 7 days are on the spine, or when SD = 0.",
  ),
  weekly('strain', 'Nullable(Float64)', 'TSS points', 'Weekly load × weekly monotony.'),
  weekly('longest_session_s', 'UInt32', 's', "Longest moving time of the week's activities; 0 without activity."),
  weekly('session_count', 'UInt16', 'activities', 'Activities in the week.'),
  weekly('activities_without_tss', 'UInt16', 'activities', 'Activities in the week whose TSS is NULL.'),
];
