export interface PopulationOptions {
  seed: number;
  athletes: number;
  days: number;
  /** YYYY-MM-DD, the last generated local day */
  endDate: string;
  /** 0..1: share of activities that get per-second streams (a StreamPlan) */
  streamShare: number;
  /** share of activities that get an extra, invalid copy (default 0.003) */
  dirtyShare?: number;
}

/**
 * Raw records, field names exactly those of AthleteRow / ThresholdRow / ActivityRow in shared/records.ts,
 * typed loosely because the dirty ones break the row types on purpose.
 */
export interface GeneratedAthlete {
  athlete: Record<string, unknown>;
  thresholds: Record<string, unknown>[];
  activities: Record<string, unknown>[];
  streamPlans: StreamPlan[];
}

/**
 * Everything ClickHouse needs to synthesize one activity's 1 Hz samples (generator/stream-sql.ts).
 * Column names of `generator_stream_plans`. Every varying term is zero-mean over the moving time
 * (whole altitude cycles, paired interval blocks, centred drift), so the stream means equal the
 * base values, which are the summary's averages.
 */
export interface StreamPlan {
  activity_id: string;
  athlete_id: string;
  /** per-activity noise seed (cityHash64 of (seed, t, channel) in SQL) */
  seed: number;
  /** samples = moving seconds; sample k is at t = k, or k + pause_s once k >= pause_at_s */
  moving_s: number;
  pause_at_s: number;
  /** stop length in s (0: no stop); elapsed time = moving_s + pause_s */
  pause_s: number;
  has_power: boolean;
  base_power_w: number;
  /** relative amplitude of alternating hard/easy blocks (intervals, surges) */
  block_s: number;
  block_power_share: number;
  /** relative amplitude of second-to-second power noise */
  second_power_share: number;
  /** relative power rise on the climbs, fall on the descents */
  power_hill_share: number;
  has_hr: boolean;
  base_hr_bpm: number;
  hr_drift_bpm_per_h: number;
  hr_hill_bpm: number;
  hr_block_bpm: number;
  /** HR starts this far below its level and closes the gap with a 90 s time constant */
  hr_warmup_bpm: number;
  base_speed_mps: number;
  /** relative speed loss on the climbs, gain on the descents */
  speed_hill_share: number;
  block_speed_share: number;
  /** 0: no cadence sensor */
  base_cadence: number;
  altitude_base_m: number;
  /** height of each climb; elevation gain = altitude_amp_m × altitude_cycles */
  altitude_amp_m: number;
  /** whole climb-descent cycles over the moving time, so the hill terms average out */
  altitude_cycles: number;
  /** moving-second index whose heart rate reads 255 (a sensor glitch), -1 for none */
  hr_glitch_at: number;
  /** adds one sample 30 s after the activity's elapsed time (outside the activity) */
  outside_sample: boolean;
}
