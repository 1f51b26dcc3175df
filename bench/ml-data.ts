import { generatePopulation } from '../generator/index.js';
import { SPORTS } from '../shared/records.js';
import type { Dataset } from '../ml/gbdt/types.js';

/**
 * Time-estimator data for the ML benchmark, built in memory from the synthetic population (the product's own
 * pipeline builds it in ClickHouse; the benchmark measures the trainer, so it needs the matrices, not the tables).
 * Per activity: what a planner knows before the start plus trailing features of the athlete strictly before the
 * activity's local date; label = moving time (s). Split by local date: the last 8 weeks are the test hold-out, the
 * 8 weeks before them validation, the rest training.
 */
export const FEATURE_NAMES = [
  'sport',
  'distance_km',
  'elevation_gain_m',
  'climb_m_per_km',
  'start_hour',
  'weekday',
  'speed_28d_sport',
  'speed_90d_sport',
  'last_speed_sport',
  'count_28d_sport',
  'hours_7d',
  'hours_28d',
  'km_7d',
  'km_28d',
  'days_since_last',
  'days_since_last_sport',
  'ctl_hours',
  'atl_hours',
  'tsb_hours',
  'climb_28d_sport',
  'baseline_s',
] as const;

const F = FEATURE_NAMES.length;
const DAY_MS = 86_400_000;
const SPLIT_DAYS = 56;

export interface MlBenchData {
  train: Dataset;
  valid: Dataset;
  test: Dataset;
  /** the test rows' naive baseline (distance ÷ 28-day sport speed, else the sport's median training speed) */
  testBaseline: Float64Array;
  athletes: number;
}

interface Activity {
  day: number;
  hour: number;
  sport: number;
  distanceM: number;
  elevationM: number;
  movingS: number;
}

export function buildMlBenchData(athletes: number, days: number, endDate: string, seed = 1): MlBenchData {
  const rows: { day: number; x: Float32Array; y: number }[] = [];
  for (const a of generatePopulation({ seed, athletes, days, endDate, streamShare: 0, dirtyShare: 0 })) {
    const activities = a.activities.map(toActivity).sort((p, q) => p.day - q.day || p.hour - q.hour);
    const features = athleteFeatures(activities);
    activities.forEach((act, i) =>
      rows.push({ day: act.day, x: features.subarray(i * F, (i + 1) * F), y: act.movingS }),
    );
  }
  const lastDay = Math.floor(Date.parse(`${endDate}T00:00:00Z`) / DAY_MS);
  const testFrom = lastDay - SPLIT_DAYS + 1;
  const validFrom = testFrom - SPLIT_DAYS;
  const train = toDataset(rows.filter((r) => r.day < validFrom));
  const valid = toDataset(rows.filter((r) => r.day >= validFrom && r.day < testFrom));
  const test = toDataset(rows.filter((r) => r.day >= testFrom));
  return { train, valid, test, testBaseline: baseline(train, test), athletes };
}

function toActivity(raw: Record<string, unknown>): Activity {
  const utcMs = Date.parse(`${String(raw.start_time_utc).replace(' ', 'T')}Z`);
  const localMs = utcMs + Number(raw.utc_offset_min) * 60_000;
  return {
    day: Math.floor(localMs / DAY_MS),
    hour: (localMs % DAY_MS) / 3_600_000,
    sport: SPORTS.indexOf(raw.sport as (typeof SPORTS)[number]),
    distanceM: Number(raw.distance_m),
    elevationM: Number(raw.elevation_gain_m),
    movingS: Number(raw.moving_time_s),
  };
}

/** One athlete's feature rows; history = activities on earlier local days only (none of the same day). */
function athleteFeatures(acts: Activity[]): Float32Array {
  const out = new Float32Array(acts.length * F);
  let historyEnd = 0; // acts[0..historyEnd) are on days before the current one
  const load = new EwmaLoad();
  for (let i = 0; i < acts.length; i++) {
    const a = acts[i]!;
    while (acts[historyEnd]!.day < a.day) load.add(acts[historyEnd]!.day, acts[historyEnd++]!.movingS / 3600);
    const x = out.subarray(i * F, (i + 1) * F);
    const w = windows(acts, historyEnd, a);
    const [ctl, atl] = load.asOf(a.day - 1);
    x.set([
      a.sport,
      a.distanceM / 1000,
      a.elevationM,
      a.distanceM > 0 ? a.elevationM / (a.distanceM / 1000) : NaN,
      a.hour,
      (a.day + 4) % 7, // 1970-01-01 was a Thursday: 0 = Monday
      w.speed28,
      w.speed90,
      w.lastSpeed,
      w.count28,
      w.hours7,
      w.hours28,
      w.km7,
      w.km28,
      historyEnd > 0 ? a.day - acts[historyEnd - 1]!.day : NaN,
      w.daysSinceSport,
      ctl,
      atl,
      ctl - atl,
      w.climb28,
      w.speed28 > 0 ? a.distanceM / w.speed28 : NaN,
    ]);
  }
  return out;
}

