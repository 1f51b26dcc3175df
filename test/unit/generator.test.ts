import { describe, expect, it } from 'vitest';
import {
  DIRTY_KINDS,
  generatePopulation,
  type GeneratedAthlete,
  type PopulationOptions,
} from '../../generator/index.js';
import type { ActivityRow, AthleteRow, ThresholdRow } from '../../shared/records.js';
import { LIMITS, SPORTS } from '../../shared/records.js';

const BASE: PopulationOptions = { seed: 42, athletes: 4, days: 120, endDate: '2024-06-30', streamShare: 0.2 };

function generate(options: Partial<PopulationOptions> = {}): GeneratedAthlete[] {
  return [...generatePopulation({ ...BASE, ...options })];
}

const isClean = (a: Record<string, unknown>): boolean =>
  typeof a.activity_id === 'string' && !a.activity_id.includes('-dirty-');
const cleanActivities = (athlete: GeneratedAthlete): ActivityRow[] =>
  athlete.activities.filter(isClean) as unknown as ActivityRow[];

/** A year of a mid-size population, shared by the plausibility checks (about 20 k activities). */
const year = generate({ seed: 7, athletes: 80, days: 365, endDate: '2024-12-31', streamShare: 0.05 });

describe('generator: determinism', () => {
  it('gives identical output for the same seed', () => {
    expect(generate()).toEqual(generate());
  });

  it('gives different output for a different seed', () => {
    expect(generate({ seed: 43 })).not.toEqual(generate());
  });

  it("makes athlete i's data independent of the population size", () => {
    const small = generate({ athletes: 2 });
    const large = generate({ athletes: 5 });
    expect(large.slice(0, 2)).toEqual(small);
  });

  it('leaves the summaries unchanged when only the stream share changes', () => {
    const without = generate({ streamShare: 0 });
    const withAll = generate({ streamShare: 1 });
    expect(withAll.map((a) => a.activities)).toEqual(without.map((a) => a.activities));
    expect(without.every((a) => a.streamPlans.length === 0)).toBe(true);
    expect(withAll.flatMap((a) => a.streamPlans)).toHaveLength(withAll.flatMap(cleanActivities).length);
  });

  it('rejects invalid options', () => {
    expect(() => generate({ endDate: '2024-13-45' })).toThrow(RangeError);
    expect(() => generate({ streamShare: 2 })).toThrow(/streamShare/);
  });
});

describe('generator: record shape', () => {
  const athletes = generate();
  const keys = (o: object) => Object.keys(o).sort();
  const activityKeys = keys({
    activity_id: 0,
    athlete_id: 0,
    sport: 0,
    start_time_utc: 0,
    utc_offset_min: 0,
    distance_m: 0,
    moving_time_s: 0,
    elapsed_time_s: 0,
    elevation_gain_m: 0,
    avg_hr_bpm: 0,
    max_hr_bpm: 0,
    avg_power_w: 0,
    avg_cadence: 0,
    device: 0,
    source: 0,
  } satisfies Record<keyof ActivityRow, 0>);
  const athleteKeys = keys({ athlete_id: 0, name: 0, sex: 0, birth_year: 0, time_zone: 0 } satisfies Record<
    keyof AthleteRow,
    0
  >);
  const thresholdKeys = keys({
    athlete_id: 0,
    effective_from: 0,
    ftp_w: 0,
    lthr_bpm: 0,
    max_hr_bpm: 0,
    resting_hr_bpm: 0,
    threshold_pace_s_per_km: 0,
  } satisfies Record<keyof ThresholdRow, 0>);

  it('uses exactly the field names of the row types, ids like a0001 and a0001-000123', () => {
    athletes.forEach((athlete, i) => {
      expect(keys(athlete.athlete)).toEqual(athleteKeys);
      expect(athlete.athlete.athlete_id).toBe(`a000${i + 1}`);
      for (const t of athlete.thresholds) expect(keys(t)).toEqual(thresholdKeys);
      for (const a of cleanActivities(athlete)) {
        expect(keys(a)).toEqual(activityKeys);
        expect(a.activity_id).toMatch(new RegExp(`^${athlete.athlete.athlete_id}-\\d{6}$`));
        expect(a.source).toBe('generator');
        expect(a.start_time_utc).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      }
    });
    const ids = athletes.flatMap((a) => a.activities.map((r) => r.activity_id)).filter((id) => id !== undefined);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives each activity the UTC offset of the athlete zone at its start, and keeps it within the calendar', () => {
    for (const athlete of year.slice(0, 10)) {
      const zone = String(athlete.athlete.time_zone);
      const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
      for (const a of cleanActivities(athlete)) {
        const utcMs = Date.parse(`${a.start_time_utc.replace(' ', 'T')}Z`);
        const name = format.formatToParts(new Date(utcMs)).find((p) => p.type === 'timeZoneName')!.value;
        const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
        const expected = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
        expect(a.utc_offset_min).toBe(expected);
        const localDate = new Date(utcMs + a.utc_offset_min * 60_000).toISOString().slice(0, 10);
        expect(localDate >= '2024-01-02' && localDate <= '2024-12-31').toBe(true);
      }
    }
  });
});

