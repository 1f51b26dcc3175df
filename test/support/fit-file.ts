/**
 * Writes realistic FIT activity files with Garmin's own Encoder, laid out like a device does
 * (file_id, device_info, timer events, 1 Hz records, lap, session, activity), so tests read real bytes.
 *
 * Timing: records at t = 0 .. seconds-1 (seconds since `start`), each standing for one second; the session
 * ends at start + seconds. A pause {from, to} stops the timer at `from` and restarts it at `to`: no records
 * for from <= t < to, timer time = seconds - (to - from), elapsed time = seconds.
 * Values are quantized to FIT's resolution before the totals are computed, so totals match what a reader sees:
 * HR, power, cadence 1; speed 0.001 m/s; altitude 0.2 m; distance 0.01 m.
 */
import { Encoder, Profile, Utils } from '@garmin/fitsdk';
import type {
  ActivityMesg,
  DeviceInfoMesg,
  EventMesg,
  FileIdMesg,
  LapMesg,
  Mesg,
  RecordMesg,
  SessionMesg,
} from '@garmin/fitsdk';

export interface FitActivitySpec {
  sport: 'cycling' | 'running';
  start: Date;
  /** elapsed seconds, pause included */
  seconds: number;
  utcOffsetMin: number;
  serialNumber: number;
  heartRate?: (t: number) => number;
  power?: (t: number) => number;
  speed?: (t: number) => number;
  altitude?: (t: number) => number;
  pauseAt?: { from: number; to: number };
}

/** Garmin products that really record these sports: Edge 530 and Forerunner 945. */
const PRODUCT = { cycling: 3121, running: 3113 } as const;
const CADENCE = { cycling: 90, running: 85 } as const;

interface Totals {
  timerTime: number;
  distance: number;
  ascent: number;
  descent: number;
  avgHeartRate?: number;
  maxHeartRate?: number;
  avgPower?: number;
  maxPower?: number;
  avgCadence: number;
  avgSpeed?: number;
  maxSpeed?: number;
}

export function encodeFitActivity(spec: FitActivitySpec): Uint8Array {
  return encodeMultisportFit([spec]);
}

/**
 * A multisport file (a brick, a triathlon) as devices write it: one file_id, then per leg its timer events,
 * records, lap and session, and one activity message with the number of sessions. Legs must not overlap.
 */
export function encodeMultisportFit(legs: FitActivitySpec[]): Uint8Array {
  legs.forEach(checkSpec);
  const encoder = new Encoder();
  const write = (mesgNum: string, mesg: Mesg) => encoder.onMesg(mesgNumber(mesgNum), mesg);
  const first = legs[0]!;
  const firstStartS = Math.floor(Utils.convertDateToDateTime(first.start));
  write('FILE_ID', fileIdMesg(first, firstStartS));
  write('DEVICE_INFO', deviceInfoMesg(first, firstStartS));
  let endS = firstStartS;
  let timerTime = 0;
  for (const [index, spec] of legs.entries()) {
    // FIT timestamps are whole seconds.
    const startS = Math.floor(Utils.convertDateToDateTime(spec.start));
    if (startS < endS) throw new Error(`leg ${index + 1} starts before the previous leg ends`);
    const records = recordMesgs(spec, startS);
    const totals = summarize(spec, records);
    endS = startS + spec.seconds;
    timerTime += totals.timerTime;
    write('EVENT', timerEvent(startS, 'start'));
    for (const record of records) {
      if (spec.pauseAt && record.timestamp === startS + spec.pauseAt.to)
        write('EVENT', timerEvent(record.timestamp, 'start'));
      write('RECORD', record);
      if (spec.pauseAt && record.timestamp === startS + spec.pauseAt.from - 1) {
        write('EVENT', timerEvent(startS + spec.pauseAt.from, 'stopAll'));
      }
    }
    write('EVENT', timerEvent(endS, 'stopAll'));
    const lap: LapMesg = { ...lapMesg(spec, startS, endS, totals), messageIndex: index };
    write('LAP', lap);
    const session: SessionMesg = {
      ...sessionMesg(spec, startS, endS, totals),
      messageIndex: index,
      firstLapIndex: index,
    };
    write('SESSION', session);
  }
  const activity: ActivityMesg = { ...activityMesg(first, endS, { timerTime } as Totals), numSessions: legs.length };
  write('ACTIVITY', activity);
  return encoder.close();
}

function checkSpec({ seconds, pauseAt }: FitActivitySpec): void {
  if (!Number.isInteger(seconds) || seconds < 1) throw new Error(`seconds must be a positive integer, got ${seconds}`);
  if (pauseAt && !(pauseAt.from > 0 && pauseAt.from < pauseAt.to && pauseAt.to < seconds)) {
    throw new Error(`pauseAt must satisfy 0 < from < to < seconds, got ${JSON.stringify(pauseAt)}`);
  }
}

function mesgNumber(name: string): number {
  const num = Profile.MesgNum[name];
  if (num === undefined) throw new Error(`unknown FIT message ${name}`);
  return num;
}

function isPaused(spec: FitActivitySpec, t: number): boolean {
  return spec.pauseAt !== undefined && t >= spec.pauseAt.from && t < spec.pauseAt.to;
}

const quantize = (value: number, step: number) => Math.round(value / step) * step;
// Altitude is stored as (m + 500) × 5, so its grid is offset by 500 m.
const quantizeAltitude = (m: number) => Math.round((m + 500) * 5) / 5 - 500;
const roundTo = (value: number, decimals: number) => Number(value.toFixed(decimals));

