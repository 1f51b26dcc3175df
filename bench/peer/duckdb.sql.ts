/**
 * The peer of the feature backfill, written independently in DuckDB SQL from the definitions
 * (shared/domain/training-load.md, features/activity/definitions.ts, features/athlete/definitions.ts), reading
 * the Parquet exports of the raw tables (bench/peer/export.sql.ts). It computes what bench/peer/compare.ts
 * checks against the product's tables: per activity NP, peaks, mean power and HR, HR zones, normalized speed
 * (grade-adjusted for runs with altitude), TSS by method; per athlete the daily load on the date spine,
 * CTL/ATL/TSB, 7/28-day load, monotony, strain; weekly load, zones, monotony, strain.
 *
 * Written the way a data engineer would in DuckDB: the samples read once with window functions (sample-and-hold
 * seconds from lead(t) per channel), the 1 Hz series expanded only where a rolling window needs it (power, grade-adjusted runs),
 * effective-dated thresholds by ASOF joins, CTL/ATL in closed form over a windowed sum.
 * Output columns are cast to the product's column types (Float32 where the product stores Float32).
 *
 * Paths are the bench's own temporary files (quoted), never input.
 */

const MAX_HELD_S = 5;
const quote = (path: string) => `'${path.replaceAll("'", "''")}'`;

export interface PeerPaths {
  /** Folder holding activities.parquet, activity_streams.parquet, athlete_thresholds.parquet, activity_deletions.parquet. */
  raw: string;
  /** Folder the peer writes activity.parquet, daily.parquet, rolling.parquet, weekly.parquet into. */
  out: string;
}

const raw = (p: PeerPaths, table: string) => `read_parquet(${quote(`${p.raw}/${table}.parquet`)})`;

/** Live activities: the newest deletion older than the newest version (or none). */
const activitiesSql = (p: PeerPaths) => `
CREATE TEMP TABLE acts AS
SELECT row_number() OVER ()::INTEGER AS act, a.athlete_id, a.activity_id, a.sport, a.local_date, a.moving_time_s, a.distance_m,
  nullif(a.avg_hr_bpm, 0)::DOUBLE AS summary_avg_hr, nullif(a.avg_power_w, 0)::DOUBLE AS summary_avg_power
FROM ${raw(p, 'activities')} AS a
LEFT JOIN (SELECT athlete_id, activity_id, max(deleted_at) AS deleted_at FROM ${raw(p, 'activity_deletions')} GROUP BY ALL) AS x
  ON x.athlete_id = a.athlete_id AND x.activity_id = a.activity_id
WHERE x.deleted_at IS NULL OR x.deleted_at < a.ingested_at`;

/**
 * The samples of live activities, read once, keyed by a small integer per activity, with the seconds each sample
 * stands for in each channel: the gap to the channel's next sample (lead over that channel's samples only, IGNORE
 * NULLS), at most 5 s; the channel's last sample 1 s. HR 0 is no reading; power 0 is a reading.
 */
const heldIn = (present: string) =>
  `least(coalesce(lead(CASE WHEN ${present} THEN t_s END IGNORE NULLS) OVER w, t_s + 1) - t_s, ${MAX_HELD_S})`;

const samplesSql = (p: PeerPaths) => `
CREATE TEMP TABLE samples AS
SELECT k.act, s.t_s, s.hr_bpm::INTEGER AS hr, s.power_w::BIGINT AS power, s.speed_mps::DOUBLE AS speed,
  CASE WHEN isnan(s.altitude_m) THEN NULL ELSE s.altitude_m END AS alt,
  ${heldIn('s.hr_bpm > 0')} AS hr_held,
  ${heldIn('s.power_w IS NOT NULL')} AS power_held,
  ${heldIn('s.speed_mps IS NOT NULL')} AS speed_held
FROM ${raw(p, 'activity_streams')} AS s
JOIN acts AS k ON k.athlete_id = s.athlete_id AND k.activity_id = s.activity_id
WINDOW w AS (PARTITION BY k.act ORDER BY s.t_s)`;