describe('generator: training', () => {
  it('keeps 1-2 rest days a week and mixes sports', () => {
    for (const athlete of year) {
      const clean = cleanActivities(athlete);
      const localDates = new Set(clean.map((a) => localDate(a)));
      const first = [...localDates].sort()[0]!;
      const span = (Date.parse('2024-12-31') - Date.parse(first)) / 86_400_000 + 1;
      if (span < 56) continue;
      const restShare = 1 - localDates.size / span;
      expect(restShare).toBeGreaterThanOrEqual(1 / 7);
      expect(restShare).toBeLessThan(0.5);
    }
    const sportsPerAthlete = year.map((a) => new Set(cleanActivities(a).map((r) => r.sport)).size);
    expect(sportsPerAthlete.filter((n) => n >= 2).length).toBeGreaterThan(year.length * 0.8);
    expect(new Set(year.flatMap((a) => cleanActivities(a).map((r) => r.sport)))).toEqual(new Set(SPORTS));
  });

  it('periodizes: recovery weeks carry clearly less load than the loading weeks around them', () => {
    let recoveryLike = 0;
    let weeks = 0;
    for (const athlete of year) {
      const weekly = weeklyHours(cleanActivities(athlete));
      for (let w = 4; w < weekly.length - 4; w++) {
        weeks++;
        const around =
          (weekly.slice(w - 4, w).reduce((a, b) => a + b, 0) + weekly.slice(w + 1, w + 5).reduce((a, b) => a + b, 0)) /
          8;
        if (weekly[w]! < 0.7 * around) recoveryLike++;
      }
    }
    // one recovery week in four, blurred by skipped days and doubles
    expect(recoveryLike / weeks).toBeGreaterThan(0.12);
    expect(recoveryLike / weeks).toBeLessThan(0.45);
  });
});

