/**
 * UTC offsets of IANA zones through Intl, cached: Intl formatting costs microseconds and the generator
 * needs an offset for ~400 k activities (ingest one per activity without a stored offset). A zone's
 * offset is cached per UTC month; only in the months where it changes (a DST switch) is it looked up,
 * and cached, per quarter of a UTC hour: today's offsets are whole quarter hours and switches happen on
 * a whole local minute that is a quarter hour (half-hour zones such as America/St_Johns switch on :30 UTC).
 */

const BUCKET_MS = 900_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
const monthCache = new Map<string, number | null>();
const bucketCache = new Map<string, number>();

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
  const bucketKey = `${zone}|${Math.floor(utcMs / BUCKET_MS)}`;
  let bucketOffset = bucketCache.get(bucketKey);
  if (bucketOffset === undefined) {
    bucketOffset = offsetByIntl(zone, Math.floor(utcMs / BUCKET_MS) * BUCKET_MS);
    bucketCache.set(bucketKey, bucketOffset);
  }
  return bucketOffset;
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
  const match = /GMT([+-])(\d{2}):(\d{2})(?::(\d{2}))?/.exec(name);
  if (!match) return 0; // plain "GMT"
  // Local mean time before ~1900 has seconds (Amsterdam +00:19:32): rounded to the minute.
  const minutes = Math.round(Number(match[2]) * 60 + Number(match[3]) + Number(match[4] ?? 0) / 60);
  return match[1] === '-' ? -minutes : minutes;
}

/** Today's date (YYYY-MM-DD) in `zone`. */
export function todayIn(zone: string, now = new Date()): string {
  return new Date(now.getTime() + utcOffsetMinutes(zone, now.getTime()) * 60_000).toISOString().slice(0, 10);
}
