import { isValidTimeZone } from '../config/env.js';
import {
  RecordRejected, formatUtc, optionalNumber, optionalString, requiredDate, requiredInstant, requiredNumber, requiredString,
} from './fields.js';
import { LIMITS, SPORTS, type ActivityRow, type AthleteRow, type RejectReason, type Sport, type StreamSample, type ThresholdRow } from './records.js';
import { utcOffsetMinutes } from './time-zone.js';

export type Checked<T> = { ok: true; row: T } | { ok: false; reason: RejectReason; detail: string };

export interface ValidationContext {
  /** athlete id → IANA time zone, for every athlete stored or earlier in the same upload */
  athletes: ReadonlyMap<string, string>;
  now: Date;
}

type Raw = Record<string, unknown>;

function check<T>(build: () => T): Checked<T> {
  try {
    return { ok: true, row: build() };
  } catch (error) {
    if (error instanceof RecordRejected) return { ok: false, reason: error.reason, detail: error.detail };
    throw error;
  }
}

function reject(reason: RejectReason, detail: string): never {
  throw new RecordRejected(reason, detail);
}

function knownAthlete(raw: Raw, ctx: ValidationContext): string {
  const id = requiredString(raw, 'athlete_id');
  if (!ctx.athletes.has(id)) reject('unknown_athlete', `athlete ${id} is not known: ingest the athlete first`);
  return id;
}

function heartRate(raw: Raw, field: string): number | null {
  const bpm = optionalNumber(raw, field);
  if (bpm !== null && (bpm < LIMITS.minHeartRate || bpm > LIMITS.maxHeartRate)) {
    reject('implausible_heart_rate', `${field} ${bpm} bpm is outside ${LIMITS.minHeartRate}–${LIMITS.maxHeartRate}`);
  }
  return bpm;
}

function nonNegative(raw: Raw, field: string, required = false): number | null {
  const value = required ? requiredNumber(raw, field) : optionalNumber(raw, field);
  if (value !== null && value < 0) reject('invalid_value', `${field} ${value} is negative`);
  return value;
}

export function validateAthlete(raw: Raw): Checked<AthleteRow> {
  return check(() => {
    const sex = optionalString(raw, 'sex', 'X').toUpperCase();
    if (sex !== 'F' && sex !== 'M' && sex !== 'X') reject('invalid_value', `sex "${sex}" must be F, M or X`);
    const birthYear = requiredNumber(raw, 'birth_year');
    if (!Number.isInteger(birthYear) || birthYear < 1900 || birthYear > 2030) reject('invalid_value', `birth_year ${birthYear} is not plausible`);
    const timeZone = requiredString(raw, 'time_zone');
    if (!isValidTimeZone(timeZone)) reject('invalid_value', `time_zone "${timeZone}" is not an IANA time zone`);
    return { athlete_id: requiredString(raw, 'athlete_id'), name: optionalString(raw, 'name'), sex, birth_year: birthYear, time_zone: timeZone };
  });
}

export function validateThreshold(raw: Raw, ctx: ValidationContext): Checked<ThresholdRow> {
  return check(() => {
    const row: ThresholdRow = {
      athlete_id: knownAthlete(raw, ctx),
      effective_from: requiredDate(raw, 'effective_from'),
      ftp_w: nonNegative(raw, 'ftp_w'),
      lthr_bpm: heartRate(raw, 'lthr_bpm'),
      max_hr_bpm: heartRate(raw, 'max_hr_bpm'),
      resting_hr_bpm: heartRate(raw, 'resting_hr_bpm'),
      threshold_pace_s_per_km: nonNegative(raw, 'threshold_pace_s_per_km'),
    };
    if (row.ftp_w !== null && row.ftp_w > LIMITS.maxPower) reject('implausible_power', `ftp_w ${row.ftp_w} W is above ${LIMITS.maxPower} W`);
    return row;
  });
}

export function validateActivity(raw: Raw, ctx: ValidationContext): Checked<ActivityRow> {
  return check(() => {
    const activityId = requiredString(raw, 'activity_id');
    const athleteId = knownAthlete(raw, ctx);
    const sport = requiredString(raw, 'sport').toLowerCase();
    if (!(SPORTS as readonly string[]).includes(sport)) reject('unknown_sport', `sport "${sport}" is not one of ${SPORTS.join(', ')}`);
    const start = requiredInstant(raw, 'start_time_utc');
    if (start.utc > ctx.now) reject('start_in_future', `start ${formatUtc(start.utc)} UTC is in the future`);
    const movingTime = requiredNumber(raw, 'moving_time_s');
    const elapsedTime = optionalNumber(raw, 'elapsed_time_s') ?? movingTime;
    if (movingTime <= 0 || elapsedTime <= 0) reject('non_positive_duration', `moving ${movingTime} s, elapsed ${elapsedTime} s`);
    if (movingTime > elapsedTime) reject('moving_time_exceeds_elapsed', `moving ${movingTime} s > elapsed ${elapsedTime} s`);
    const distance = nonNegative(raw, 'distance_m', true)!;
    const avgPower = nonNegative(raw, 'avg_power_w');
    if (avgPower !== null && avgPower > LIMITS.maxPower) reject('implausible_power', `avg_power_w ${avgPower} W is above ${LIMITS.maxPower} W`);
    const speedLimit = LIMITS.maxSpeed[sport as Sport];
    if (distance / movingTime > speedLimit) {
      reject('implausible_speed', `average ${(distance / movingTime).toFixed(1)} m/s is above ${speedLimit} m/s for ${sport}`);
    }
    return {
      activity_id: activityId,
      athlete_id: athleteId,
      sport: sport as Sport,
      start_time_utc: formatUtc(start.utc),
      utc_offset_min: optionalNumber(raw, 'utc_offset_min') ?? start.offsetMin ?? utcOffsetMinutes(ctx.athletes.get(athleteId)!, start.utc),
      distance_m: distance,
      moving_time_s: Math.round(movingTime),
      elapsed_time_s: Math.round(elapsedTime),
      elevation_gain_m: nonNegative(raw, 'elevation_gain_m') ?? 0,
      avg_hr_bpm: heartRate(raw, 'avg_hr_bpm'),
      max_hr_bpm: heartRate(raw, 'max_hr_bpm'),
      avg_power_w: avgPower,
      avg_cadence: nonNegative(raw, 'avg_cadence'),
      device: optionalString(raw, 'device'),
      source: optionalString(raw, 'source'),
    };
  });
}

/**
 * Field-level checks of one sample. The checks that need the activity or the neighbouring samples
 * (plausible for the sport, inside the activity, time order) run set-based in ClickHouse.
 */
export function parseSample(raw: Raw): Checked<StreamSample> {
  return check(() => ({
    activity_id: requiredString(raw, 'activity_id'),
    t_s: Math.round(requiredNumber(raw, 't_s')),
    hr_bpm: optionalNumber(raw, 'hr_bpm'),
    power_w: optionalNumber(raw, 'power_w'),
    speed_mps: optionalNumber(raw, 'speed_mps'),
    altitude_m: optionalNumber(raw, 'altitude_m'),
    cadence: optionalNumber(raw, 'cadence'),
    distance_m: optionalNumber(raw, 'distance_m'),
  }));
}

/** A request to delete an activity; whether it exists (and belongs to the athlete) is checked against the store. */
export function validateDeletion(raw: Raw): Checked<{ activity_id: string; athlete_id: string | null }> {
  return check(() => ({ activity_id: requiredString(raw, 'activity_id'), athlete_id: optionalString(raw, 'athlete_id') || null }));
}
