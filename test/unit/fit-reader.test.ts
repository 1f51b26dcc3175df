import { Decoder, Encoder, Profile, Stream } from '@garmin/fitsdk';
import type { ActivityMesg, FileIdMesg, Mesg, SessionMesg } from '@garmin/fitsdk';
import { describe, expect, it } from 'vitest';
import { InvalidFitFileError, readFitActivities, readFitActivity } from '../../ingest/readers/fit.js';
import type { StreamSample } from '../../shared/records.js';
import { encodeFitActivity, encodeMultisportFit, type FitActivitySpec } from '../support/fit-file.js';

const start = new Date('2024-05-01T06:30:00Z');
const ride: FitActivitySpec = {
  sport: 'cycling',
  start,
  seconds: 600,
  utcOffsetMin: 120,
  serialNumber: 3391234567,
  heartRate: (t) => 130 + 25 * Math.sin(t / 60),
  power: (t) => 210 + 60 * Math.sin(t / 17),
  speed: (t) => 8 + Math.sin(t / 30),
  altitude: (t) => 100 + 20 * Math.sin(t / 100),
  pauseAt: { from: 300, to: 360 },
};
const options = { athleteId: 'ath-1', source: 'upload:ride.fit' };

const { ACTIVITY, FILE_ID, RECORD, SESSION } = Profile.MesgNum;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const column = (samples: StreamSample[], key: keyof StreamSample) => samples.map((s) => Number(s[key]));

/** Decodes a file and encodes it again with `edit` applied to each message (null drops it), as a device could have written it. */
function rewrite(bytes: Uint8Array, edit: (mesgNum: number, mesg: Mesg) => Mesg | null): Uint8Array {
  const encoder = new Encoder();
  new Decoder(Stream.fromByteArray(bytes)).read({
    mesgListener: (mesgNum, mesg) => {
      const edited = edit(mesgNum, mesg);
      if (edited !== null) encoder.onMesg(mesgNum, edited);
    },
  });
  return encoder.close();
}

describe('readFitActivity on a ride with a pause', () => {
  const { activity, samples } = readFitActivity(encodeFitActivity(ride), options);
  const activityId = `fit-3391234567-${start.getTime() / 1000}`;

  it('maps the session to an activity row', () => {
    expect(activity).toMatchObject({
      activity_id: activityId,
      athlete_id: 'ath-1',
      sport: 'ride',
      start_time_utc: '2024-05-01 06:30:00',
      utc_offset_min: 120,
      moving_time_s: 540,
      elapsed_time_s: 600,
      avg_cadence: 90,
      device: 'garmin edge530',
      source: 'upload:ride.fit',
    });
  });

  it('has summary totals consistent with the samples', () => {
    const altitudes = column(samples, 'altitude_m');
    const ascent = altitudes.slice(1).reduce((sum, a, i) => sum + Math.max(0, a - altitudes[i]!), 0);
    expect(activity.distance_m).toBeCloseTo(samples.at(-1)!.distance_m!, 2);
    expect(activity.elevation_gain_m).toBe(Math.round(ascent));
    expect(activity.avg_hr_bpm).toBe(Math.round(mean(column(samples, 'hr_bpm'))));
    expect(activity.max_hr_bpm).toBe(Math.max(...column(samples, 'hr_bpm')));
    expect(activity.avg_power_w).toBe(Math.round(mean(column(samples, 'power_w'))));
  });

  it('has one sample per recorded second, pause left out', () => {
    expect(samples).toHaveLength(540);
    expect(samples[0]!.t_s).toBe(0);
    expect(samples.at(-1)!.t_s).toBe(599);
    expect(samples.filter((s) => s.t_s >= 300 && s.t_s < 360)).toEqual([]);
    expect(samples.map((s) => s.t_s)).toContain(299);
    expect(samples.map((s) => s.t_s)).toContain(360);
    expect(new Set(samples.map((s) => s.activity_id))).toEqual(new Set([activityId]));
  });

  it('round-trips sample values within FIT resolution', () => {
    let distance = 0;
    for (const s of samples) {
      distance += ride.speed!(s.t_s);
      expect(s.hr_bpm).toBe(Math.round(ride.heartRate!(s.t_s)));
      expect(s.power_w).toBe(Math.round(ride.power!(s.t_s)));
      expect(Math.abs(s.speed_mps! - ride.speed!(s.t_s))).toBeLessThanOrEqual(0.0005);
      expect(Math.abs(s.altitude_m! - ride.altitude!(s.t_s))).toBeLessThanOrEqual(0.1 + 1e-9);
      // Each speed is rounded to 0.001 before it adds up, so the error grows by at most that per sample.
      expect(Math.abs(s.distance_m! - distance)).toBeLessThanOrEqual(0.0005 * samples.length + 0.005);
      expect(s.cadence).toBe(90);
    }
  });
});