/** HR: seconds per bpm value (zones are cut later with the effective-dated max HR). */
const hrHistogramSql = `
CREATE TEMP TABLE hr_hist AS
SELECT act, hr AS bpm, sum(hr_held)::BIGINT AS seconds FROM samples WHERE hr > 0 GROUP BY ALL`;

/**
 * Power: the 1 Hz sample-and-hold series and its running sum; trailing 30 s / 5 min / 20 min sums as differences of
 * the running sum (lag), over full windows only (integer sums: exact).
 */
const powerSql = `
CREATE TEMP TABLE power_stats AS
WITH per_second AS (
  SELECT act, t_s, power AS v, unnest(range(power_held)) AS k FROM samples WHERE power IS NOT NULL
),
running AS (
  SELECT act, v, row_number() OVER w AS i, sum(v) OVER (w ROWS UNBOUNDED PRECEDING) AS c
  FROM per_second
  WINDOW w AS (PARTITION BY act ORDER BY t_s, k)
),
trailing_sums AS (
  SELECT act, v, i,
    c - lag(c, 30, 0) OVER w AS s30, c - lag(c, 300, 0) OVER w AS s300, c - lag(c, 1200, 0) OVER w AS s1200
  FROM running
  WINDOW w AS (PARTITION BY act ORDER BY i)
)
SELECT act, count(*) AS power_s, sum(v) / count(*) AS power_mean,
  pow(avg(pow(s30 / 30, 4)) FILTER (WHERE i >= 30), 0.25) AS np,
  max(s300) FILTER (WHERE i >= 300) / 300 AS peak_5min,
  max(s1200) FILTER (WHERE i >= 1200) / 1200 AS peak_20min
FROM trailing_sums GROUP BY ALL`;

/** Speed: held-weighted mean; whether any speed sample carries an altitude (NaN or NULL is none). */
const speedSql = `
CREATE TEMP TABLE speed_stats AS
SELECT act, sum(speed_held) AS speed_s, sum(speed * speed_held) / sum(speed_held) AS speed_mean,
  bool_or(alt IS NOT NULL) AS has_altitude
FROM samples WHERE speed IS NOT NULL GROUP BY ALL`;

/**
 * Grade-adjusted speed of runs with altitude (Minetti 2002): altitude filled forward (then backward for the
 * leading gap), the 1 Hz series, grade over ±15 s (clamped ends), 0 under 5 m, clamped to ±0.45.
 */
const gradeSql = `
CREATE TEMP TABLE grade_stats AS
WITH runs AS (
  SELECT s.act, s.t_s, s.speed AS v, s.speed_held AS held,
    coalesce(
      last_value(s.alt IGNORE NULLS) OVER (PARTITION BY s.act ORDER BY s.t_s ROWS UNBOUNDED PRECEDING),
      first_value(s.alt IGNORE NULLS) OVER (PARTITION BY s.act ORDER BY s.t_s ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)
    )::DOUBLE AS alt
  FROM samples AS s
  SEMI JOIN (SELECT st.act FROM speed_stats AS st JOIN acts AS a ON a.act = st.act
    WHERE st.has_altitude AND a.sport = 'run') AS r ON r.act = s.act
  WHERE s.speed IS NOT NULL
),
per_second AS (SELECT act, t_s, v, alt, unnest(range(held)) AS k FROM runs),
distance AS (
  SELECT *, sum(v) OVER (PARTITION BY act ORDER BY t_s, k ROWS UNBOUNDED PRECEDING) AS d
  FROM per_second
),
spans AS (
  SELECT act, v,
    coalesce(lead(alt, 15) OVER w, last_value(alt) OVER w_all) - coalesce(lag(alt, 15) OVER w, first_value(alt) OVER w_all) AS rise,
    coalesce(lead(d, 15) OVER w, last_value(d) OVER w_all) - coalesce(lag(d, 15) OVER w, first_value(d) OVER w_all) AS run
  FROM distance
  WINDOW w AS (PARTITION BY act ORDER BY t_s, k),
    w_all AS (PARTITION BY act ORDER BY t_s, k ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
),
graded AS (
  SELECT act, v,
    CASE WHEN run >= 5 THEN greatest(-0.45, least(0.45, rise / run)) ELSE 0 END AS g
  FROM spans
)
SELECT act,
  avg(v * (((((155.4 * g - 30.4) * g - 43.3) * g + 46.3) * g + 19.5) * g + 3.6) / 3.6) AS grade_adjusted_mean
FROM graded GROUP BY ALL`;

