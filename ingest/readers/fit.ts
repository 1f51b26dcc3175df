/**
 * Reads a FIT activity file (Garmin's binary format) into one raw activity record and its per-second samples,
 * with Garmin's official SDK. Values are mapped as the file states them: plausibility is checked later, by the
 * same validation as every other source.
 */
import { Decoder, Stream, Utils } from '@garmin/fitsdk';
import type { ActivityMesg, DeviceInfoMesg, FileIdMesg, FitMessages, RecordMesg, SessionMesg } from '@garmin/fitsdk';
import type { ActivityRow, Sport, StreamSample } from '../../shared/records.js';

/** Spelled out because the mapping from messages to records relies on them (Dates, enum names, scaled values). */
export const FIT_DECODE_OPTIONS = {
  applyScaleAndOffset: true,
  expandSubFields: true,
  expandComponents: true,
  convertTypesToStrings: true,
  convertDateTimesToDates: true,
  mergeHeartRates: true,
} as const;

export interface FitActivity {
  activity: Record<string, unknown>;
  samples: StreamSample[];
}

export interface FitReadOptions {
  athleteId: string;
  source: string;
  /** Used when the file has no activity message with a local timestamp. */
  fallbackUtcOffsetMin?: number;
}

/** The bytes are not a usable FIT activity file; retrying cannot help, so callers can treat it as permanent. */
export class InvalidFitFileError extends Error {
  override name = 'InvalidFitFileError';
}

type RawActivityRow = { [K in keyof ActivityRow]: ActivityRow[K] | null };

const SPORT_BY_FIT_SPORT: Record<string, Sport> = { cycling: 'ride', running: 'run', swimming: 'swim' };

/**
 * Every session of a FIT activity file as an activity with its samples. A multisport file (a triathlon,
 * a brick) holds one session per leg (transitions included): each becomes its own activity, with an id
 * from the file and the session's index, so re-ingesting the file replaces rather than duplicates them.
 */
export function readFitActivities(bytes: Uint8Array, options: FitReadOptions): FitActivity[] {
  const messages = decodeFit(bytes);
  const fileId = messages.fileIdMesgs?.[0];
  requireActivityFile(fileId);
  const sessions = messages.sessionMesgs ?? [];
  if (sessions.length === 0) throw new InvalidFitFileError('FIT file has no session message (no activity summary)');
  const records = messages.recordMesgs ?? [];
  if (records.length === 0) throw new InvalidFitFileError('FIT file has no record messages (no samples)');
  // Only the first session may borrow its start from the first record: later legs start later.
  const starts = sessions.map((session, index) => sessionStart(session, index === 0 ? records : [], index));
  const recordsOf = splitRecords(records, starts);
  const context = {
    utcOffsetMin: utcOffsetMin(messages.activityMesgs?.[0]) ?? options.fallbackUtcOffsetMin ?? null,
    device: describeDevice(fileId, creatorDevice(messages.deviceInfoMesgs)),
  };
  return sessions.map((session, index) => {
    const start = starts[index]!;
    const base = fitActivityId(fileId, starts[0]!);
    // A one-session file keeps the id it always had; legs of a multisport file are numbered from 1.
    const activityId = sessions.length === 1 ? base : `${base}-s${index + 1}`;
    const own = recordsOf[index]!;
    return {
      activity: activityRow(session, own, { ...options, ...context, activityId, start }),
      samples: toSamples(own, start, activityId),
    };
  });
}

/** A single-session file's activity; a multisport file is refused here (use readFitActivities). */
export function readFitActivity(bytes: Uint8Array, options: FitReadOptions): FitActivity {
  const activities = readFitActivities(bytes, options);
  if (activities.length > 1)
    throw new InvalidFitFileError(`FIT file has ${activities.length} sessions: read it with readFitActivities`);
  return activities[0]!;
}

interface SessionContext extends FitReadOptions {
  activityId: string;
  start: Date;
  utcOffsetMin: number | null;
  device: string | null;
}

function activityRow(session: SessionMesg, records: RecordMesg[], c: SessionContext): Record<string, unknown> {
  const has = (channel: keyof RecordMesg) => records.some((r) => r[channel] != null);
  const row: RawActivityRow = {
    activity_id: c.activityId,
    athlete_id: c.athleteId,
    sport: toSport(session.sport),
    start_time_utc: formatUtc(c.start),
    // Unknown offset stays null: validation then derives it from the athlete's time zone.
    utc_offset_min: c.utcOffsetMin,
    distance_m: tidy(session.totalDistance),
    moving_time_s: roundOrNull(session.totalTimerTime),
    // Up, not to nearest: records are stamped in whole seconds, and the last one may fall in the final
    // fraction of a second (elapsed 598.4 s, last record at 599 s); rounding down would put it outside.
    elapsed_time_s: session.totalElapsedTime == null ? null : Math.ceil(session.totalElapsedTime - 1e-6),
    elevation_gain_m: session.totalAscent ?? null,
    avg_hr_bpm: measured(session.avgHeartRate, has('heartRate')),
    max_hr_bpm: measured(session.maxHeartRate, has('heartRate')),
    avg_power_w: measured(session.avgPower, has('power')),
    avg_cadence: measured(session.avgCadence, has('cadence')),
    device: c.device,
    source: c.source,
  };
  return row;
}

/**
 * A device without the sensor writes 0 for the session's average (0 W, 0 bpm) rather than leaving it out.
 * Without a single reading in the records that 0 is "not measured", not a measurement.
 */