function recordMesgs(spec: FitActivitySpec, startS: number): (RecordMesg & { timestamp: number })[] {
  const records: (RecordMesg & { timestamp: number })[] = [];
  let distance = 0;
  for (let t = 0; t < spec.seconds; t++) {
    if (isPaused(spec, t)) continue;
    const speed = spec.speed ? roundTo(quantize(spec.speed(t), 0.001), 3) : undefined;
    // Distance covered by the end of this second, so the last record's distance is the session total.
    distance += speed ?? 0;
    records.push({
      timestamp: startS + t,
      heartRate: spec.heartRate ? Math.round(spec.heartRate(t)) : undefined,
      power: spec.power ? Math.round(spec.power(t)) : undefined,
      cadence: CADENCE[spec.sport],
      enhancedSpeed: speed,
      distance: speed === undefined ? undefined : roundTo(distance, 2),
      enhancedAltitude: spec.altitude ? roundTo(quantizeAltitude(spec.altitude(t)), 1) : undefined,
    });
  }
  return records;
}

function summarize(spec: FitActivitySpec, records: RecordMesg[]): Totals {
  const pause = spec.pauseAt ? spec.pauseAt.to - spec.pauseAt.from : 0;
  const timerTime = spec.seconds - pause;
  const values = (pick: (r: RecordMesg) => number | undefined) =>
    records.map(pick).filter((v): v is number => v !== undefined);
  const hr = values((r) => r.heartRate);
  const power = values((r) => r.power);
  const speed = values((r) => r.enhancedSpeed);
  const distance = roundTo(values((r) => r.distance).at(-1) ?? 0, 2);
  const { ascent, descent } = climb(values((r) => r.enhancedAltitude));
  return {
    timerTime,
    distance,
    ascent,
    descent,
    avgHeartRate: meanRounded(hr),
    maxHeartRate: max(hr),
    avgPower: meanRounded(power),
    maxPower: max(power),
    avgCadence: CADENCE[spec.sport],
    avgSpeed: speed.length > 0 ? roundTo(distance / timerTime, 3) : undefined,
    maxSpeed: max(speed),
  };
}

function climb(altitudes: number[]): { ascent: number; descent: number } {
  let up = 0;
  let down = 0;
  for (let i = 1; i < altitudes.length; i++) {
    const delta = altitudes[i]! - altitudes[i - 1]!;
    if (delta > 0) up += delta;
    else down -= delta;
  }
  return { ascent: Math.round(up), descent: Math.round(down) };
}

function meanRounded(xs: number[]): number | undefined {
  return xs.length === 0 ? undefined : Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
}

function max(xs: number[]): number | undefined {
  return xs.length === 0 ? undefined : Math.max(...xs);
}

function fileIdMesg(spec: FitActivitySpec, startS: number): FileIdMesg {
  return {
    type: 'activity',
    manufacturer: 'garmin',
    product: PRODUCT[spec.sport],
    serialNumber: spec.serialNumber,
    timeCreated: startS,
  };
}

function deviceInfoMesg(spec: FitActivitySpec, startS: number): DeviceInfoMesg {
  return {
    timestamp: startS,
    deviceIndex: 'creator',
    manufacturer: 'garmin',
    product: PRODUCT[spec.sport],
    serialNumber: spec.serialNumber,
    softwareVersion: 9.2,
  };
}

function timerEvent(timestamp: number, eventType: 'start' | 'stopAll'): EventMesg {
  return { timestamp, event: 'timer', eventType, eventGroup: 0 };
}

/** Fields lap and session share; each leaves out what it has none of, as devices do. */
function summaryFields(startS: number, endS: number, totals: Totals) {
  return {
    timestamp: endS,
    startTime: startS,
    totalElapsedTime: endS - startS,
    totalTimerTime: totals.timerTime,
    totalDistance: totals.distance,
    totalAscent: totals.ascent,
    totalDescent: totals.descent,
    avgHeartRate: totals.avgHeartRate,
    maxHeartRate: totals.maxHeartRate,
    avgPower: totals.avgPower,
    maxPower: totals.maxPower,
    avgCadence: totals.avgCadence,
    enhancedAvgSpeed: totals.avgSpeed,
    enhancedMaxSpeed: totals.maxSpeed,
  };
}

function lapMesg(spec: FitActivitySpec, startS: number, endS: number, totals: Totals): LapMesg {
  return {
    ...summaryFields(startS, endS, totals),
    messageIndex: 0,
    event: 'lap',
    eventType: 'stop',
    lapTrigger: 'sessionEnd',
    sport: spec.sport,
  };
}

function sessionMesg(spec: FitActivitySpec, startS: number, endS: number, totals: Totals): SessionMesg {
  return {
    ...summaryFields(startS, endS, totals),
    messageIndex: 0,
    event: 'session',
    eventType: 'stop',
    trigger: 'activityEnd',
    sport: spec.sport,
    subSport: 'generic',
    firstLapIndex: 0,
    numLaps: 1,
  };
}

function activityMesg(spec: FitActivitySpec, endS: number, totals: Totals): ActivityMesg {
  return {
    timestamp: endS,
    totalTimerTime: totals.timerTime,
    numSessions: 1,
    type: 'manual',
    event: 'activity',
    eventType: 'stop',
    // Local wall-clock time in FIT epoch seconds: how a reader recovers the UTC offset.
    localTimestamp: endS + spec.utcOffsetMin * 60,
  };
}