/** Each threshold field from the latest row on or before the activity's date where that field is set. */
const thresholdJoin = (p: PeerPaths, field: string) => `
  ASOF LEFT JOIN (SELECT athlete_id, effective_from, ${field}::DOUBLE AS ${field} FROM ${raw(p, 'athlete_thresholds')}
                  WHERE ${field} IS NOT NULL) AS t_${field}
    ON t_${field}.athlete_id = a.athlete_id AND a.local_date >= t_${field}.effective_from`;

const zone = (low: number | null, high: number | null) => {
  const bounds = [
    low === null ? null : `bpm * 100 >= ${low} * max_hr`,
    high === null ? null : `bpm * 100 < ${high} * max_hr`,
  ];
  return `coalesce(sum(h.seconds) FILTER (WHERE max_hr > 0 AND ${bounds.filter((b) => b).join(' AND ')}), 0)::FLOAT`;
};

const activityFeaturesSql = (p: PeerPaths) => `
CREATE TEMP TABLE peer_activity AS
WITH with_thresholds AS (
  SELECT a.*, t_ftp_w.ftp_w, t_lthr_bpm.lthr_bpm, coalesce(t_max_hr_bpm.max_hr_bpm, 0) AS max_hr,
    t_threshold_pace_s_per_km.threshold_pace_s_per_km AS pace
  FROM acts AS a
  ${thresholdJoin(p, 'ftp_w')}
  ${thresholdJoin(p, 'lthr_bpm')}
  ${thresholdJoin(p, 'max_hr_bpm')}
  ${thresholdJoin(p, 'threshold_pace_s_per_km')}
),
zones AS (
  SELECT h.act,
    sum(h.seconds) AS hr_s, sum(h.bpm * h.seconds) / sum(h.seconds) AS hr_mean, max(h.bpm) AS hr_max,
    ${zone(null, 50)} AS below_z1_s, ${zone(50, 60)} AS z1_s, ${zone(60, 70)} AS z2_s,
    ${zone(70, 80)} AS z3_s, ${zone(80, 90)} AS z4_s, ${zone(90, null)} AS z5_s
  FROM hr_hist AS h
  JOIN with_thresholds AS a ON a.act = h.act
  GROUP BY ALL
),
joined AS (
  SELECT a.*, z.hr_s, z.hr_mean, z.below_z1_s, z.z1_s, z.z2_s, z.z3_s, z.z4_s, z.z5_s,
    pw.power_s, pw.power_mean, pw.np, pw.peak_5min, pw.peak_20min,
    CASE WHEN a.moving_time_s > 0 THEN a.distance_m / a.moving_time_s ELSE 0 END AS avg_speed,
    CASE WHEN coalesce(sp.speed_s, 0) = 0 THEN avg_speed
         WHEN a.sport = 'run' AND sp.has_altitude THEN g.grade_adjusted_mean
         ELSE sp.speed_mean END AS normalized_speed,
    CASE WHEN z.hr_s > 0 THEN z.hr_mean ELSE a.summary_avg_hr END AS avg_hr,
    CASE WHEN pw.power_s > 0 THEN pw.np ELSE a.summary_avg_power END AS load_power
  FROM with_thresholds AS a
  LEFT JOIN zones AS z ON z.act = a.act
  LEFT JOIN power_stats AS pw ON pw.act = a.act
  LEFT JOIN speed_stats AS sp ON sp.act = a.act
  LEFT JOIN grade_stats AS g ON g.act = a.act
),
methods AS (
  SELECT *,
    CASE WHEN load_power IS NOT NULL AND ftp_w > 0 THEN 'power'
         WHEN avg_hr > 0 AND lthr_bpm > 0 THEN 'heart_rate'
         WHEN sport = 'run' AND normalized_speed > 0 AND pace > 0 THEN 'pace'
         ELSE 'none' END AS tss_method
  FROM joined
),
intensity AS (
  SELECT *,
    CASE tss_method WHEN 'power' THEN load_power / ftp_w WHEN 'heart_rate' THEN avg_hr / lthr_bpm
                    WHEN 'pace' THEN normalized_speed * pace / 1000 END AS intensity
  FROM methods
)
SELECT athlete_id, activity_id, local_date, sport, moving_time_s, distance_m,
  avg_hr::FLOAT AS avg_hr_bpm, (CASE WHEN power_s > 0 THEN power_mean ELSE summary_avg_power END)::FLOAT AS avg_power_w,
  np::FLOAT AS np_w, peak_5min::FLOAT AS peak_5min_power_w, peak_20min::FLOAT AS peak_20min_power_w,
  coalesce(normalized_speed, 0)::FLOAT AS normalized_speed_mps,
  intensity::FLOAT AS intensity_factor, (moving_time_s * intensity * intensity / 3600 * 100)::FLOAT AS tss, tss_method,
  coalesce(below_z1_s, 0)::FLOAT AS below_z1_s, coalesce(z1_s, 0)::FLOAT AS z1_s, coalesce(z2_s, 0)::FLOAT AS z2_s,
  coalesce(z3_s, 0)::FLOAT AS z3_s, coalesce(z4_s, 0)::FLOAT AS z4_s, coalesce(z5_s, 0)::FLOAT AS z5_s,
  coalesce(hr_s, 0)::FLOAT AS hr_covered_s
FROM intensity`;