function measured(value: number | null | undefined, channelRecorded: boolean): number | null {
  if (value == null) return null;
  return value === 0 && !channelRecorded ? null : value;
}

/** Each record goes to the last session that started at or before it (records before the first: the first). */
function splitRecords(records: RecordMesg[], starts: Date[]): RecordMesg[][] {
  const parts: RecordMesg[][] = starts.map(() => []);
  for (const record of records) {
    const at = asDate(record.timestamp)?.getTime();
    let index = 0;
    if (at !== undefined) {
      for (let i = 1; i < starts.length; i += 1) if (starts[i]!.getTime() <= at) index = i;
    }
    parts[index]!.push(record);
  }
  return parts;
}

function decodeFit(bytes: Uint8Array): FitMessages {
  const decoder = new Decoder(Stream.fromByteArray(bytes));
  if (!decoder.isFIT()) {
    throw new InvalidFitFileError(
      `not a FIT file (${bytes.length} bytes): no valid FIT header with the ".FIT" signature`,
    );
  }
  if (!decoder.checkIntegrity()) {
    throw new InvalidFitFileError(
      `corrupt or truncated FIT file (${bytes.length} bytes): the size or CRC check failed`,
    );
  }
  const { messages, errors } = decoder.read(FIT_DECODE_OPTIONS);
  if (errors.length > 0) {
    throw new InvalidFitFileError(`FIT file could not be decoded: ${errors.map((e) => e.message).join('; ')}`);
  }
  return messages;
}

/** Course, workout and settings files carry records too; only an activity file describes something done. */
function requireActivityFile(fileId: FileIdMesg | undefined): void {
  if (fileId?.type != null && fileId.type !== 'activity') {
    throw new InvalidFitFileError(`FIT file is a '${String(fileId.type)}' file, not an activity`);
  }
}

function sessionStart(session: SessionMesg, records: RecordMesg[], index: number): Date {
  const start = asDate(session.startTime) ?? asDate(records[0]?.timestamp);
  if (start === null)
    throw new InvalidFitFileError(
      `FIT session ${index + 1} has no start time${index === 0 ? ' and its first record no timestamp' : ''}`,
    );
  return start;
}

/** Deterministic from the file, so re-uploading the same file replaces rather than duplicates the activity. */
function fitActivityId(fileId: FileIdMesg | undefined, start: Date): string {
  const device = fileId?.serialNumber ?? fileId?.manufacturer ?? 'unknown';
  const created = asDate(fileId?.timeCreated) ?? start;
  return `fit-${device}-${Math.floor(created.getTime() / 1000)}`;
}

function toSport(fitSport: SessionMesg['sport']): Sport {
  return SPORT_BY_FIT_SPORT[String(fitSport)] ?? 'other';
}

/** The activity message's local timestamp is local wall-clock time in FIT epoch seconds. */
function utcOffsetMin(activity: ActivityMesg | undefined): number | null {
  const utc = asDate(activity?.timestamp);
  const local = activity?.localTimestamp;
  if (utc === null || local == null || local === 'min') return null;
  const localSeconds = local instanceof Date ? Utils.convertDateToDateTime(local) : local;
  return Math.round((localSeconds - Utils.convertDateToDateTime(utc)) / 60);
}

type ProductFields = Pick<FileIdMesg, 'manufacturer' | 'product' | 'garminProduct' | 'faveroProduct' | 'productName'>;

function creatorDevice(devices: DeviceInfoMesg[] | undefined): DeviceInfoMesg | undefined {
  return devices?.find((d) => d.deviceIndex === 'creator' || d.deviceIndex === 0);
}

/** Manufacturer plus the most readable product name the file gives (the SDK names known Garmin products). */
function describeDevice(...candidates: (ProductFields | undefined)[]): string | null {
  for (const mesg of candidates) {
    if (mesg === undefined) continue;
    const product = mesg.productName ?? mesg.garminProduct ?? mesg.faveroProduct ?? mesg.product;
    const parts = [mesg.manufacturer, product].filter((p) => p != null).map(String);
    if (parts.length > 0) return parts.join(' ');
  }
  return null;
}

function toSamples(records: RecordMesg[], start: Date, activityId: string): StreamSample[] {
  // A record without a timestamp cannot be placed in time, so it cannot become a sample.
  return records.flatMap((record) => {
    const at = asDate(record.timestamp);
    if (at === null) return [];
    return [
      {
        activity_id: activityId,
        t_s: Math.round((at.getTime() - start.getTime()) / 1000),
        hr_bpm: record.heartRate ?? null,
        power_w: record.power ?? null,
        speed_mps: tidy(record.enhancedSpeed ?? record.speed),
        altitude_m: tidy(record.enhancedAltitude ?? record.altitude),
        cadence: record.cadence ?? null,
        distance_m: tidy(record.distance),
      },
    ];
  });
}

function asDate(value: unknown): Date | null {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value : null;
}

function formatUtc(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

// `== null`: the SDK's types say undefined, but an invalid value in the file can decode to null.
function roundOrNull(value: number | null | undefined): number | null {
  return value == null ? null : Math.round(value);
}

/** Undoing FIT's scale and offset leaves binary noise (101.39999999999998 for 101.4); FIT's finest resolution is 1e-3. */
function tidy(value: number | null | undefined): number | null {
  return value == null ? null : Math.round(value * 1e6) / 1e6;
}
