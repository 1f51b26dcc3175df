import { beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../clickhouse/client.js';
import { computeActivityFeatures } from '../../features/activity/compute.js';
import { freshDatabase, rows } from '../support/clickhouse.js';

// ---------------------------------------------------------------------------------------------------
// Raw rows, inserted directly into the tables ingestion writes.

interface Activity {
  activity_id: string;
  athlete_id?: string;
  sport?: 'ride' | 'run' | 'swim' | 'other';
  start_time_utc?: string;
  utc_offset_min?: number;
  moving_time_s: number;
  distance_m?: number;
  elevation_gain_m?: number;
  avg_hr_bpm?: number | null;
  max_hr_bpm?: number | null;
  avg_power_w?: number | null;
  ingested_at?: string;
}

interface Thresholds {
  effective_from: string;
  ftp_w?: number | null;
  lthr_bpm?: number | null;
  max_hr_bpm?: number | null;
  threshold_pace_s_per_km?: number | null;
}

interface Sample {
  t_s: number;
  hr_bpm?: number | null;
  power_w?: number | null;
  speed_mps?: number | null;
  altitude_m?: number | null;
}

const ATHLETE = 'ath-1';

async function insert(ch: ClickHouse, table: string, values: object[]): Promise<void> {
  await ch.client.insert({ table: `${ch.db}.${table}`, values, format: 'JSONEachRow' });
}

async function addAthlete(ch: ClickHouse, athleteId = ATHLETE): Promise<void> {
  await insert(ch, 'athletes', [
    {
      athlete_id: athleteId,
      name: 'Test',
      sex: 'X',
      birth_year: 1990,
      time_zone: 'UTC',
      content_hash: 0,
      ingested_at: '2024-01-01 00:00:00.000',
    },
  ]);
}

async function addThresholds(ch: ClickHouse, list: Thresholds[], athleteId = ATHLETE): Promise<void> {
  await insert(
    ch,
    'athlete_thresholds',
    list.map((t) => ({
      athlete_id: athleteId,
      ftp_w: null,
      lthr_bpm: null,
      max_hr_bpm: null,
      resting_hr_bpm: null,
      threshold_pace_s_per_km: null,
      content_hash: 0,
      ingested_at: '2024-01-01 00:00:00.000',
      ...t,
    })),
  );
}

async function addActivity(ch: ClickHouse, a: Activity, samples: Sample[] = []): Promise<void> {
  await insert(ch, 'activities', [
    {
      athlete_id: ATHLETE,
      sport: 'ride',
      start_time_utc: '2024-01-10 08:00:00',
      utc_offset_min: 0,
      distance_m: 0,
      elapsed_time_s: a.moving_time_s,
      elevation_gain_m: 0,
      avg_hr_bpm: null,
      max_hr_bpm: null,
      avg_power_w: null,
      avg_cadence: null,
      device: 'test',
      source: 'test',
      content_hash: 0,
      ingested_at: '2024-01-20 00:00:00.000',
      ...a,
    },
  ]);
  if (samples.length > 0) {
    await insert(
      ch,
      'activity_streams',
      samples.map((s) => ({
        athlete_id: a.athlete_id ?? ATHLETE,
        activity_id: a.activity_id,
        hr_bpm: null,
        power_w: null,
        speed_mps: null,
        altitude_m: null,
        cadence: null,
        distance_m: null,
        ...s,
      })),
    );
  }
}

async function scope(
  ch: ClickHouse,
  runId: string,
  fromDate = '2000-01-01',
  athleteId = ATHLETE,
  bucket = 0,
): Promise<void> {
  await insert(ch, 'feature_scope', [{ run_id: runId, bucket, athlete_id: athleteId, from_date: fromDate }]);
}

/** A 1 Hz stream from t = start, one sample per entry. */
function perSecond(values: Omit<Sample, 't_s'>[], start = 0): Sample[] {
  return values.map((v, i) => ({ t_s: start + i, ...v }));
}

function repeat<T>(n: number, f: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

interface Features {
  activity_id: string;
  local_date: string;
  sport: string;
  start_hour_local: number;
  weekday_local: number;
  moving_time_s: number;
  avg_speed_mps: number;
  normalized_speed_mps: number;
  climb_m_per_km: number | null;
  avg_hr_bpm: number | null;
  max_hr_bpm_observed: number | null;
  avg_power_w: number | null;
  np_w: number | null;
  peak_5min_power_w: number | null;
  peak_20min_power_w: number | null;
  variability_index: number | null;
  efficiency_basis: string;
  efficiency_factor: number | null;
  aerobic_decoupling_pct: number | null;
  intensity_factor: number | null;
  tss: number | null;
  tss_method: string;
  ftp_w: number | null;
  lthr_bpm: number | null;
  max_hr_bpm: number | null;
  threshold_pace_s_per_km: number | null;
  below_z1_s: number;
  z1_s: number;
  z2_s: number;
  z3_s: number;
  z4_s: number;
  z5_s: number;
  hr_covered_s: number;
  hr_coverage: number;
  below_z1_share: number;
  z1_share: number;
  z2_share: number;
  z3_share: number;
  z4_share: number;
  z5_share: number;
  has_stream: number;
  run_id: string;
  version: string | number;
  computed_at: string;
}

async function features(ch: ClickHouse): Promise<Map<string, Features>> {
  const list = await rows<Features>(ch, `SELECT * FROM ${ch.db}.activity_features FINAL ORDER BY activity_id`);
  return new Map(list.map((r) => [r.activity_id, r]));
}

async function computeOne(ch: ClickHouse, runId = 'run-1'): Promise<Map<string, Features>> {
  await scope(ch, runId);
  await computeActivityFeatures(ch, { runId, version: 1, bucket: 0 });
  return features(ch);
}

function get(map: Map<string, Features>, id: string): Features {
  const f = map.get(id);
  if (!f) throw new Error(`no features for ${id}`);
  return f;
}

/** NP by the definition, straight from a 1 Hz series (30 s full windows, 4th power mean, 4th root). */
function normalizedPowerOf(series: number[]): number {
  const rolling = repeat(series.length - 29, (i) => series.slice(i, i + 30).reduce((s, p) => s + p, 0) / 30);
  return (rolling.reduce((s, r) => s + r ** 4, 0) / rolling.length) ** 0.25;
}

/** Minetti et al. 2002, energy cost of running, J/(kg·m), at grade g (published polynomial). */
function minettiCost(g: number): number {
  return 155.4 * g ** 5 - 30.4 * g ** 4 - 43.3 * g ** 3 + 46.3 * g ** 2 + 19.5 * g + 3.6;
}

// ---------------------------------------------------------------------------------------------------

describe('activity features: published TSS vectors', () => {
  let f: Map<string, Features>;
  beforeAll(async () => {
    const ch = await freshDatabase();
    await addAthlete(ch);
    await addThresholds(ch, [{ effective_from: '2023-01-01', ftp_w: 300 }]);
    await addActivity(
      ch,
      { activity_id: 'steady-300', moving_time_s: 3600 },
      perSecond(repeat(3600, () => ({ power_w: 300 }))),
    );
    await addActivity(
      ch,
      { activity_id: 'ramp', moving_time_s: 3600 },
      perSecond(repeat(3600, (t) => ({ power_w: 60 + Math.floor(t / 15) }))),
    );
    f = await computeOne(ch);
  });

  it('NP 300 W at FTP 300 W for 3600 s gives TSS 100 (Coggan; 60 min at 100 % FTP, trainerday)', () => {
    const r = get(f, 'steady-300');
    expect(r.tss_method).toBe('power');
    expect(r.np_w).toBeCloseTo(300, 3);
    expect(r.intensity_factor).toBeCloseTo(1, 6);
    expect(r.tss).toBeCloseTo(100, 3);
    expect(r.ftp_w).toBe(300);
  });

  it('a 60 min ramp from 20 % to 100 % FTP gives TSS 50 within what the ramp NP allows', () => {
    // Power p(t) = 60 + floor(t / 15) W for t = 0..3599: a 1 W staircase from 20 % (60 W) to ~100 % (299 W) of FTP 300.
    // Any 30 consecutive seconds hold each residue of t mod 15 exactly twice, so the 30 s mean ending at t is
    // exactly 60 + (t - 14.5 - 7) / 15 = 60 + (t - 21.5) / 15: linear. Over the full windows t = 29..3599:
    //   NP = (mean of (60 + (t - 21.5) / 15)^4)^(1/4) = 211.245 W, IF = 0.70415, TSS = 100 · IF² = 49.583.
    // The continuous ramp 20→100 % has IF = ((1 - 0.2^5) / (5 · 0.8))^(1/4) = 0.7071, TSS 49.99 ≈ 50 (the vector);
    // the staircase and the 29 s with no full window take the rest.
    const windows = repeat(3600 - 29, (i) => 60 + (i + 29 - 21.5) / 15);
    const np = (windows.reduce((s, r) => s + r ** 4, 0) / windows.length) ** 0.25;
    const expectedTss = 100 * (np / 300) ** 2;
    const r = get(f, 'ramp');
    expect(r.np_w).toBeCloseTo(np, 2);
    expect(r.tss).toBeCloseTo(expectedTss, 2);
    expect(Math.abs((r.tss ?? 0) - 50)).toBeLessThan(0.5);
  });
});

describe('activity features: Normalized Power over the 1 Hz sample-and-hold series', () => {
  let f: Map<string, Features>;
  const segment1 = repeat(1800, (t) => ({ power_w: 150 + ((t * 37) % 200) }));
  const segment2 = repeat(1800, (t) => ({ power_w: 250 + ((t * 53) % 120) }));
  beforeAll(async () => {
    const ch = await freshDatabase();
    await addAthlete(ch);
    await addThresholds(ch, [{ effective_from: '2023-01-01', ftp_w: 250 }]);
    await addActivity(
      ch,
      { activity_id: 'short-29', moving_time_s: 29 },
      perSecond(repeat(29, () => ({ power_w: 200 }))),
    );
    await addActivity(
      ch,
      { activity_id: 'short-30', moving_time_s: 30 },
      perSecond(repeat(30, () => ({ power_w: 200 }))),
    );
    // A 10 min stop (no samples) between two segments.
    await addActivity(ch, { activity_id: 'with-stop', moving_time_s: 3604 }, [
      ...perSecond(segment1),
      ...perSecond(segment2, 2400),
    ]);
    // The same riding without the stop: the last sample before the stop stands for 5 s (the cap), so the
    // second segment follows at t = 1804, which is the same 1 Hz series.
    await addActivity(ch, { activity_id: 'no-stop', moving_time_s: 3604 }, [
      ...perSecond(segment1),
      ...perSecond(segment2, 1804),
    ]);
    // The stop recorded as 0 W samples instead: zero-filling, which must lower NP.
    await addActivity(ch, { activity_id: 'zero-filled', moving_time_s: 4200 }, [
      ...perSecond(segment1),
      ...perSecond(
        repeat(600, () => ({ power_w: 0 })),
        1800,
      ),
      ...perSecond(segment2, 2400),
    ]);
    // Samples every 2 s (each stands for 2 s) with one 5 s gap: sample-and-hold fills both.
    await addActivity(
      ch,
      { activity_id: 'sparse', moving_time_s: 1200 },
      repeat(600, (i) => ({ t_s: i * 2 + (i >= 300 ? 1 : 0), power_w: i % 2 === 0 ? 100 : 300 })).filter(
        (s) => s.t_s !== 601,
      ),
    );
    f = await computeOne(ch);
  });

  it('gives no NP under 30 s (no full window) and the power for 30 s at constant power', () => {
    expect(get(f, 'short-29').np_w).toBeNull();
    expect(get(f, 'short-29').tss_method).toBe('none');
    expect(get(f, 'short-29').tss).toBeNull();
    expect(get(f, 'short-30').np_w).toBeCloseTo(200, 4);
    expect(get(f, 'short-30').tss_method).toBe('power');
  });

  it('leaves pauses over 5 s out instead of filling them', () => {
    const stop = get(f, 'with-stop');
    const noStop = get(f, 'no-stop');
    const holdLast = [
      ...segment1.map((s) => s.power_w),
      ...repeat(4, () => segment1[1799]!.power_w),
      ...segment2.map((s) => s.power_w),
    ];
    expect(stop.np_w).toBeCloseTo(normalizedPowerOf(holdLast), 2);
    expect(stop.np_w).toBeCloseTo(noStop.np_w!, 3);
    expect(stop.avg_power_w).toBeCloseTo(noStop.avg_power_w!, 3);
    expect(get(f, 'zero-filled').np_w!).toBeLessThan(stop.np_w! - 10);
  });

  it('holds each sample for the gap to the next one (up to 5 s)', () => {
    const samples = repeat(600, (i) => ({ t: i * 2 + (i >= 300 ? 1 : 0), p: i % 2 === 0 ? 100 : 300 })).filter(
      (s) => s.t !== 601,
    );
    const series = samples.flatMap((s, i) => repeat(i + 1 < samples.length ? samples[i + 1]!.t - s.t : 1, () => s.p));
    expect(series.length).toBe(1200);
    expect(get(f, 'sparse').np_w).toBeCloseTo(normalizedPowerOf(series), 2);
    expect(get(f, 'sparse').avg_power_w).toBeCloseTo(series.reduce((a, b) => a + b, 0) / series.length, 3);
  });
});

describe('activity features: duplicate samples', () => {
  it('counts a sample stored twice once', async () => {
    const ch = await freshDatabase();
    await addAthlete(ch);
    await addThresholds(ch, [{ effective_from: '2023-01-01', ftp_w: 250, max_hr_bpm: 190 }]);
    const mixed = perSecond(repeat(900, (t) => ({ power_w: 100 + ((t * 29) % 250), hr_bpm: 110 + (t % 60) })));
    await addActivity(ch, { activity_id: 'once', moving_time_s: 900 }, mixed);
    await addActivity(ch, { activity_id: 'twice', moving_time_s: 900 }, mixed);
    // A retried upload that skipped the delete: every second twice. The first copy stands for 0 s.
    await insert(
      ch,
      'activity_streams',
      mixed.map((m) => ({ athlete_id: ATHLETE, activity_id: 'twice', ...m })),
    );
    const f = await computeOne(ch);
    const { activity_id: _a, ...once } = get(f, 'once');
    const { activity_id: _b, ...twice } = get(f, 'twice');
    expect(twice).toEqual(once);
    expect(once.hr_covered_s).toBe(900);
  });
});

describe('activity features: heart-rate zones', () => {
  let f: Map<string, Features>;
  beforeAll(async () => {
    const ch = await freshDatabase();
    await addAthlete(ch);
    await addThresholds(ch, [{ effective_from: '2023-01-01', max_hr_bpm: 200 }]);
    // [bpm, seconds]: each zone edge exactly (100 = 50 %, 120 = 60 %, … 180 = 90 % of 200) and one bpm below it.
    const blocks: [number, number][] = [
      [99, 10],
      [100, 11],
      [119, 12],
      [120, 13],
      [139, 14],
      [140, 15],
      [159, 16],
      [160, 17],
      [179, 18],
      [180, 19],
      [200, 20],
    ];
    await addActivity(
      ch,
      { activity_id: 'edges', moving_time_s: 165 },
      perSecond(blocks.flatMap(([bpm, n]) => repeat(n, () => ({ hr_bpm: bpm })))),
    );
    // HR 0 is no reading: the sample before it stands for the gap to the next non-zero reading.
    await addActivity(
      ch,
      { activity_id: 'hr-zero', moving_time_s: 10 },
      perSecond(repeat(10, (t) => ({ hr_bpm: t === 5 ? 0 : 150 }))),
    );
    // Gaps: 3 s is filled, 20 s is a pause (the sample stands for 5 s), the last sample for 1 s.
    await addActivity(ch, { activity_id: 'gaps', moving_time_s: 20 }, [
      { t_s: 0, hr_bpm: 140 },
      { t_s: 3, hr_bpm: 160 },
      { t_s: 23, hr_bpm: 180 },
    ]);
    f = await computeOne(ch);
  });

  it('puts each zone edge in the upper zone (lower bound inclusive) and below 50 % in below_z1', () => {
    const r = get(f, 'edges');
    expect([r.below_z1_s, r.z1_s, r.z2_s, r.z3_s, r.z4_s, r.z5_s]).toEqual([10, 23, 27, 31, 35, 39]);
    expect(r.hr_covered_s).toBe(165);
    expect(r.hr_coverage).toBeCloseTo(1, 6);
    expect(r.z5_share).toBeCloseTo(39 / 165, 6);
    expect(r.below_z1_share + r.z1_share + r.z2_share + r.z3_share + r.z4_share + r.z5_share).toBeCloseTo(1, 5);
    expect(r.max_hr_bpm).toBe(200);
    expect(r.max_hr_bpm_observed).toBe(200);
  });

  it('excludes HR 0 readings', () => {
    const r = get(f, 'hr-zero');
    expect(r.avg_hr_bpm).toBeCloseTo(150, 5);
    expect(r.below_z1_s).toBe(0);
    expect(r.z3_s).toBe(10);
    expect(r.hr_covered_s).toBe(10);
  });

  it('counts each HR sample for the gap to the next, capped at 5 s', () => {
    const r = get(f, 'gaps');
    expect([r.z3_s, r.z4_s, r.z5_s]).toEqual([3, 5, 1]);
    expect(r.hr_covered_s).toBe(9);
    expect(r.hr_coverage).toBeCloseTo(9 / 20, 6);
    expect(r.avg_hr_bpm).toBeCloseTo((140 * 3 + 160 * 5 + 180) / 9, 4);
  });
});

describe('activity features: thresholds, methods and dates', () => {
  let f: Map<string, Features>;
  beforeAll(async () => {
    const ch = await freshDatabase();
    await addAthlete(ch);
    await addThresholds(ch, [
      { effective_from: '2024-01-01', ftp_w: 250, lthr_bpm: 160, max_hr_bpm: 190, threshold_pace_s_per_km: 300 },
      // A test that measured LTHR only: FTP carries forward from January.
      { effective_from: '2024-02-01', lthr_bpm: 170 },
      { effective_from: '2024-03-15', ftp_w: 300 },
    ]);
    const steady250 = perSecond(repeat(3600, () => ({ power_w: 250 })));
    await addActivity(
      ch,
      { activity_id: 'jan-ride', start_time_utc: '2024-01-20 08:00:00', moving_time_s: 3600 },
      steady250,
    );
    await addActivity(
      ch,
      { activity_id: 'feb-ride', start_time_utc: '2024-02-20 08:00:00', moving_time_s: 3600 },
      steady250,
    );
    await addActivity(
      ch,
      { activity_id: 'mar-ride', start_time_utc: '2024-03-20 08:00:00', moving_time_s: 3600 },
      steady250,
    );
    // No power: heart rate (avg HR / LTHR).
    await addActivity(
      ch,
      { activity_id: 'hr-ride', start_time_utc: '2024-01-21 08:00:00', moving_time_s: 1800, distance_m: 15000 },
      perSecond(repeat(1800, () => ({ hr_bpm: 150, speed_mps: 8 }))),
    );
    // A run without HR on a steady 5 % climb at 3 m/s: pace, grade-adjusted.
    await addActivity(
      ch,
      {
        activity_id: 'hill-run',
        sport: 'run',
        start_time_utc: '2024-01-22 08:00:00',
        moving_time_s: 1200,
        distance_m: 3600,
        elevation_gain_m: 180,
      },
      perSecond(repeat(1200, (t) => ({ speed_mps: 3, altitude_m: 100 + 0.15 * t }))),
    );
    // The same run without an altitude stream: moving speed.
    await addActivity(
      ch,
      {
        activity_id: 'flat-run',
        sport: 'run',
        start_time_utc: '2024-01-23 08:00:00',
        moving_time_s: 1200,
        distance_m: 3600,
      },
      perSecond(repeat(1200, () => ({ speed_mps: 3 }))),
    );
    // Summaries only.
    await addActivity(ch, {
      activity_id: 'summary-run',
      sport: 'run',
      start_time_utc: '2024-01-24 08:00:00',
      moving_time_s: 3000,
      distance_m: 10000,
      elevation_gain_m: 150,
    });
    await addActivity(ch, {
      activity_id: 'summary-power',
      start_time_utc: '2024-01-25 08:00:00',
      moving_time_s: 3600,
      avg_power_w: 200,
      avg_hr_bpm: 140,
    });
    await addActivity(ch, {
      activity_id: 'summary-hr',
      sport: 'other',
      start_time_utc: '2024-01-26 08:00:00',
      moving_time_s: 3600,
      avg_hr_bpm: 144,
      max_hr_bpm: 170,
    });
    await addActivity(ch, {
      activity_id: 'swim',
      sport: 'swim',
      start_time_utc: '2024-01-27 08:00:00',
      moving_time_s: 1800,
      distance_m: 2000,
    });
    // 23:30 local in UTC-5 is 04:30 UTC the next day.
    await addActivity(ch, {
      activity_id: 'late',
      sport: 'swim',
      start_time_utc: '2024-01-11 04:30:00',
      utc_offset_min: -300,
      moving_time_s: 600,
    });
    // Ingested twice: the newer version wins.
    await addActivity(ch, {
      activity_id: 'corrected',
      start_time_utc: '2024-01-28 08:00:00',
      moving_time_s: 3600,
      avg_power_w: 250,
      ingested_at: '2024-02-01 00:00:00.000',
    });
    await addActivity(ch, {
      activity_id: 'corrected',
      start_time_utc: '2024-01-28 08:00:00',
      moving_time_s: 1800,
      avg_power_w: 250,
      ingested_at: '2024-02-02 00:00:00.000',
    });
    f = await computeOne(ch);
  });

  it('uses the FTP effective on the local date: a March test does not change January', () => {
    expect(get(f, 'jan-ride')).toMatchObject({ ftp_w: 250, tss_method: 'power' });
    expect(get(f, 'jan-ride').tss).toBeCloseTo(100, 3);
    expect(get(f, 'mar-ride').ftp_w).toBe(300);
    expect(get(f, 'mar-ride').tss).toBeCloseTo(100 * (250 / 300) ** 2, 3);
  });

  it('carries a threshold forward past a newer row where it is NULL', () => {
    expect(get(f, 'feb-ride')).toMatchObject({
      ftp_w: 250,
      lthr_bpm: 170,
      max_hr_bpm: 190,
      threshold_pace_s_per_km: 300,
    });
    expect(get(f, 'feb-ride').tss).toBeCloseTo(100, 3);
    expect(get(f, 'jan-ride').lthr_bpm).toBe(160);
  });

  it('falls back to heart rate without power', () => {
    const r = get(f, 'hr-ride');
    expect(r.tss_method).toBe('heart_rate');
    expect(r.intensity_factor).toBeCloseTo(150 / 160, 5);
    expect(r.tss).toBeCloseTo((1800 * (150 / 160) ** 2) / 36, 3);
    expect(r.efficiency_basis).toBe('speed');
    expect(r.efficiency_factor).toBeCloseTo((8 * 60) / 150, 4);
  });

  it('uses grade-adjusted pace for a run without HR (Minetti 2002 cost)', () => {
    const r = get(f, 'hill-run');
    const gradeAdjusted = (3 * minettiCost(0.05)) / minettiCost(0);
    expect(r.tss_method).toBe('pace');
    expect(r.normalized_speed_mps).toBeCloseTo(gradeAdjusted, 3);
    expect(r.intensity_factor).toBeCloseTo(gradeAdjusted / (1000 / 300), 3);
    expect(r.tss).toBeCloseTo((1200 * (gradeAdjusted / (1000 / 300)) ** 2) / 36, 1);
    expect(r.climb_m_per_km).toBeCloseTo(50, 4);
    const flat = get(f, 'flat-run');
    expect(flat.normalized_speed_mps).toBeCloseTo(3, 5);
    expect(flat.intensity_factor).toBeCloseTo(0.9, 5);
  });

  it('uses summary values without a stream', () => {
    const run = get(f, 'summary-run');
    expect(run).toMatchObject({ has_stream: 0, tss_method: 'pace', hr_covered_s: 0 });
    expect(run.normalized_speed_mps).toBeCloseTo(10000 / 3000, 4);
    expect(run.tss).toBeCloseTo(3000 / 36, 2);
    expect(run.climb_m_per_km).toBeCloseTo(15, 5);
    const power = get(f, 'summary-power');
    // NP unknown: the summary average power stands in (IF = avg power / FTP), np_w stays NULL.
    expect(power).toMatchObject({ tss_method: 'power', np_w: null, avg_power_w: 200, efficiency_basis: 'power' });
    expect(power.intensity_factor).toBeCloseTo(0.8, 6);
    expect(power.efficiency_factor).toBeCloseTo(200 / 140, 5);
    const hr = get(f, 'summary-hr');
    expect(hr).toMatchObject({ tss_method: 'heart_rate', avg_hr_bpm: 144, max_hr_bpm_observed: 170, z1_s: 0 });
    expect(hr.intensity_factor).toBeCloseTo(144 / 160, 5);
  });

  it('gives a swim with nothing to go on no TSS (NULL, not 0)', () => {
    const r = get(f, 'swim');
    expect(r).toMatchObject({ tss_method: 'none', tss: null, intensity_factor: null, has_stream: 0 });
    expect(r.avg_speed_mps).toBeCloseTo(2000 / 1800, 5);
  });

  it('dates an activity by its local start: 23:30 in UTC-5 stays on that day', () => {
    expect(get(f, 'late')).toMatchObject({ local_date: '2024-01-10', start_hour_local: 23, weekday_local: 3 });
  });

  it('reads the newest version of a re-ingested activity', () => {
    expect(get(f, 'corrected').moving_time_s).toBe(1800);
    expect(get(f, 'corrected').tss).toBeCloseTo(50, 3);
  });
});

describe('activity features: efficiency, decoupling and peak power', () => {
  let f: Map<string, Features>;
  beforeAll(async () => {
    const ch = await freshDatabase();
    await addAthlete(ch);
    await addThresholds(ch, [{ effective_from: '2023-01-01', ftp_w: 300, lthr_bpm: 165, max_hr_bpm: 190 }]);
    // Steady 200 W for 40 min while HR drifts from 140 (first half) to 150 bpm (second half).
    await addActivity(
      ch,
      { activity_id: 'drift', moving_time_s: 2400 },
      perSecond(repeat(2400, (t) => ({ power_w: 200, hr_bpm: t < 1200 ? 140 : 150 }))),
    );
    // 15 min at 200 W then 5 min at 350 W.
    await addActivity(
      ch,
      { activity_id: 'peaks', moving_time_s: 1200 },
      perSecond(repeat(1200, (t) => ({ power_w: t < 900 ? 200 : 350 }))),
    );
    f = await computeOne(ch);
  });

  it('computes EF = NP / avg HR and decoupling between the halves of moving time', () => {
    const r = get(f, 'drift');
    expect(r.efficiency_basis).toBe('power');
    expect(r.efficiency_factor).toBeCloseTo(200 / 145, 4);
    const ef1 = 200 / 140;
    const ef2 = 200 / 150;
    expect(r.aerobic_decoupling_pct).toBeCloseTo(((ef1 - ef2) / ef1) * 100, 3);
    expect(r.variability_index).toBeCloseTo(1, 6);
    expect(r.peak_20min_power_w).toBeCloseTo(200, 4);
  });

  it('finds the best 5 and 20 minutes and the variability index', () => {
    const r = get(f, 'peaks');
    expect(r.peak_5min_power_w).toBeCloseTo(350, 4);
    expect(r.peak_20min_power_w).toBeCloseTo((900 * 200 + 300 * 350) / 1200, 4);
    expect(r.avg_power_w).toBeCloseTo(237.5, 4);
    const series = repeat(1200, (t) => (t < 900 ? 200 : 350));
    expect(r.np_w).toBeCloseTo(normalizedPowerOf(series), 2);
    expect(r.variability_index).toBeCloseTo(normalizedPowerOf(series) / 237.5, 4);
  });
});

describe('activity features: scope and idempotence', () => {
  it('computes only the scoped athletes and dates, and a re-run writes no duplicates and the same values', async () => {
    const ch = await freshDatabase();
    await addAthlete(ch);
    await addAthlete(ch, 'ath-2');
    await addThresholds(ch, [{ effective_from: '2023-01-01', ftp_w: 250, max_hr_bpm: 190 }]);
    await addActivity(ch, { activity_id: 'before', start_time_utc: '2024-01-05 08:00:00', moving_time_s: 600 });
    await addActivity(
      ch,
      { activity_id: 'a1', start_time_utc: '2024-01-10 08:00:00', moving_time_s: 600 },
      perSecond(repeat(600, (t) => ({ power_w: 150 + (t % 50), hr_bpm: 130 + (t % 30) }))),
    );
    await addActivity(ch, {
      activity_id: 'a2',
      start_time_utc: '2024-01-11 08:00:00',
      moving_time_s: 900,
      avg_power_w: 180,
    });
    await addActivity(ch, { activity_id: 'other-athlete', athlete_id: 'ath-2', moving_time_s: 600 });
    await insert(ch, 'pipeline_runs', [
      {
        run_id: 'run-9',
        pipeline: 'features',
        version: 9,
        as_of: '2024-01-31',
        full_recompute: 0,
        status: 'running',
        watermark: '2024-01-31 00:00:00.000',
        athletes_touched: 1,
        summary: '',
        checks: '',
        error: '',
        started_at: '2024-02-01 03:00:00.000',
        updated_at: '2024-02-01 03:00:00.000',
      },
    ]);
    await scope(ch, 'run-9', '2024-01-10');

    expect(await computeActivityFeatures(ch, { runId: 'run-9', version: 9, bucket: 0 })).toBe(2);
    const first = [...(await features(ch)).values()];
    expect(first.map((r) => r.activity_id)).toEqual(['a1', 'a2']);
    for (const r of first)
      expect({ ...r, version: Number(r.version) }).toMatchObject({
        run_id: 'run-9',
        version: 9,
        computed_at: '2024-02-01 03:00:00.000',
      });

    expect(await computeActivityFeatures(ch, { runId: 'run-9', version: 9, bucket: 0 })).toBe(2);
    // Another bucket of the same run has nothing of this athlete.
    expect(await computeActivityFeatures(ch, { runId: 'run-9', version: 9, bucket: 1 })).toBe(0);
    await ch.client.command({ query: `OPTIMIZE TABLE ${ch.db}.activity_features FINAL` });
    const [counts] = await rows<{ plain: string | number; final: string | number }>(
      ch,
      `SELECT (SELECT count() FROM ${ch.db}.activity_features) AS plain, (SELECT count() FROM ${ch.db}.activity_features FINAL) AS final`,
    );
    expect([Number(counts?.plain), Number(counts?.final)]).toEqual([2, 2]);
    expect([...(await features(ch)).values()]).toEqual(first);
  });
});