/** The date spine from each athlete's first activity day to the as-of date; rest days load 0. */
const dailySql = (asOf: string) => `
CREATE TEMP TABLE peer_daily AS
WITH firsts AS (
  SELECT athlete_id, min(local_date) AS first_date FROM peer_activity WHERE local_date <= DATE '${asOf}' GROUP BY ALL
),
spine AS (
  SELECT athlete_id, first_date, unnest(generate_series(first_date, DATE '${asOf}', INTERVAL 1 DAY))::DATE AS date FROM firsts
),
per_day AS (
  SELECT athlete_id, local_date AS date, sum(coalesce(tss, 0)::DOUBLE) AS load, sum(moving_time_s) AS moving_time_s,
    count(*) AS activity_count, sum(distance_m) AS distance_m
  FROM peer_activity WHERE local_date <= DATE '${asOf}' GROUP BY ALL
)
SELECT s.athlete_id, s.date, s.first_date, coalesce(d.load, 0) AS load,
  coalesce(d.moving_time_s, 0)::UINTEGER AS moving_time_s, coalesce(d.activity_count, 0)::USMALLINT AS activity_count,
  coalesce(d.distance_m, 0) AS distance_m
FROM spine AS s LEFT JOIN per_day AS d ON d.athlete_id = s.athlete_id AND d.date = s.date`;

/**
 * CTL/ATL: X[d] = (1 − e^(−1/N)) Σ_{j≤d} load[j] e^(−(d−j)/N), as e^(−k/N) Σ load[j] e^(j/N) with k days since the
 * first day (every term positive, so no cancellation; fine for histories under about 13 years at N = 7).
 * TSB is the previous day's CTL − ATL (0 on the first day). Monotony: Foster over the last 7 days.
 */
