/** Table rows of the raw data model, as ingestion writes them (column units in clickhouse/migrations). */

export const SPORTS = ['ride', 'run', 'swim', 'other'] as const;
export type Sport = (typeof SPORTS)[number];

export interface AthleteRow {
  athlete_id: string;
  name: string;
  sex: 'F' | 'M' | 'X';
  birth_year: number;
  time_zone: string;
}

export interface ThresholdRow {
  athlete_id: string;
  /** YYYY-MM-DD, athlete local date */
  effective_from: string;
  ftp_w: number | null;
  lthr_bpm: number | null;
  max_hr_bpm: number | null;
  resting_hr_bpm: number | null;
  threshold_pace_s_per_km: number | null;
}

export interface ActivityRow {
  activity_id: string;
  athlete_id: string;
  sport: Sport;
  /** 'YYYY-MM-DD hh:mm:ss', UTC */
  start_time_utc: string;
  utc_offset_min: number;
  distance_m: number;
  moving_time_s: number;
  elapsed_time_s: number;
  elevation_gain_m: number;
  avg_hr_bpm: number | null;
  max_hr_bpm: number | null;
  avg_power_w: number | null;
  avg_cadence: number | null;
  device: string;
  source: string;
}

/** A planned activity: what the time estimator scores before it happens. */
export interface PlannedActivityRow {
  planned_id: string;
  athlete_id: string;
  /** YYYY-MM-DD, athlete local date */
  planned_date: string;
  sport: Sport;
  distance_m: number;
  elevation_gain_m: number;
  /** hour of the planned local start, 0-23; null when not planned */
  start_hour_local: number | null;
  source: string;
}

/** One per-second sample as read from a file, before the set-based checks in ClickHouse. */
export interface StreamSample {
  activity_id: string;
  t_s: number;
  hr_bpm: number | null;
  power_w: number | null;
  speed_mps: number | null;
  altitude_m: number | null;
  cadence: number | null;
  distance_m: number | null;
}

export const REJECT_REASONS = [
  'malformed_record',
  'missing_required_field',
  'malformed_number',
  'malformed_date',
  'unknown_athlete',
  'unknown_activity',
  'unknown_sport',
  'invalid_value',
  'non_positive_duration',
  'moving_time_exceeds_elapsed',
  'implausible_heart_rate',
  'implausible_power',
  'implausible_speed',
  'start_in_future',
  'conflicting_duplicate',
  'sample_outside_activity',
  'non_increasing_stream_time',
  'duplicate_sample_time',
  'malformed_header',
  'unreadable_file',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface RejectRow {
  source: string;
  locator: string;
  reason_code: RejectReason;
  detail: string;
  raw_payload: string;
}

/** Physiological and physical limits shared by the summary checks (TypeScript) and the sample checks (SQL). */
export const LIMITS = {
  minHeartRate: 25,
  maxHeartRate: 250,
  maxPower: 2500,
  /** m/s: far above any athlete's peak for the sport, so only sensor and unit errors trip it */
  maxSpeed: { ride: 30, run: 12.5, swim: 3, other: 45 } satisfies Record<Sport, number>,
} as const;

const DAY_S = 86_400;

/**
 * What each stored field may hold: inside its column type (nothing ClickHouse would wrap, clamp or refuse)
 * and inside its meaning. Outside, the record is quarantined, never stored altered.
 */
export const RANGES = {
  /** Starts and threshold dates before this are typos or epoch zeros: recording devices are younger. */
  firstDate: '1980-01-01',
  /** A threshold may be planned ahead, but not further than this many days after the ingest. */
  thresholdDaysAhead: 366,
  birthYear: { min: 1900, max: 2100, integer: true },
  /** UTC−12:00 to UTC+14:00, whole minutes (Int16 column) */
  utcOffsetMin: { min: -720, max: 840, integer: true, unit: 'min' },
  /** moving and elapsed time after rounding to whole seconds (UInt32 columns): one second to two weeks */
  durationS: { min: 1, max: 14 * DAY_S, unit: 's' },
  distanceM: { min: 0, max: 10_000_000, unit: 'm' },
  elevationGainM: { min: 0, max: 50_000, unit: 'm' },
  cadence: { min: 0, max: 255, unit: 'rpm' },
  ftpW: { min: 1, max: LIMITS.maxPower, unit: 'W' },
  avgPowerW: { min: 0, max: LIMITS.maxPower, unit: 'W' },
  heartRate: { min: LIMITS.minHeartRate, max: LIMITS.maxHeartRate, unit: 'bpm' },
  /** 2:00 to 30:00 min/km */
  thresholdPaceSPerKm: { min: 120, max: 1_800, unit: 's/km' },
  /** sample altitude (Float32): below the Dead Sea shore to above Everest, with room for barometric drift */
  altitudeM: { min: -1_000, max: 10_000, unit: 'm' },
  sampleDistanceM: { min: 0, max: 10_000_000, unit: 'm' },
} as const;

/**
 * Columns a CSV header must name for each kind of file: without them no record can be read, and a file
 * whose first line lacks them most likely has no header at all (its first record would be lost as one).
 */
export const KEY_COLUMNS = {
  athletes: ['athlete_id'],
  thresholds: ['athlete_id', 'effective_from'],
  activities: ['activity_id', 'athlete_id'],
  planned: ['planned_id', 'athlete_id'],
  streams: ['activity_id', 't_s'],
  deletions: ['activity_id'],
} as const;
