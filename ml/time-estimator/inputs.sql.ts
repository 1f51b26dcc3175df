import type { Database } from '../../clickhouse/sql.js';
import { pointInTimeSql } from '../point-in-time/lookup.sql.js';
import { FEATURE_SET, SPORT_SPEED_28D, type ModelInput } from './spec.js';

/**
 * Label rows, the contract of `inputRowsSql`: row_id, athlete_id, label_date, sport, distance_m Float64,
 * elevation_gain_m Float64, start_hour_local Nullable(UInt8), weekday_local UInt8, target_s Nullable(Float64).
 */
export const completedActivityLabels = (db: Database) => `
  SELECT activity_id AS row_id, athlete_id, local_date AS label_date, toString(sport) AS sport, distance_m,
    toFloat64(elevation_gain_m) AS elevation_gain_m, toNullable(start_hour_local) AS start_hour_local, weekday_local,
    toNullable(toFloat64(moving_time_s)) AS target_s
  FROM ${db}.activity_features FINAL
  WHERE local_date >= {labelsFrom:Date} AND local_date < {labelsTo:Date} AND distance_m > 0 AND moving_time_s > 0`;

export const plannedActivityLabels = (db: Database) => `
  SELECT planned_id AS row_id, athlete_id, planned_date AS label_date, toString(sport) AS sport, distance_m, elevation_gain_m,
    start_hour_local, toUInt8(toDayOfWeek(planned_date)) AS weekday_local, CAST(NULL AS Nullable(Float64)) AS target_s
  FROM ${db}.planned_activities FINAL
  WHERE planned_date >= {labelsFrom:Date} AND planned_date < {labelsTo:Date}`;

/**
 * Each label row with its model input vector (NULL = missing), the vector's hash and the naive baseline:
 * distance ÷ the athlete's 28-day average speed for the sport, else the sport's median activity speed
 * before {medianBefore:Date}, else the median over all sports. Training sets and inference both use it.
 */
export const inputRowsSql = (db: Database, inputs: ModelInput[], labels: string) => `
  WITH medians_source AS (
    SELECT toString(sport) AS sport, avg_speed_mps FROM ${db}.activity_features FINAL
    WHERE local_date < {medianBefore:Date} AND avg_speed_mps > 0)
  SELECT row_id, athlete_id, label_date, sport, target_s, features, cityHash64(features) AS feature_hash,
    distance_m / coalesce(nullIf(${SPORT_SPEED_28D}, 0), nullIf(m.median_speed, 0), (SELECT median(avg_speed_mps) FROM medians_source)) AS baseline_s
  FROM (
    SELECT *, [${inputs.map((i) => `toNullable(toFloat64(${i.sql}))`).join(', ')}] AS features
    FROM (${pointInTimeSql(db, FEATURE_SET, labels)})
  ) AS p
  LEFT JOIN (SELECT sport AS median_sport, median(avg_speed_mps) AS median_speed FROM medians_source GROUP BY sport) AS m
    ON m.median_sport = p.sport`;