describe('readFitActivity mapping', () => {
  it('maps a running file to run, keeps a negative offset and leaves absent power null', () => {
    const run = encodeFitActivity({
      sport: 'running',
      start,
      seconds: 120,
      utcOffsetMin: -240,
      serialNumber: 42,
      heartRate: () => 150,
      speed: () => 3.2,
    });
    const { activity, samples } = readFitActivity(run, options);
    expect(activity).toMatchObject({
      sport: 'run',
      utc_offset_min: -240,
      moving_time_s: 120,
      elapsed_time_s: 120,
      distance_m: 384,
      avg_hr_bpm: 150,
      avg_power_w: null,
      elevation_gain_m: 0,
      device: 'garmin fr945',
    });
    expect(samples).toHaveLength(120);
    expect(samples[0]).toMatchObject({ power_w: null, altitude_m: null, hr_bpm: 150, speed_mps: 3.2 });
  });

  it('uses the fallback offset when the activity message has no local timestamp', () => {
    const withoutLocalTime = rewrite(encodeFitActivity(ride), (num, mesg) => {
      if (num !== ACTIVITY) return mesg;
      return { ...(mesg as ActivityMesg), localTimestamp: undefined };
    });
    expect(readFitActivity(withoutLocalTime, { ...options, fallbackUtcOffsetMin: 60 }).activity.utc_offset_min).toBe(
      60,
    );
    expect(readFitActivity(withoutLocalTime, options).activity.utc_offset_min).toBeNull();
  });

  it('gives the same activity id for the same file and another for another device', () => {
    const a = readFitActivity(encodeFitActivity(ride), options).activity.activity_id;
    const b = readFitActivity(encodeFitActivity({ ...ride, serialNumber: 7 }), options).activity.activity_id;
    expect(readFitActivity(encodeFitActivity(ride), options).activity.activity_id).toBe(a);
    expect(b).toBe(`fit-7-${start.getTime() / 1000}`);
  });
});

describe('readFitActivity on unusable bytes', () => {
  const bytes = encodeFitActivity({ ...ride, seconds: 60, pauseAt: undefined });
  const read = (b: Uint8Array) => () => readFitActivity(b, options);

  it('rejects garbage and empty input as not a FIT file', () => {
    const garbage = new TextEncoder().encode('time,hr,power\n0,120,200\n1,121,205\n');
    expect(read(garbage)).toThrow(InvalidFitFileError);
    expect(read(garbage)).toThrow(/not a FIT file/);
    expect(read(new Uint8Array(0))).toThrow(/not a FIT file/);
  });

  it('rejects a truncated or corrupted file', () => {
    expect(read(bytes.slice(0, bytes.length - 100))).toThrow(/corrupt or truncated FIT file/);
    const flipped = bytes.slice();
    flipped[bytes.length >> 1] = flipped[bytes.length >> 1]! ^ 0xff;
    expect(read(flipped)).toThrow(/corrupt or truncated FIT file/);
  });

  it('rejects a valid file without a session or without records', () => {
    expect(read(rewrite(bytes, (num, m) => (num === SESSION ? null : m)))).toThrow(/no session message/);
    expect(read(rewrite(bytes, (num, m) => (num === RECORD ? null : m)))).toThrow(/no record messages/);
  });

  it('rejects a FIT file that is not an activity', () => {
    const course = rewrite(bytes, (num, m) => (num === FILE_ID ? ({ ...m, type: 'course' } as FileIdMesg) : m));
    expect(read(course)).toThrow(/'course' file, not an activity/);
  });
});