const rollingSql = `
CREATE TEMP TABLE peer_rolling AS
WITH days AS (
  SELECT *, (date - first_date)::INTEGER AS k FROM peer_daily
),
windowed AS (
  SELECT athlete_id, date, k,
    (1 - exp(-1 / 42)) * exp(-k / 42) * sum(load * exp(k / 42)) OVER w_run AS ctl,
    (1 - exp(-1 / 7)) * exp(-k / 7) * sum(load * exp(k / 7)) OVER w_run AS atl,
    sum(load) OVER (w_run ROWS 6 PRECEDING) AS load_7d,
    sum(load) OVER (w_run ROWS 27 PRECEDING) AS load_28d,
    avg(load) OVER (w_run ROWS 6 PRECEDING) AS mean_7d,
    stddev_pop(load) OVER (w_run ROWS 6 PRECEDING) AS sd_7d,
    min(load) OVER (w_run ROWS 6 PRECEDING) AS min_7d,
    max(load) OVER (w_run ROWS 6 PRECEDING) AS max_7d
  FROM days
  WINDOW w_run AS (PARTITION BY athlete_id ORDER BY date)
)
SELECT athlete_id, date AS as_of_date, (k + 1)::UINTEGER AS history_days, ctl, atl,
  coalesce(lag(ctl) OVER w, 0) - coalesce(lag(atl) OVER w, 0) AS tsb,
  load_7d, load_28d,
  CASE WHEN k + 1 < 7 OR min_7d = max_7d THEN NULL ELSE mean_7d / sd_7d END AS monotony,
  load_7d * monotony AS strain
FROM windowed
WINDOW w AS (PARTITION BY athlete_id ORDER BY date)`;

/** Monday weeks of the spine; Foster over Monday..Sunday only when all 7 days are on the spine. */
const weeklySql = (asOf: string) => `
CREATE TEMP TABLE peer_weekly AS
WITH weeks AS (
  SELECT athlete_id, date_trunc('week', date)::DATE AS week_start, count(*) AS spine_days, sum(load) AS load,
    min(load) AS min_load, max(load) AS max_load, list(load) AS loads, sum(activity_count) AS session_count
  FROM peer_daily GROUP BY ALL
),
zones AS (
  SELECT athlete_id, date_trunc('week', local_date)::DATE AS week_start,
    sum(z1_s::DOUBLE) AS z1_s, sum(z2_s::DOUBLE) AS z2_s, sum(z3_s::DOUBLE) AS z3_s,
    sum(z4_s::DOUBLE) AS z4_s, sum(z5_s::DOUBLE) AS z5_s, max(moving_time_s) AS longest_session_s
  FROM peer_activity WHERE local_date <= DATE '${asOf}' GROUP BY ALL
)
SELECT w.athlete_id, w.week_start, w.spine_days::UTINYINT AS spine_days, w.load,
  coalesce(z.z1_s, 0) AS z1_s, coalesce(z.z2_s, 0) AS z2_s, coalesce(z.z3_s, 0) AS z3_s,
  coalesce(z.z4_s, 0) AS z4_s, coalesce(z.z5_s, 0) AS z5_s,
  CASE WHEN w.spine_days < 7 OR w.min_load = w.max_load THEN NULL
       ELSE (w.load / 7) / sqrt(list_sum(list_transform(w.loads, x -> (x - w.load / 7) * (x - w.load / 7))) / 7) END AS monotony,
  w.load * monotony AS strain, w.session_count::USMALLINT AS session_count
FROM weeks AS w LEFT JOIN zones AS z ON z.athlete_id = w.athlete_id AND z.week_start = w.week_start`;

const writeSql = (p: PeerPaths) =>
  ['activity', 'daily', 'rolling', 'weekly']
    .map((t) => `COPY peer_${t} TO ${quote(`${p.out}/${t}.parquet`)} (FORMAT parquet)`)
    .join(';\n');

/** The peer's statements in order, each timed by the runner. asOf: 'YYYY-MM-DD' (validated by the caller). */
export function peerStatements(p: PeerPaths, asOf: string): Array<[string, string]> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new Error(`asOf must be 'YYYY-MM-DD', got "${asOf}"`);
  return [
    ['activities', activitiesSql(p)],
    ['samples (held seconds)', samplesSql(p)],
    ['hr histogram', hrHistogramSql],
    ['power (1 Hz, NP, peaks)', powerSql],
    ['speed', speedSql],
    ['grade-adjusted speed', gradeSql],
    ['activity features', activityFeaturesSql(p)],
    ['daily', dailySql(asOf)],
    ['rolling', rollingSql],
    ['weekly', weeklySql(asOf)],
    ['write Parquet', writeSql(p)],
  ];
}
