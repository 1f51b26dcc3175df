/**
 * UTC offsets of IANA zones through Intl, cached: Intl formatting costs microseconds and the
 * generator needs an offset for ~400 k activities. A zone's offset is cached per UTC month; only in
 * the months where it changes (a DST switch) is it looked up, and cached, per UTC hour, since every
 * zone the generator uses switches on a whole UTC hour.
 */

const HOUR_MS = 3_600_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
const monthCache = new Map<string, number | null>();
const hourCache = new Map<string, number>();

/** Minutes to add to UTC to get local time in `zone` at the instant `utcMs`. */
export function utcOffsetMinutes(zone: string, utcMs: number): number {
  const date = new Date(utcMs);
  const monthKey = `${zone}|${date.getUTCFullYear()}-${date.getUTCMonth()}`;
  let monthOffset = monthCache.get(monthKey);
  if (monthOffset === undefined) {
    monthOffset = steadyOffsetOfMonth(zone, date.getUTCFullYear(), date.getUTCMonth());
    monthCache.set(monthKey, monthOffset);
  }
  if (monthOffset !== null) return monthOffset;
  const hourKey = `${zone}|${Math.floor(utcMs / HOUR_MS)}`;
  let hourOffset = hourCache.get(hourKey);
  if (hourOffset === undefined) {
    hourOffset = offsetByIntl(zone, Math.floor(utcMs / HOUR_MS) * HOUR_MS);
    hourCache.set(hourKey, hourOffset);
  }
  return hourOffset;
}

/** The UTC instant of a wall-clock time in `zone` (local times in a DST gap resolve forward). */
export function localToUtcMs(zone: string, localMs: number): number {
  const guess = localMs - utcOffsetMinutes(zone, localMs) * 60_000;
  return localMs - utcOffsetMinutes(zone, guess) * 60_000;
}

/** The month's offset when it is the same at both ends of the month, otherwise null. */
function steadyOffsetOfMonth(zone: string, year: number, month: number): number | null {
  const first = offsetByIntl(zone, Date.UTC(year, month, 1));
  const last = offsetByIntl(zone, Date.UTC(year, month + 1, 1) - 1);
  return first === last ? first : null;
}

function offsetByIntl(zone: string, utcMs: number): number {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    formatters.set(zone, formatter);
  }
  const name = formatter.formatToParts(new Date(utcMs)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0; // plain "GMT"
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}