describe('generator: physiology', () => {
  it('makes an athlete faster at comparable effort when fitter (higher CTL) and slower when fatigued (negative TSB)', () => {
    // pooled within-athlete regression of relative speed on CTL and TSB, both computed from the records
    const points: { speed: number; hr: number; ctl: number; tsb: number }[] = [];
    for (const athlete of year) {
      const lthr = Number(athlete.thresholds[0]!.lthr_bpm);
      const load = loadByDate(cleanActivities(athlete), lthr);
      const settled = localDate(cleanActivities(athlete)[0]!) <= '2024-01-02' ? '2024-04-15' : '9999'; // CTL from 0 needs ~100 days
      const comparable = cleanActivities(athlete).filter(
        (a) =>
          localDate(a) >= settled &&
          a.sport === 'run' &&
          a.avg_hr_bpm !== null &&
          a.elevation_gain_m / (a.distance_m / 1000) < 5 &&
          Math.abs(a.avg_hr_bpm / lthr - 0.88) < 0.05 &&
          a.moving_time_s < 5400,
      );
      if (comparable.length < 10) continue;
      const own = comparable.map((a) => ({
        speed: a.distance_m / a.moving_time_s,
        hr: a.avg_hr_bpm! / lthr,
        ...load.get(localDate(a))!,
      }));
      const mean = (f: (p: (typeof own)[number]) => number) => own.reduce((s, p) => s + f(p), 0) / own.length;
      const [speed, hr, ctl, tsb] = [mean((p) => p.speed), mean((p) => p.hr), mean((p) => p.ctl), mean((p) => p.tsb)];
      for (const p of own)
        points.push({ speed: p.speed / speed - 1, hr: p.hr - hr, ctl: p.ctl - ctl, tsb: p.tsb - tsb });
    }
    expect(points.length).toBeGreaterThan(150);
    // effort (HR / LTHR) is a predictor too, so CTL and TSB are compared at equal effort
    const [perCtl, perTsb, perHr] = regress(
      points.map((p) => [p.ctl, p.tsb, p.hr]),
      points.map((p) => p.speed),
    );
    expect(perHr).toBeGreaterThan(0);
    expect(perCtl).toBeGreaterThan(0.001); // > 0.1 % faster per CTL point
    expect(perTsb).toBeGreaterThan(0.0005);
  });

  it('makes fitter athletes (higher FTP) produce more power at the same relative heart rate', () => {
    const points = year.flatMap((athlete) => {
      const ftp = athlete.thresholds[0]!.ftp_w;
      const lthr = Number(athlete.thresholds[0]!.lthr_bpm);
      if (typeof ftp !== 'number') return [];
      const rides = cleanActivities(athlete).filter(
        (a) => a.avg_power_w !== null && a.avg_hr_bpm !== null && Math.abs(a.avg_hr_bpm / lthr - 0.85) < 0.03,
      );
      return rides.length < 5 ? [] : [{ ftp, power: rides.reduce((s, a) => s + a.avg_power_w!, 0) / rides.length }];
    });
    expect(points.length).toBeGreaterThan(10);
    expect(
      correlation(
        points.map((p) => p.ftp),
        points.map((p) => p.power),
      ),
    ).toBeGreaterThan(0.6);
  });

  it('makes hilly runs slower per km than flat runs of the same athlete', () => {
    let slower = 0;
    let compared = 0;
    for (const athlete of year) {
      const lthr = Number(athlete.thresholds[0]!.lthr_bpm);
      const runs = cleanActivities(athlete).filter(
        (a) => a.sport === 'run' && a.avg_hr_bpm !== null && Math.abs(a.avg_hr_bpm / lthr - 0.88) < 0.05,
      );
      const climb = (a: ActivityRow) => a.elevation_gain_m / (a.distance_m / 1000);
      const flat = runs.filter((a) => climb(a) < 4);
      const hilly = runs.filter((a) => climb(a) > 12);
      if (flat.length < 3 || hilly.length < 3) continue;
      compared++;
      if (meanSpeed(hilly) < meanSpeed(flat)) slower++;
    }
    expect(compared).toBeGreaterThan(5);
    expect(slower / compared).toBeGreaterThan(0.9);
  });

  it('makes long rides slower than short rides at comparable effort', () => {
    let slower = 0;
    let compared = 0;
    for (const athlete of year) {
      const lthr = Number(athlete.thresholds[0]!.lthr_bpm);
      const rides = cleanActivities(athlete).filter(
        (a) =>
          a.sport === 'ride' &&
          a.avg_hr_bpm !== null &&
          Math.abs(a.avg_hr_bpm / lthr - 0.82) < 0.04 &&
          a.elevation_gain_m / (a.distance_m / 1000) < 4,
      );
      const short = rides.filter((a) => a.moving_time_s < 5400);
      const long = rides.filter((a) => a.moving_time_s > 3 * 3600);
      if (short.length < 3 || long.length < 3) continue;
      compared++;
      if (meanSpeed(long) < meanSpeed(short)) slower++;
    }
    expect(compared).toBeGreaterThan(5);
    expect(slower / compared).toBeGreaterThan(0.8);
  });

  it('re-tests thresholds mid-year for some athletes, following fitness', () => {
    const retested = year.filter((a) => a.thresholds.length > 1);
    expect(retested.length).toBeGreaterThan(year.length * 0.3);
    expect(retested.length).toBeLessThan(year.length);
    const changed = retested.filter((a) =>
      a.thresholds.some(
        (t) =>
          t.ftp_w !== a.thresholds[0]!.ftp_w || t.threshold_pace_s_per_km !== a.thresholds[0]!.threshold_pace_s_per_km,
      ),
    );
    expect(changed.length).toBeGreaterThan(retested.length * 0.8);
    for (const athlete of retested) {
      const dates = athlete.thresholds.map((t) => String(t.effective_from));
      expect(dates).toEqual([...dates].sort());
      const gaps = dates.slice(1).map((d, i) => (Date.parse(d) - Date.parse(dates[i]!)) / 86_400_000);
      for (const gap of gaps) expect(gap >= 42 && gap <= 84).toBe(true);
    }
    // the initial row is on the athlete's first day
    for (const athlete of year)
      expect(String(athlete.thresholds[0]!.effective_from) <= localDate(cleanActivities(athlete)[0]!)).toBe(true);
  });

  it('leaves sensors out: swims have no power, some athletes no power meter, some days no HR strap', () => {
    const all = year.flatMap(cleanActivities);
    const swims = all.filter((a) => a.sport === 'swim');
    expect(swims.length).toBeGreaterThan(0);
    expect(swims.every((a) => a.avg_power_w === null)).toBe(true);
    expect(
      year
        .flatMap((a) => a.streamPlans)
        .filter((p) => p.activity_id.length > 0 && swims.some((s) => s.activity_id === p.activity_id))
        .every((p) => !p.has_power),
    ).toBe(true);
    const noPowerMeter = year.filter((a) => a.thresholds[0]!.ftp_w === null);
    expect(noPowerMeter.length).toBeGreaterThan(0);
    for (const athlete of noPowerMeter)
      expect(
        cleanActivities(athlete)
          .filter((a) => a.sport === 'ride')
          .every((a) => a.avg_power_w === null),
      ).toBe(true);
    const ridesOrRuns = all.filter((a) => a.sport === 'ride' || a.sport === 'run');
    const withoutHr = ridesOrRuns.filter((a) => a.avg_hr_bpm === null).length / ridesOrRuns.length;
    expect(withoutHr).toBeGreaterThan(0.02);
    expect(withoutHr).toBeLessThan(0.25);
  });

  it('keeps clean values within the limits ingestion checks', () => {
    const outOfLimits = year
      .flatMap(cleanActivities)
      .filter(
        (a) =>
          !(a.moving_time_s > 0 && a.moving_time_s <= a.elapsed_time_s) ||
          (a.avg_hr_bpm !== null &&
            !(
              a.avg_hr_bpm > LIMITS.minHeartRate &&
              a.max_hr_bpm! >= a.avg_hr_bpm &&
              a.max_hr_bpm! < LIMITS.maxHeartRate
            )) ||
          (a.avg_power_w !== null && !(a.avg_power_w > 0 && a.avg_power_w < LIMITS.maxPower)) ||
          !(a.distance_m / a.moving_time_s < LIMITS.maxSpeed[a.sport] * 0.6) ||
          !(a.start_time_utc < '2025-01-02'),
      );
    expect(outOfLimits).toEqual([]);
  });
});

