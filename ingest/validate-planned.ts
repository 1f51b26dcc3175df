import {
  RecordRejected,
  optionalNumber,
  optionalString,
  requiredDate,
  requiredNumber,
  requiredString,
} from './fields.js';
import { LIMITS, RANGES, SPORTS, type PlannedActivityRow, type Sport } from '../shared/records.js';
import type { Checked, ValidationContext } from './validate.js';

type Raw = Record<string, unknown>;

const reject = (reason: ConstructorParameters<typeof RecordRejected>[0], detail: string): never => {
  throw new RecordRejected(reason, detail);
};

/** `HH:MM` (or `HH:MM:SS`), or a local date-time whose time is used: the planned start hour, 0-23. */
function startHour(raw: Raw): number | null {
  const text = optionalString(raw, 'planned_start_time');
  if (!text) return null;
  const m = /(?:^|[T ])(\d{1,2}):(\d{2})(?::\d{2})?$/.exec(text);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59)
    reject('malformed_date', `planned_start_time "${text}" is not a local time HH:MM`);
  return Number(m![1]);
}

/**
 * A planned activity (the time estimator's input): athlete known, sport known, distance positive and below
 * what the sport's speed limit allows in a day, elevation gain non-negative. Ids are global, like activity ids.
 */
export function validatePlanned(raw: Raw, ctx: ValidationContext): Checked<PlannedActivityRow> {
  try {
    const plannedId = requiredString(raw, 'planned_id');
    const athleteId = requiredString(raw, 'athlete_id');
    if (!ctx.athletes.has(athleteId))
      reject('unknown_athlete', `athlete ${athleteId} is not known: ingest the athlete first`);
    const sport = requiredString(raw, 'sport').toLowerCase();
    if (!(SPORTS as readonly string[]).includes(sport))
      reject('unknown_sport', `sport "${sport}" is not one of ${SPORTS.join(', ')}`);
    const plannedDate = requiredDate(raw, 'planned_date');
    if (plannedDate < RANGES.firstDate)
      reject('invalid_value', `planned_date ${plannedDate} is before ${RANGES.firstDate}`);
    const distance = requiredNumber(raw, 'distance_m');
    const maxDistance = LIMITS.maxSpeed[sport as Sport] * 86_400;
    if (distance <= 0 || distance > maxDistance)
      reject('invalid_value', `distance_m ${distance} must be above 0 and at most ${maxDistance} for ${sport}`);
    const elevation = optionalNumber(raw, 'elevation_gain_m') ?? 0;
    if (elevation < 0 || elevation > RANGES.elevationGainM.max)
      reject('invalid_value', `elevation_gain_m ${elevation} is outside 0–${RANGES.elevationGainM.max} m`);
    return {
      ok: true,
      row: {
        planned_id: plannedId,
        athlete_id: athleteId,
        planned_date: plannedDate,
        sport: sport as Sport,
        distance_m: distance,
        elevation_gain_m: elevation,
        start_hour_local: startHour(raw),
        source: optionalString(raw, 'source'),
      },
    };
  } catch (error) {
    if (error instanceof RecordRejected) return { ok: false, reason: error.reason, detail: error.detail };
    throw error;
  }
}