describe('readFitActivity: device quirks', () => {
  const editSession = (bytes: Uint8Array, edit: (s: SessionMesg) => SessionMesg) =>
    rewrite(bytes, (num, m) => (num === SESSION ? edit(m as SessionMesg) : m));

  it('rounds the elapsed time up, so a record stamped in the last fraction of a second stays inside the activity', () => {
    // Records at 0..599 s; the device ends the session 598.4 s after its start (rounding to nearest gives 598).
    const bytes = editSession(encodeFitActivity({ ...ride, pauseAt: undefined }), (s) => ({
      ...s,
      totalElapsedTime: 598.4,
      totalTimerTime: 598.4,
    }));
    const { activity, samples } = readFitActivity(bytes, options);
    expect(samples.at(-1)!.t_s).toBe(599);
    expect(activity.elapsed_time_s).toBe(599);
    expect(activity.moving_time_s).toBe(598);
  });

  it('keeps an exact elapsed time as it is', () => {
    expect(readFitActivity(encodeFitActivity(ride), options).activity.elapsed_time_s).toBe(600);
  });

  it('stores no average power (or heart rate, or cadence) when the session says 0 and no record measured it', () => {
    const run = encodeFitActivity({
      sport: 'running',
      start,
      seconds: 120,
      utcOffsetMin: 0,
      serialNumber: 5,
      speed: () => 3,
    });
    const zeros = editSession(run, (s) => ({ ...s, avgPower: 0, maxPower: 0, avgHeartRate: 0, maxHeartRate: 0 }));
    expect(readFitActivity(zeros, options).activity).toMatchObject({
      avg_power_w: null,
      avg_hr_bpm: null,
      max_hr_bpm: null,
      avg_cadence: 85,
    });
  });

  it('keeps an average of 0 W when the records did measure power (a ride coasted throughout)', () => {
    const coasting = encodeFitActivity({ ...ride, power: () => 0 });
    expect(readFitActivity(coasting, options).activity.avg_power_w).toBe(0);
  });
});

describe('readFitActivities on a multisport file', () => {
  const bike: FitActivitySpec = { ...ride, pauseAt: undefined, seconds: 600 };
  const runLeg: FitActivitySpec = {
    sport: 'running',
    start: new Date(start.getTime() + 660_000),
    seconds: 300,
    utcOffsetMin: 120,
    serialNumber: ride.serialNumber,
    heartRate: () => 160,
    speed: () => 3.5,
  };
  const brick = encodeMultisportFit([bike, runLeg]);

  it('gives one activity per session, with stable ids from the file and the session index', () => {
    const legs = readFitActivities(brick, options);
    const base = `fit-3391234567-${start.getTime() / 1000}`;
    expect(legs.map((l) => l.activity.activity_id)).toEqual([`${base}-s1`, `${base}-s2`]);
    expect(readFitActivities(brick, options).map((l) => l.activity.activity_id)).toEqual([`${base}-s1`, `${base}-s2`]);
    expect(legs.map((l) => l.activity.sport)).toEqual(['ride', 'run']);
    expect(legs.map((l) => l.activity.start_time_utc)).toEqual(['2024-05-01 06:30:00', '2024-05-01 06:41:00']);
    expect(legs.map((l) => [l.activity.moving_time_s, l.activity.elapsed_time_s])).toEqual([
      [600, 600],
      [300, 300],
    ]);
  });

  it('gives each leg its own records, timed from its own start', () => {
    const [first, second] = readFitActivities(brick, options);
    expect(first!.samples).toHaveLength(600);
    expect(second!.samples).toHaveLength(300);
    expect([second!.samples[0]!.t_s, second!.samples.at(-1)!.t_s]).toEqual([0, 299]);
    expect(
      second!.samples.every(
        (s) => s.hr_bpm === 160 && s.power_w === null && s.activity_id === second!.activity.activity_id,
      ),
    ).toBe(true);
  });

  it('refuses to read a multisport file as one activity', () => {
    expect(() => readFitActivity(brick, options)).toThrow(/2 sessions/);
  });
});