describe('generator: streams and dirty records', () => {
  it('plans streams that match the summary of their activity', () => {
    const athletes = generate({ streamShare: 0.5 });
    for (const athlete of athletes) {
      const byId = new Map(cleanActivities(athlete).map((a) => [a.activity_id, a]));
      for (const plan of athlete.streamPlans) {
        const a = byId.get(plan.activity_id)!;
        expect(plan.moving_s).toBe(a.moving_time_s);
        expect(plan.moving_s + plan.pause_s).toBe(a.elapsed_time_s);
        expect(a.distance_m).toBeCloseTo(plan.base_speed_mps * plan.moving_s, 0);
        expect(a.avg_hr_bpm === null ? null : Math.round(plan.base_hr_bpm * 10) / 10).toBe(a.avg_hr_bpm);
        expect(a.avg_power_w === null ? null : Math.round(plan.base_power_w * 10) / 10).toBe(a.avg_power_w);
        expect(Number.isInteger(plan.altitude_cycles) && plan.altitude_cycles >= 1).toBe(true);
        expect(plan.pause_at_s).toBeLessThan(plan.moving_s);
        const peakSpeed = plan.base_speed_mps * (1 + plan.speed_hill_share) * (1 + plan.block_speed_share + 0.03);
        expect(peakSpeed).toBeLessThan(LIMITS.maxSpeed[a.sport]);
        if (plan.has_hr) expect(a.max_hr_bpm!).toBeLessThan(LIMITS.maxHeartRate);
      }
    }
  });

  it('adds every kind of dirty record, about dirtyShare of activities, keeping the clean one', () => {
    const all = year.flatMap((a) => a.activities);
    const clean = all.filter(isClean);
    const dirty = all.filter((a) => !isClean(a));
    const kindOf = (a: Record<string, unknown>) =>
      a.activity_id === undefined ? 'missing_activity_id' : String(a.activity_id).split('-dirty-')[1];
    expect(new Set(dirty.map(kindOf))).toEqual(new Set(DIRTY_KINDS));
    expect(dirty.length).toBeGreaterThanOrEqual(DIRTY_KINDS.length);
    expect(dirty.length).toBeLessThan(DIRTY_KINDS.length + clean.length * 0.006);
    const cleanIds = new Set(clean.map((a) => a.activity_id));
    for (const d of dirty.filter((a) => a.activity_id !== undefined))
      expect(cleanIds.has(String(d.activity_id).split('-dirty-')[0])).toBe(true);
    const byKind = Object.fromEntries(dirty.map((d) => [kindOf(d), d]));
    expect(byKind.hr_300!.avg_hr_bpm).toBe(300);
    expect(byKind.power_4000!.avg_power_w).toBe(4000);
    expect(Number(byKind.moving_exceeds_elapsed!.moving_time_s)).toBeGreaterThan(
      Number(byKind.moving_exceeds_elapsed!.elapsed_time_s),
    );
    expect(byKind.zero_duration!.moving_time_s).toBe(0);
    expect(byKind.unknown_sport!.sport).toBe('kayak');
    expect(String(byKind.future_start!.start_time_utc)).toMatch(/^2099-/);
    expect(byKind.malformed_number!.distance_m).toBe('12,5km');
    expect(String(byKind.unknown_athlete!.athlete_id)).toMatch(/^ghost-/);
    expect('activity_id' in byKind.missing_activity_id!).toBe(false);
  });

  it('holds every dirty kind even in a small population of 300 activities, and none when dirtyShare is 0', () => {
    const small = generate({ athletes: 50, days: 9, seed: 3 });
    const activities = small.flatMap((a) => a.activities);
    expect(activities.filter(isClean).length).toBeGreaterThanOrEqual(300);
    expect(activities.filter((a) => !isClean(a)).length).toBeGreaterThanOrEqual(DIRTY_KINDS.length);
    expect(
      generate({ dirtyShare: 0 })
        .flatMap((a) => a.activities)
        .every(isClean),
    ).toBe(true);
  });
});

