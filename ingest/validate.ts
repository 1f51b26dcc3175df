import { isValidTimeZone } from '../config/env.js';
import {
  RecordRejected,
  formatUtc,
  inRange,
  optionalNumber,
  optionalString,
  requiredDate,
  requiredInstant,
  requiredNumber,
  requiredString,
  type Range,
} from './fields.js';
import {
  LIMITS,
  RANGES,
  SPORTS,
  type ActivityRow,
  type AthleteRow,
  type RejectReason,
  type Sport,
  type StreamSample,
  type ThresholdRow,
} from '../shared/records.js';
import { utcOffsetMinutes } from '../shared/time-zone.js';

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
  return bpm === null ? null : inRange(field, bpm, RANGES.heartRate, 'implausible_heart_rate');
}

/** An optional number inside its range (`invalid_value` outside, or `reason` when a more precise one exists). */
function ranged(raw: Raw, field: string, range: Range, reason?: RejectReason): number | null {
  const value = optionalNumber(raw, field);
  return value === null ? null : inRange(field, value, range, reason);
}

function requiredRanged(raw: Raw, field: string, range: Range, reason?: RejectReason): number {
  return inRange(field, requiredNumber(raw, field), range, reason);
}

function addDays(date: Date, days: number): string {
  return new Date(date.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

export function validateAthlete(raw: Raw, ctx?: Pick<ValidationContext, 'now'>): Checked<AthleteRow> {
  return check(() => {
    const athleteId = requiredString(raw, 'athlete_id');
    const sex = optionalString(raw, 'sex', 'X').toUpperCase();
    if (sex !== 'F' && sex !== 'M' && sex !== 'X')
      reject('invalid_value', `sex "${sex.slice(0, 20)}" must be F, M or X`);
    const thisYear = (ctx?.now ?? new Date()).getUTCFullYear();
    const birthYear = requiredRanged(raw, 'birth_year', {
      ...RANGES.birthYear,
      max: Math.min(RANGES.birthYear.max, thisYear),
    });
    const timeZone = requiredString(raw, 'time_zone');
    if (!isValidTimeZone(timeZone)) reject('invalid_value', `time_zone "${timeZone}" is not an IANA time zone`);
    return {
      athlete_id: athleteId,
      name: optionalString(raw, 'name'),
      sex,
      birth_year: birthYear,
      time_zone: timeZone,
    };
  });
}

export function validateThreshold(raw: Raw, ctx: ValidationContext): Checked<ThresholdRow> {
  return check(() => {
    const athleteId = knownAthlete(raw, ctx);
    const effectiveFrom = requiredDate(raw, 'effective_from');
    const lastDate = addDays(ctx.now, RANGES.thresholdDaysAhead);
    if (effectiveFrom < RANGES.firstDate || effectiveFrom > lastDate) {
      reject(
        'invalid_value',
        `effective_from ${effectiveFrom} is outside ${RANGES.firstDate}–${lastDate} (at most ${RANGES.thresholdDaysAhead} days ahead)`,
      );
    }
    return {
      athlete_id: athleteId,
      effective_from: effectiveFrom,
      ftp_w: ranged(raw, 'ftp_w', RANGES.ftpW, 'implausible_power'),
      lthr_bpm: heartRate(raw, 'lthr_bpm'),
      max_hr_bpm: heartRate(raw, 'max_hr_bpm'),
      resting_hr_bpm: heartRate(raw, 'resting_hr_bpm'),
      threshold_pace_s_per_km: ranged(raw, 'threshold_pace_s_per_km', RANGES.thresholdPaceSPerKm),
    };
  });
}

/**
 * Moving and elapsed time are stored in whole seconds: they are checked after rounding, so 0.4 s (stored
 * as 0) is as non-positive as 0, and moving ≤ elapsed holds for the stored values.
 */
function durations(raw: Raw): { moving: number; elapsed: number } {
  const movingRaw = requiredNumber(raw, 'moving_time_s');
  const elapsedRaw = optionalNumber(raw, 'elapsed_time_s') ?? movingRaw;
  const moving = Math.round(movingRaw);
  const elapsed = Math.round(elapsedRaw);
  if (moving < RANGES.durationS.min || elapsed < RANGES.durationS.min) {
    reject(
      'non_positive_duration',
      `moving ${movingRaw} s, elapsed ${elapsedRaw} s (whole seconds must be at least 1)`,
    );
  }
  inRange('moving_time_s', moving, RANGES.durationS);
  inRange('elapsed_time_s', elapsed, RANGES.durationS);
  if (moving > elapsed) reject('moving_time_exceeds_elapsed', `moving ${movingRaw} s > elapsed ${elapsedRaw} s`);
  return { moving, elapsed };
}

function utcOffset(raw: Raw, start: { utc: Date; offsetMin: number | null }, zone: string): number {
  const given = optionalNumber(raw, 'utc_offset_min');
  if (given !== null) return inRange('utc_offset_min', given, RANGES.utcOffsetMin);
  return start.offsetMin ?? utcOffsetMinutes(zone, start.utc.getTime());
}

export function validateActivity(raw: Raw, ctx: ValidationContext): Checked<ActivityRow> {
  return check(() => {
    const activityId = requiredString(raw, 'activity_id');
    const athleteId = knownAthlete(raw, ctx);
    const sport = requiredString(raw, 'sport').toLowerCase();
    if (!(SPORTS as readonly string[]).includes(sport))
      reject('unknown_sport', `sport "${sport.slice(0, 40)}" is not one of ${SPORTS.join(', ')}`);
    const start = requiredInstant(raw, 'start_time_utc');
    if (start.utc > ctx.now) reject('start_in_future', `start ${formatUtc(start.utc)} UTC is in the future`);
    if (formatUtc(start.utc) < RANGES.firstDate)
      reject('invalid_value', `start ${formatUtc(start.utc)} UTC is before ${RANGES.firstDate}`);
    const { moving, elapsed } = durations(raw);
    const distance = requiredRanged(raw, 'distance_m', RANGES.distanceM);
    const avgPower = ranged(raw, 'avg_power_w', RANGES.avgPowerW, 'implausible_power');
    const speedLimit = LIMITS.maxSpeed[sport as Sport];
    if (distance / moving > speedLimit) {
      reject(
        'implausible_speed',
        `average ${(distance / moving).toFixed(1)} m/s is above ${speedLimit} m/s for ${sport}`,
      );
    }
    return {
      activity_id: activityId,
      athlete_id: athleteId,
      sport: sport as Sport,
      start_time_utc: formatUtc(start.utc),
      utc_offset_min: utcOffset(raw, start, ctx.athletes.get(athleteId)!),
      distance_m: distance,
      moving_time_s: moving,
      elapsed_time_s: elapsed,
      elevation_gain_m: ranged(raw, 'elevation_gain_m', RANGES.elevationGainM) ?? 0,
      avg_hr_bpm: heartRate(raw, 'avg_hr_bpm'),
      max_hr_bpm: heartRate(raw, 'max_hr_bpm'),
      avg_power_w: avgPower,
      avg_cadence: ranged(raw, 'avg_cadence', RANGES.cadence),
      device: optionalString(raw, 'device'),
      source: optionalString(raw, 'source'),
    };
  });
}

/**
 * Field-level checks of one sample: JSON types and the ranges only a column (not the sport or the activity)
 * sets. The checks that need the activity or the neighbouring samples (plausible for the sport, inside the
 * activity, time order) run set-based in ClickHouse.
 */
export function parseSample(raw: Raw): Checked<StreamSample> {
  return check(() => ({
    activity_id: requiredString(raw, 'activity_id'),
    t_s: Math.round(requiredNumber(raw, 't_s')),
    hr_bpm: optionalNumber(raw, 'hr_bpm'),
    power_w: optionalNumber(raw, 'power_w'),
    speed_mps: optionalNumber(raw, 'speed_mps'),
    altitude_m: ranged(raw, 'altitude_m', RANGES.altitudeM),
    cadence: optionalNumber(raw, 'cadence'),
    distance_m: ranged(raw, 'distance_m', RANGES.sampleDistanceM),
  }));
}

/** A request to delete an activity; whether it exists (and belongs to the athlete) is checked against the store. */
export function validateDeletion(raw: Raw): Checked<{ activity_id: string; athlete_id: string | null }> {
  return check(() => ({
    activity_id: requiredString(raw, 'activity_id'),
    athlete_id: optionalString(raw, 'athlete_id') || null,
  }));
}
