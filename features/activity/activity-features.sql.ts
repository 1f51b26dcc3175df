import type { Database } from '../../clickhouse/sql.js';
import { computedAtSql } from '../pipeline/runs.sql.js';
import { activityThresholdsCte, scopedActivitiesCtes } from './scoped-activities.sql.js';
import { streamStatsCtes } from './stream-stats.sql.js';

/**
 * Seconds at HR in [lowPct, highPct) of max HR, from the per-bpm histogram; 0 without a max HR.
 * Compared as bpm × 100 against pct × max HR, so a reading exactly on an edge is exact (no 0.6-style rounding).
 */
const zoneSeconds = (lowPct: number | null, highPct: number | null) => {
  const bounds = [
    lowPct === null ? null : `bpm * 100 >= ${lowPct} * zone_max_hr`,
    highPct === null ? null : `bpm * 100 < ${highPct} * zone_max_hr`,
  ].filter((b) => b !== null);
  return `if(zone_max_hr > 0,
    arraySum((bpm, s) -> if(${bounds.join(' AND ')}, s, 0), tupleElement(ss.hr_histogram, 1), tupleElement(ss.hr_histogram, 2)), 0)`;
};

const share = (seconds: string) => `if(hr_covered_s > 0, ${seconds} / hr_covered_s, 0)`;

/** The feature columns, in table order; run_id, version and computed_at follow. */
const FEATURE_COLUMNS = `
  athlete_id, activity_id, local_date, sport, start_time_utc, start_hour_local, weekday_local,
  moving_time_s, elapsed_time_s, distance_m, elevation_gain_m, avg_speed_mps, normalized_speed_mps, climb_m_per_km,
  avg_hr_bpm, max_hr_bpm_observed, avg_power_w, np_w, peak_5min_power_w, peak_20min_power_w, variability_index,
  efficiency_basis, efficiency_factor, aerobic_decoupling_pct,
  intensity_factor, tss, tss_method, ftp_w, lthr_bpm, max_hr_bpm, threshold_pace_s_per_km,
  below_z1_s, z1_s, z2_s, z3_s, z4_s, z5_s, hr_covered_s, hr_coverage,
  below_z1_share, z1_share, z2_share, z3_share, z4_share, z5_share,
  has_stream`;

/** Every output column by name, plus the intermediate values they are built from. */
const featureValues = `
  SELECT
    a.athlete_id AS athlete_id, a.activity_id AS activity_id, a.local_date AS local_date, a.sport AS sport,
    a.start_time_utc AS start_time_utc,
    toHour(a.start_time_utc + toIntervalMinute(a.utc_offset_min)) AS start_hour_local,
    toDayOfWeek(a.local_date) AS weekday_local,
    a.moving_time_s AS moving_time_s, a.elapsed_time_s AS elapsed_time_s, a.distance_m AS distance_m,
    a.elevation_gain_m AS elevation_gain_m,
    if(a.moving_time_s > 0, a.distance_m / a.moving_time_s, 0) AS avg_speed_mps,
    ifNull(multiIf(ss.speed_s = 0, avg_speed_mps, ss.grade_adjusted, ss.grade_adjusted_mean, ss.speed_mean), 0) AS normalized_speed_mps,
    if(a.distance_m > 0, a.elevation_gain_m / (a.distance_m / 1000), NULL) AS climb_m_per_km,

    if(ss.hr_s > 0, ss.hr_mean, a.summary_avg_hr_bpm) AS avg_hr_bpm,
    if(ss.hr_s > 0, ss.hr_max, a.summary_max_hr_bpm) AS max_hr_bpm_observed,
    if(ss.power_s > 0, ss.power_mean, a.summary_avg_power_w) AS avg_power_w,
    ss.np AS np_w, ss.peak_5min AS peak_5min_power_w, ss.peak_20min AS peak_20min_power_w,
    if(ss.power_mean > 0, ss.np / ss.power_mean, NULL) AS variability_index,

    -- NP, or without power samples the summary average power as its stand-in.
    if(ss.power_s > 0, ss.np, a.summary_avg_power_w) AS load_power,
    multiIf(load_power IS NOT NULL, 'power', normalized_speed_mps > 0, 'speed', 'none') AS efficiency_basis,
    if(avg_hr_bpm > 0,
      multiIf(efficiency_basis = 'power', load_power / avg_hr_bpm,
              efficiency_basis = 'speed', normalized_speed_mps * 60 / avg_hr_bpm, NULL),
      NULL) AS efficiency_factor,
    multiIf(efficiency_basis = 'power', ss.power_first_half, ss.grade_adjusted, ss.grade_adjusted_first_half, ss.speed_first_half) AS output_first_half,
    multiIf(efficiency_basis = 'power', ss.power_second_half, ss.grade_adjusted, ss.grade_adjusted_second_half, ss.speed_second_half) AS output_second_half,
    if(efficiency_basis != 'none' AND output_first_half > 0 AND ss.hr_first_half > 0 AND ss.hr_second_half > 0,
      (output_first_half / ss.hr_first_half - output_second_half / ss.hr_second_half) / (output_first_half / ss.hr_first_half) * 100,
      NULL) AS aerobic_decoupling_pct,

    multiIf(
      load_power IS NOT NULL AND thr.ftp_w > 0, 'power',
      avg_hr_bpm > 0 AND thr.lthr_bpm > 0, 'heart_rate',
      a.sport = 'run' AND normalized_speed_mps > 0 AND thr.threshold_pace_s_per_km > 0, 'pace',
      'none') AS tss_method,
    multiIf(
      tss_method = 'power', load_power / thr.ftp_w,
      tss_method = 'heart_rate', avg_hr_bpm / thr.lthr_bpm,
      -- threshold speed = 1000 m / threshold pace
      tss_method = 'pace', normalized_speed_mps * thr.threshold_pace_s_per_km / 1000,
      NULL) AS intensity_factor,
    a.moving_time_s * intensity_factor * intensity_factor / 3600 * 100 AS tss,
    thr.ftp_w AS ftp_w, thr.lthr_bpm AS lthr_bpm, thr.max_hr_bpm AS max_hr_bpm,
    thr.threshold_pace_s_per_km AS threshold_pace_s_per_km,

    ifNull(thr.max_hr_bpm, 0) AS zone_max_hr,
    ${zoneSeconds(null, 50)} AS below_z1_s,
    ${zoneSeconds(50, 60)} AS z1_s,
    ${zoneSeconds(60, 70)} AS z2_s,
    ${zoneSeconds(70, 80)} AS z3_s,
    ${zoneSeconds(80, 90)} AS z4_s,
    ${zoneSeconds(90, null)} AS z5_s,
    ss.hr_s AS hr_covered_s,
    if(a.moving_time_s > 0, hr_covered_s / a.moving_time_s, 0) AS hr_coverage,
    ${share('below_z1_s')} AS below_z1_share, ${share('z1_s')} AS z1_share, ${share('z2_s')} AS z2_share,
    ${share('z3_s')} AS z3_share, ${share('z4_s')} AS z4_share, ${share('z5_s')} AS z5_share,
    ss.sample_count > 0 AS has_stream
  FROM scoped_activities AS a
  LEFT JOIN activity_thresholds AS thr ON thr.athlete_id = a.athlete_id AND thr.activity_id = a.activity_id
  LEFT JOIN stream_stats AS ss ON ss.athlete_id = a.athlete_id AND ss.activity_id = a.activity_id`;