function localDate(a: ActivityRow): string {
  return new Date(Date.parse(`${a.start_time_utc.replace(' ', 'T')}Z`) + a.utc_offset_min * 60_000)
    .toISOString()
    .slice(0, 10);
}

function meanSpeed(activities: ActivityRow[]): number {
  return activities.reduce((s, a) => s + a.distance_m / a.moving_time_s, 0) / activities.length;
}

/** Hours of training per week since the athlete's first activity. */
function weeklyHours(activities: ActivityRow[]): number[] {
  const first = Date.parse(localDate(activities[0]!));
  const weeks: number[] = [];
  for (const a of activities) {
    const w = Math.floor((Date.parse(localDate(a)) - first) / (7 * 86_400_000));
    while (weeks.length <= w) weeks.push(0);
    weeks[w]! += a.moving_time_s / 3600;
  }
  return weeks;
}

/**
 * CTL and TSB as the feature pipeline would see them from these records, with an hrTSS-style load
 * (hours × (avg HR / LTHR)² × 100), in the exponential form of the domain definitions; CTL as of the
 * day before each date, so an activity's own load does not count, and TSB = CTL - ATL of the day before.
 */
function loadByDate(activities: ActivityRow[], lthr: number): Map<string, { ctl: number; tsb: number }> {
  const load = new Map<string, number>();
  for (const a of activities) {
    if (a.avg_hr_bpm === null) continue;
    const day = localDate(a);
    load.set(day, (load.get(day) ?? 0) + (a.moving_time_s / 3600) * (a.avg_hr_bpm / lthr) ** 2 * 100);
  }
  const result = new Map<string, { ctl: number; tsb: number }>();
  const [ctlDecay, atlDecay] = [Math.exp(-1 / 42), Math.exp(-1 / 7)];
  let ctl = 0;
  let atl = 0;
  for (let ms = Date.parse(localDate(activities[0]!)); ms <= Date.parse('2024-12-31'); ms += 86_400_000) {
    const day = new Date(ms).toISOString().slice(0, 10);
    result.set(day, { ctl, tsb: ctl - atl });
    ctl = ctl * ctlDecay + (load.get(day) ?? 0) * (1 - ctlDecay);
    atl = atl * atlDecay + (load.get(day) ?? 0) * (1 - atlDecay);
  }
  return result;
}

/** Least squares without intercept (the inputs are centred): solves the normal equations. */
function regress(xs: number[][], ys: number[]): number[] {
  const k = xs[0]!.length;
  const a = Array.from({ length: k }, (_, i) => [
    ...Array.from({ length: k }, (_, j) => xs.reduce((s, x) => s + x[i]! * x[j]!, 0)),
    xs.reduce((s, x, n) => s + x[i]! * ys[n]!, 0),
  ]);
  for (let col = 0; col < k; col++) {
    for (let row = col + 1; row < k; row++) {
      const f = a[row]![col]! / a[col]![col]!;
      for (let c = col; c <= k; c++) a[row]![c]! -= f * a[col]![c]!;
    }
  }
  const beta = new Array<number>(k).fill(0);
  for (let row = k - 1; row >= 0; row--) {
    let rest = a[row]![k]!;
    for (let c = row + 1; c < k; c++) rest -= a[row]![c]! * beta[c]!;
    beta[row] = rest / a[row]![row]!;
  }
  return beta;
}
function correlation(xs: number[], ys: number[]): number {
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    const y = ys[i]!;
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}
