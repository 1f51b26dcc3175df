import type { FeatureSet } from '../point-in-time/feature-set.js';

/** The time estimator: predicts an activity's moving time (s) from what is known before it starts. */
export const MODEL_NAME = 'time_estimator';

/**
 * The athlete's state strictly before the activity's local date. Rolling rows exist for every spine day,
 * so a week of lookback only matters when the feature run lags; weekly rows are used once their week is over.
 */
export const FEATURE_SET: FeatureSet = {
  name: 'time_estimator_features',
  version: 1,
  features: [
    'rolling.ctl',
    'rolling.atl',
    'rolling.tsb',
    'rolling.acwr',
    'rolling.acwr_7_28',
    'rolling.monotony',
    'rolling.load_7d',
    'rolling.load_28d',
    'rolling.moving_time_7d_s',
    'rolling.moving_time_28d_s',
    'rolling.distance_7d_m',
    'rolling.distance_28d_m',
    'rolling.ride_avg_speed_28d_mps',
    'rolling.run_avg_speed_28d_mps',
    'rolling.swim_avg_speed_28d_mps',
    'rolling.days_since_last_activity',
    'weekly.longest_session_s',
    'weekly.load',
  ],
  maxLookbackDays: { rolling: 7, weekly: 14 },
};

/** SQL over a point-in-time row: the athlete's 28-day average speed for the row's sport (NULL without one). */
export const SPORT_SPEED_28D =
  "multiIf(sport = 'ride', `rolling.ride_avg_speed_28d_mps`, sport = 'run', `rolling.run_avg_speed_28d_mps`, " +
  "sport = 'swim', `rolling.swim_avg_speed_28d_mps`, NULL)";

export interface ModelInput {
  name: string;
  /** `name@version`: a feature's registry definition, or the input's own for what the planner knows */
  definition: string;
  /** SQL over a point-in-time row (label columns and `view.column` features) */
  sql: string;
}

const planned = (name: string, sql = name): ModelInput => ({ name, definition: `planned_${name}@1`, sql });
const feature = (ref: string, definition: string): ModelInput => ({ name: ref, definition, sql: `\`${ref}\`` });

/**
 * The model's inputs in order. First what a planner knows (sport as a code: ride 0, run 1, swim 2, other 3),
 * then derived inputs, then the feature set. Registry definitions are filled in by `modelInputs()`.
 */
export function modelInputs(definitions: readonly string[]): ModelInput[] {
  return [
    planned('sport_code', "transform(sport, ['ride', 'run', 'swim', 'other'], [0, 1, 2, 3], 3)"),
    planned('distance_m'),
    planned('elevation_gain_m'),
    planned('climb_m_per_km', 'if(distance_m > 0, elevation_gain_m / distance_m * 1000, NULL)'),
    planned('start_hour_local'),
    planned('weekday_local'),
    { name: 'sport_avg_speed_28d_mps', definition: 'sport_avg_speed_28d@1', sql: SPORT_SPEED_28D },
    { name: 'naive_time_s', definition: 'naive_time_s@1', sql: `distance_m / nullIf(${SPORT_SPEED_28D}, 0)` },
    ...FEATURE_SET.features.map((ref, i) => feature(ref, definitions[i]!)),
  ];
}