/**
 * The feature row of every scoped activity, in one statement: summary and thresholds joined to the
 * per-activity stream statistics. Parameters: {runId:String}, {bucket:UInt16}, {version:UInt64}.
 *
 * Choices beyond shared/domain/training-load.md:
 * - Stream values win over summary values (avg HR, max HR, avg power) when the stream has that channel.
 * - No power samples: NP is unknown and the summary average power stands in for it in the power method
 *   (IF = avg power / FTP) and in efficiency_factor; np_w stays NULL. A stream with power samples but
 *   under 30 s has NP NULL and no stand-in: the method falls through to heart_rate.
 * - normalized speed: for runs with an altitude stream, the grade-adjusted speed (Minetti 2002 running
 *   cost, see series.sql.ts); otherwise the moving speed (stream mean, or summary distance / moving
 *   time). Other sports are never grade-adjusted: the cost model is for running.
 * - Zones need the effective max HR: without one every zone is 0 (hr_covered_s still counts).
 * - TSS duration is the summary moving_time_s (every activity has it); the streams' own covered seconds
 *   only weight the stream averages. hr_coverage = hr_covered_s / moving_time_s is not clamped.
 * - efficiency_factor and aerobic_decoupling_pct share efficiency_basis: power when a load power exists
 *   (NP or its stand-in), else speed. Decoupling needs streams: each half's mean output (power, or the
 *   normalized speed of each second) over that half's mean HR, halves split at the midpoint of each
 *   stream's own moving time (mean power, as intervals.icu's Pw:HR, not NP per half).
 * - computed_at is the run's recorded start (as the athlete steps do), so a re-run writes identical rows.
 */
export const insertActivityFeaturesSql = (db: Database) => `
INSERT INTO ${db}.activity_features (${FEATURE_COLUMNS}, run_id, version, computed_at)
WITH ${scopedActivitiesCtes(db)},
  ${activityThresholdsCte(db)},
  ${streamStatsCtes(db)}
SELECT ${FEATURE_COLUMNS},
  {runId:String} AS run_id, {version:UInt64} AS version, ${computedAtSql(db)} AS computed_at
FROM (${featureValues})`;

/** How many activities a run and bucket covers: the rows the insert above writes. Parameters: runId, bucket. */
export const scopedActivityCountSql = (db: Database) => `
WITH ${scopedActivitiesCtes(db)}
SELECT count() AS n FROM scoped_activities`;