/** Trailing sums over the history (newest first, back 90 days). */
function windows(acts: Activity[], historyEnd: number, a: Activity) {
  const s = { d28: 0, t28: 0, d90: 0, t90: 0, e28: 0, count28: 0, hours7: 0, hours28: 0, km7: 0, km28: 0 };
  let lastSpeed = NaN;
  let daysSinceSport = NaN;
  for (let j = historyEnd - 1; j >= 0; j--) {
    const h = acts[j]!;
    const age = a.day - h.day;
    if (age > 90) break;
    const same = h.sport === a.sport;
    if (same && Number.isNaN(lastSpeed)) [lastSpeed, daysSinceSport] = [h.distanceM / h.movingS, age];
    if (same) [s.d90, s.t90] = [s.d90 + h.distanceM, s.t90 + h.movingS];
    if (age > 28) continue;
    if (same)
      [s.d28, s.t28, s.e28, s.count28] = [s.d28 + h.distanceM, s.t28 + h.movingS, s.e28 + h.elevationM, s.count28 + 1];
    [s.hours28, s.km28] = [s.hours28 + h.movingS / 3600, s.km28 + h.distanceM / 1000];
    if (age <= 7) [s.hours7, s.km7] = [s.hours7 + h.movingS / 3600, s.km7 + h.distanceM / 1000];
  }
  return {
    speed28: s.t28 > 0 ? s.d28 / s.t28 : NaN,
    speed90: s.t90 > 0 ? s.d90 / s.t90 : NaN,
    climb28: s.d28 > 0 ? s.e28 / (s.d28 / 1000) : NaN,
    lastSpeed,
    daysSinceSport,
    count28: s.count28,
    hours7: s.hours7,
    hours28: s.hours28,
    km7: s.km7,
    km28: s.km28,
  };
}

/** CTL/ATL-style exponentially weighted daily moving hours (42 and 7 days), rolled forward over rest days. */
class EwmaLoad {
  private day = -Infinity;
  private ctl = 0;
  private atl = 0;

  add(day: number, hours: number): void {
    if (day !== this.day) [this.ctl, this.atl, this.day] = [...this.asOf(day - 1), day];
    this.ctl += hours * (1 - Math.exp(-1 / 42));
    this.atl += hours * (1 - Math.exp(-1 / 7));
  }

  asOf(day: number): [number, number] {
    if (this.day === -Infinity) return [NaN, NaN];
    const gap = day - this.day;
    return [this.ctl * Math.exp(-gap / 42), this.atl * Math.exp(-gap / 7)];
  }
}

function toDataset(rows: { x: Float32Array; y: number }[]): Dataset {
  const features = new Float32Array(rows.length * F);
  const labels = new Float64Array(rows.length);
  rows.forEach((r, i) => {
    features.set(r.x, i * F);
    labels[i] = r.y;
  });
  return { features, labels, nRows: rows.length, nFeatures: F };
}

/** distance ÷ the athlete's 28-day speed for the sport, else ÷ the sport's median speed in the training rows. */
function baseline(train: Dataset, test: Dataset): Float64Array {
  const speeds: number[][] = SPORTS.map(() => []);
  for (let r = 0; r < train.nRows; r++) {
    const x = train.features.subarray(r * F, (r + 1) * F);
    speeds[x[0]!]!.push((x[1]! * 1000) / train.labels[r]!);
  }
  const medians = speeds.map((s) => s.sort((p, q) => p - q)[Math.floor(s.length / 2)] ?? 1);
  const out = new Float64Array(test.nRows);
  for (let r = 0; r < test.nRows; r++) {
    const x = test.features.subarray(r * F, (r + 1) * F);
    out[r] = x[20]! === x[20]! ? x[20]! : (x[1]! * 1000) / medians[x[0]!]!;
  }
  return out;
}
