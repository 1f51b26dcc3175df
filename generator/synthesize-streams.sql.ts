import type { Database } from '../clickhouse/sql.js';

/**
 * The 1 Hz synthesis, all in ClickHouse: each plan row is expanded by ARRAY JOIN into its moving
 * seconds m = 0 … moving_s - 1 (plus one dirty sample outside the activity when asked for). The stop
 * is left out by shifting t past it. Noise comes from cityHash64(seed, m, channel), never rand(), so
 * the same plans always give the same samples. Every varying term is zero-mean over the moving time:
 * sin over whole altitude cycles, hard/easy blocks paired with opposite signs, drift centred on the
 * middle sample, uniform noise on [-1, 1]. That is what makes the stream means equal the summary.
 */

/** Uniform noise on [-1, 1] for one channel (constant SQL text, no input). */
function noise(channel: number, position = 'm'): string {
  return `(cityHash64(seed, ${position}, ${channel}) % 20001 / 10000 - 1)`;
}

const CHANNEL = { power: 1, hr: 2, speed: 3, cadence: 4, block: 5 } as const;

/** Heart rate climbs from hr_warmup_bpm below its level with this time constant (s). */
export const WARMUP_TAU_S = 90;

/**
 * The warm-up dip's mean over n samples, so the term can be centred exactly:
 * warmup × Σ exp(-m/τ) / n, a geometric sum.
 */
export function warmupMean(warmupBpm: number, n: number): number {
  return (warmupBpm * (1 - Math.exp(-n / WARMUP_TAU_S))) / (1 - Math.exp(-1 / WARMUP_TAU_S)) / n;
}

export const streamRowCount = (db: Database): string =>
  `SELECT toUInt64(sum(moving_s + toUInt32(outside_sample))) AS samples
   FROM ${db}.generator_stream_plans WHERE batch_id = {batch_id:String}`;

/**
 * The batch's samples in the columns of stream_staging (batch_id, seq = m, activity_id, t_s, the values);
 * `plansAlso` narrows the plans expanded (e.g. ` AND activity_id IN (…)`). `lanes` > 1 splits the plans
 * by activity into that many UNION ALL branches: a batch's plans are one small part, which the engine
 * reads, expands and computes on one thread; each branch gets a thread of its own.
 */
export const generatedSamplesSelect = (db: Database, plansAlso = '', lanes = 1): string =>
  lanes <= 1
    ? samplesOfPlans(db, plansAlso)
    : `SELECT * FROM (${Array.from({ length: lanes }, (_, lane) =>
        samplesOfPlans(db, `${plansAlso} AND cityHash64(activity_id) % ${lanes} = ${lane}`),
      ).join('\nUNION ALL\n')})`;

const samplesOfPlans = (db: Database, plansAlso: string): string => `SELECT
  batch_id,
  m AS seq,
  activity_id,
  t AS t_s,
  if(has_hr, if(toInt64(m) = hr_glitch_at, 255, round(hr)), NULL) AS hr_bpm,
  if(has_power, greatest(0, round(power)), NULL) AS power_w,
  round(speed, 3) AS speed_mps,
  round(altitude, 1) AS altitude_m,
  if(base_cadence > 0, round(base_cadence + 3 * ${noise(CHANNEL.cadence)}), NULL) AS cadence,
  round(distance, 1) AS distance_m
FROM (
  SELECT
    *,
    m,
    if(m >= moving_s, moving_s + pause_s + 30, if(m >= pause_at_s, m + pause_s, m)) AS t,
    omega * m AS phase,
    intDiv(m, block_s) AS block,
    if(block % 2 = 0, 1, -1) * ${noise(CHANNEL.block, 'intDiv(block, 2)')} AS block_noise,
    base_power_w * (1 + power_hill_share * sin(phase))
      * (1 + block_power_share * block_noise + second_power_share * ${noise(CHANNEL.power)}) AS power,
    base_hr_bpm + hr_drift_bpm_per_h * (m - middle) / 3600 + hr_hill_bpm * sin(phase - 0.4)
      + hr_block_bpm * block_noise + 1.5 * ${noise(CHANNEL.hr)}
      - hr_warmup_bpm * (exp(-m / ${WARMUP_TAU_S}) - warmup_mean) AS hr,
    base_speed_mps * (1 - speed_hill_share * sin(phase))
      * (1 + block_speed_share * block_noise + 0.03 * ${noise(CHANNEL.speed)}) AS speed,
    altitude_base_m + altitude_amp_m * (1 - cos(phase)) / 2 AS altitude,
    -- closed form of the running sum of the smooth speed: sum of sin(k·omega) for k = 0 … m
    base_speed_mps * ((m + 1) - speed_hill_share * (cos_half_omega - cos(omega * (m + 0.5))) / two_sin_half_omega) AS distance
  FROM (
    -- The terms that do not vary within an activity, once per plan rather than once per sample (the same
    -- expressions on the same values: the samples are bit for bit those of computing them per sample).
    SELECT *,
      2 * pi() * altitude_cycles / moving_s AS omega,
      cos(omega / 2) AS cos_half_omega,
      2 * sin(omega / 2) AS two_sin_half_omega,
      (moving_s - 1) / 2 AS middle,
      (1 - exp(-moving_s / ${WARMUP_TAU_S})) / (1 - exp(-1 / ${WARMUP_TAU_S})) / moving_s AS warmup_mean
    FROM ${db}.generator_stream_plans
    WHERE batch_id = {batch_id:String}${plansAlso}
  )
  ARRAY JOIN range(toUInt64(moving_s) + toUInt64(outside_sample)) AS m
)`;

export const synthesizeStreamsSql = (db: Database): string => `
INSERT INTO ${db}.stream_staging
  (batch_id, seq, activity_id, t_s, hr_bpm, power_w, speed_mps, altitude_m, cadence, distance_m)
${generatedSamplesSelect(db)}`;

export const dropPlanBatchSql = (db: Database): string =>
  `ALTER TABLE ${db}.generator_stream_plans DROP PARTITION {batch_id:String}`;
