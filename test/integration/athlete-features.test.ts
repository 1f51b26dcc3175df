import { describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../clickhouse/client.js';
import { stepParams } from '../../features/athlete/compute.js';
import {
  computeDailyFeatures,
  computeRollingFeatures,
  computeWeeklyFeatures,
  type AthleteStepInput,
} from '../../features/athlete/index.js';
import { freshDatabase, rows } from '../support/clickhouse.js';

interface Activity {
  athlete_id?: string;
  activity_id: string;
  local_date: string;
  sport?: 'ride' | 'run' | 'swim' | 'other';
  moving_time_s?: number;
  distance_m?: number;
  elevation_gain_m?: number;
  tss: number | null;
  zones?: [number, number, number, number, number, number];
}

const ATHLETE = 'a1';
const DAY0 = '2024-01-01'; // a Monday

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

async function insertActivities(ch: ClickHouse, activities: Activity[]): Promise<void> {
  const values = activities.map((a) => {
    const moving = a.moving_time_s ?? 3600;
    const distance = a.distance_m ?? 30_000;
    const [below, z1, z2, z3, z4, z5] = a.zones ?? [0, 0, 0, 0, 0, 0];
    return {
      athlete_id: a.athlete_id ?? ATHLETE,
      activity_id: a.activity_id,
      local_date: a.local_date,
      sport: a.sport ?? 'ride',
      moving_time_s: moving,
      distance_m: distance,
      elevation_gain_m: a.elevation_gain_m ?? 0,
      avg_speed_mps: distance / moving,
      tss: a.tss,
      tss_method: a.tss === null ? 'none' : 'power',
      below_z1_s: below,
      z1_s: z1,
      z2_s: z2,
      z3_s: z3,
      z4_s: z4,
      z5_s: z5,
      run_id: 'activity-run',
      version: 1,
    };
  });
  await ch.client.insert({ table: `${ch.db}.activity_features`, values, format: 'JSONEachRow' });
}

/** Scope as the workflow writes it: one row per athlete, recompute from that local date. */
async function scope(ch: ClickHouse, runId: string, fromDates: Record<string, string>, bucket = 0): Promise<void> {
  const values = Object.entries(fromDates).map(([athlete_id, from_date]) => ({
    run_id: runId,
    bucket,
    athlete_id,
    from_date,
  }));
  await ch.client.insert({ table: `${ch.db}.feature_scope`, values, format: 'JSONEachRow' });
}

async function runAll(ch: ClickHouse, input: AthleteStepInput): Promise<[number, number, number]> {
  const daily = await computeDailyFeatures(ch, input);
  const rolling = await computeRollingFeatures(ch, input);
  const weekly = await computeWeeklyFeatures(ch, input);
  return [daily, rolling, weekly];
}

/** Scope every given athlete from DAY0 and run the three steps, as a full recompute does. */
async function fullRun(ch: ClickHouse, asOf: string, athletes = [ATHLETE], version = 1): Promise<void> {
  const runId = `full-${version}`;
  await scope(ch, runId, Object.fromEntries(athletes.map((a) => [a, DAY0])));
  await runAll(ch, { runId, version, bucket: 0, asOf });
}

type Row = Record<string, unknown>;

const rolling = (ch: ClickHouse) =>
  rows<Row>(
    ch,
    `SELECT * EXCEPT (run_id, version, computed_at) FROM ${ch.db}.athlete_rolling_features FINAL ORDER BY athlete_id, as_of_date`,
  );
const daily = (ch: ClickHouse) =>
  rows<Row>(
    ch,
    `SELECT * EXCEPT (run_id, version, computed_at) FROM ${ch.db}.athlete_daily_features FINAL ORDER BY athlete_id, date`,
  );
const weekly = (ch: ClickHouse) =>
  rows<Row>(
    ch,
    `SELECT * EXCEPT (run_id, version, computed_at) FROM ${ch.db}.athlete_weekly_features FINAL ORDER BY athlete_id, week_start`,
  );

function num(row: Row | undefined, column: string): number | null {
  const value = row?.[column];
  return value === null || value === undefined ? null : Number(value);
}

describe('athlete rolling features: published vectors', () => {
  it('42 days of 100 TSS from 0 give CTL 63.21 (exponential form, not the 1/N form 63.65)', async () => {
    const ch = await freshDatabase();
    await insertActivities(
      ch,
      Array.from({ length: 42 }, (_, i) => ({ activity_id: `x${i}`, local_date: addDays(DAY0, i), tss: 100 })),
    );
    await fullRun(ch, addDays(DAY0, 41));
    const last = (await rolling(ch)).at(-1);
    expect(num(last, 'ctl')).toBeCloseTo(63.21, 2);
    expect(num(last, 'ctl')).toBeCloseTo(100 * (1 - Math.exp(-1)), 9);
  });

  it('one day of 100 TSS gives CTL 2.3528 and ATL 13.3122; TSB is the previous day CTL − ATL', async () => {
    const ch = await freshDatabase();
    await insertActivities(ch, [{ activity_id: 'x', local_date: DAY0, tss: 100 }]);
    await fullRun(ch, addDays(DAY0, 2));
    const [d0, d1, d2] = await rolling(ch);
    expect(num(d0, 'ctl')).toBeCloseTo(2.3528, 4);
    expect(num(d0, 'atl')).toBeCloseTo(13.3122, 4);
    expect(num(d0, 'tsb')).toBe(0);
    expect(num(d1, 'tsb')).toBeCloseTo(num(d0, 'ctl')! - num(d0, 'atl')!, 12);
    expect(num(d2, 'tsb')).toBeCloseTo(num(d1, 'ctl')! - num(d1, 'atl')!, 12);
    expect(num(d1, 'ctl')).toBeCloseTo(2.3528 * Math.exp(-1 / 42), 4);
    expect(num(d0, 'acwr')).toBeCloseTo(13.3122 / 2.3528, 3);
  });

  it('Foster: daily loads [0, 20, 10, 10, 10, 10, 10] give monotony 1.8708 and strain 130.96; NULL before 7 days', async () => {
    const ch = await freshDatabase();
    const loads = [null, 20, 10, 10, 10, 10, 10]; // day 1: an activity without TSS, counted as 0
    await insertActivities(
      ch,
      loads.map((tss, i) => ({ activity_id: `x${i}`, local_date: addDays(DAY0, i), tss })),
    );
    await fullRun(ch, addDays(DAY0, 6));
    const days = await rolling(ch);
    expect(days.slice(0, 6).map((d) => d.monotony)).toEqual([null, null, null, null, null, null]);
    expect(days.slice(0, 6).map((d) => d.strain)).toEqual([null, null, null, null, null, null]);
    expect(num(days[6], 'monotony')).toBeCloseTo(1.8708, 4);
    expect(num(days[6], 'strain')).toBeCloseTo(130.96, 2);
    expect(num(days[6], 'load_7d')).toBe(70);
  });
});

describe('athlete rolling features: NULL rules', () => {
  it('monotony is NULL when the seven loads are equal (SD 0), and ACWR is NULL while CTL is 0', async () => {
    const ch = await freshDatabase();
    await insertActivities(ch, [
      { activity_id: 'none', local_date: DAY0, tss: null },
      ...Array.from({ length: 7 }, (_, i) => ({ activity_id: `x${i}`, local_date: addDays(DAY0, 7 + i), tss: 10.1 })),
    ]);
    await fullRun(ch, addDays(DAY0, 14));
    const days = await rolling(ch);
    expect(days[0]).toMatchObject({ ctl: 0, atl: 0, acwr: null });
    expect(days[6]).toMatchObject({ ctl: 0, monotony: null, strain: null, acwr: null }); // seven rest days: SD 0
    expect(days[13]).toMatchObject({ monotony: null, strain: null }); // seven days of 10.1: SD 0
    expect(num(days[14], 'monotony')).toBeCloseTo((10.1 * 6) / 7 / Math.sqrt(6 / 49) / 10.1, 9);
    expect(num(days[7], 'acwr')).toBeCloseTo((1 - Math.exp(-1 / 7)) / (1 - Math.exp(-1 / 42)), 9);
  });

  it('ACWR 7:28 is NULL before 28 days of history, then mean 7-day load / mean 28-day load', async () => {
    const ch = await freshDatabase();
    const loads = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 0 : 20 + i));
    await insertActivities(
      ch,
      loads.map((tss, i) => ({ activity_id: `x${i}`, local_date: addDays(DAY0, i), tss })),
    );
    await fullRun(ch, addDays(DAY0, 29));
    const days = await rolling(ch);
    expect(days.slice(0, 27).every((d) => d.acwr_7_28 === null)).toBe(true);
    for (const d of [27, 28, 29]) {
      const mean7 = loads.slice(d - 6, d + 1).reduce((s, x) => s + x, 0) / 7;
      const mean28 = loads.slice(d - 27, d + 1).reduce((s, x) => s + x, 0) / 28;
      expect(num(days[d], 'acwr_7_28')).toBeCloseTo(mean7 / mean28, 12);
    }
  });
});

describe('athlete daily features', () => {
  it('lays a date spine from the first activity to as-of: rest days exist with load 0', async () => {
    const ch = await freshDatabase();
    await insertActivities(ch, [
      {
        activity_id: 'r1',
        local_date: addDays(DAY0, 2),
        tss: 50,
        sport: 'run',
        distance_m: 10_000,
        moving_time_s: 3000,
      },
      {
        activity_id: 'b1',
        local_date: addDays(DAY0, 2),
        tss: null,
        sport: 'ride',
        distance_m: 40_000,
        moving_time_s: 5000,
      },
      {
        activity_id: 's1',
        local_date: addDays(DAY0, 5),
        tss: 30,
        sport: 'swim',
        distance_m: 2000,
        moving_time_s: 2400,
        elevation_gain_m: 0,
      },
      { activity_id: 'late', local_date: addDays(DAY0, 20), tss: 99 }, // after as-of: not counted
    ]);
    const runId = 'r';
    await scope(ch, runId, { [ATHLETE]: DAY0 });
    const written = await runAll(ch, { runId, version: 1, bucket: 0, asOf: addDays(DAY0, 8) });
    const days = await daily(ch);
    expect(written[0]).toBe(7);
    expect(days.map((d) => d.date)).toEqual([2, 3, 4, 5, 6, 7, 8].map((i) => addDays(DAY0, i)));
    expect(days[0]).toMatchObject({
      load: 50,
      activity_count: 2,
      activities_without_tss: 1,
      moving_time_s: 8000,
      distance_m: 50_000,
      run_load: 50,
      run_distance_m: 10_000,
      run_activity_count: 1,
      ride_load: 0,
      ride_moving_time_s: 5000,
      ride_activity_count: 1,
    });
    expect(days[1]).toMatchObject({
      load: 0,
      activity_count: 0,
      moving_time_s: 0,
      distance_m: 0,
      ride_activity_count: 0,
    });
    expect(days[3]).toMatchObject({ load: 30, swim_load: 30, swim_distance_m: 2000, swim_activity_count: 1 });

    const roll = await rolling(ch);
    expect(roll.map((d) => d.days_since_last_activity)).toEqual([0, 1, 2, 0, 1, 2, 3]);
    expect(roll.map((d) => d.history_days)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(num(roll[6], 'run_avg_speed_28d_mps')).toBeCloseTo(10_000 / 3000, 12);
    expect(num(roll[6], 'ride_avg_speed_28d_mps')).toBeCloseTo(40_000 / 5000, 12);
    expect(num(roll[6], 'swim_avg_speed_28d_mps')).toBeCloseTo(2000 / 2400, 12);
    expect(roll[6]).toMatchObject({ moving_time_7d_s: 10_400, distance_7d_m: 52_000, load_7d: 80 });
  });

  it('an athlete whose scope starts before the first activity starts the spine at the first activity', async () => {
    const ch = await freshDatabase();
    await insertActivities(ch, [{ activity_id: 'x', local_date: addDays(DAY0, 10), tss: 40 }]);
    await fullRun(ch, addDays(DAY0, 11));
    expect((await daily(ch)).map((d) => d.date)).toEqual([addDays(DAY0, 10), addDays(DAY0, 11)]);
  });
});

describe('athlete weekly features', () => {
  it('groups by the Monday of the ISO week; monotony only for weeks wholly on the spine', async () => {
    const ch = await freshDatabase();
    await insertActivities(ch, [
      { activity_id: 'sun', local_date: '2024-01-07', tss: 40, moving_time_s: 1800, zones: [10, 20, 30, 40, 50, 60] },
      { activity_id: 'mon', local_date: '2024-01-08', tss: 60, moving_time_s: 5400, zones: [1, 2, 3, 4, 5, 6] },
      { activity_id: 'wed', local_date: '2024-01-10', tss: null, moving_time_s: 3600, zones: [1, 1, 1, 1, 1, 1] },
      { activity_id: 'next', local_date: '2024-01-15', tss: 10, moving_time_s: 600 },
    ]);
    await fullRun(ch, '2024-01-17');
    const weeks = await weekly(ch);
    expect(weeks.map((w) => w.week_start)).toEqual(['2024-01-01', '2024-01-08', '2024-01-15']);
    expect(weeks[0]).toMatchObject({
      spine_days: 1,
      load: 40,
      session_count: 1,
      longest_session_s: 1800,
      z5_s: 60,
      monotony: null,
    });
    expect(weeks[1]).toMatchObject({
      spine_days: 7,
      load: 60,
      session_count: 2,
      activities_without_tss: 1,
      longest_session_s: 5400,
      moving_time_s: 9000,
      below_z1_s: 2,
      z1_s: 3,
      z5_s: 7,
    });
    const mean = 60 / 7;
    const sd = Math.sqrt(((60 - mean) ** 2 + 6 * mean ** 2) / 7);
    expect(num(weeks[1], 'monotony')).toBeCloseTo(mean / sd, 12);
    expect(num(weeks[1], 'strain')).toBeCloseTo((60 * mean) / sd, 10);
    expect(weeks[2]).toMatchObject({ spine_days: 3, load: 10, monotony: null, strain: null });
  });
});

/** A random, reproducible history: mixed sports, rest days, activities without TSS, two-a-days. */
function randomHistory(days: number, seed: number, athlete = ATHLETE): Activity[] {
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const sports = ['ride', 'run', 'swim', 'other'] as const;
  const activities: Activity[] = [];
  for (let day = 0; day < days; day++) {
    const sessions = day === 0 ? 1 : random() < 0.3 ? 0 : random() < 0.8 ? 1 : 2;
    for (let s = 0; s < sessions; s++) {
      activities.push({
        athlete_id: athlete,
        activity_id: `${athlete}-${day}-${s}`,
        local_date: addDays(DAY0, day),
        sport: sports[Math.floor(random() * 4)],
        moving_time_s: 600 + Math.floor(random() * 10_000),
        distance_m: 1000 + random() * 90_000,
        elevation_gain_m: Math.floor(random() * 1500),
        tss: random() < 0.1 ? null : Math.round(random() * 2500) / 10,
        zones: [random() * 900, random() * 900, random() * 900, random() * 900, random() * 900, random() * 300],
      });
    }
  }
  return activities;
}

/**
 * Equal up to rounding: 1e-9 relative, with a 1e-9 absolute floor because TSB = CTL − ATL can cancel to
 * near 0, where the incremental closed form and the full recursion differ in the last bits (same terms,
 * associated differently). Everything else (window sums, counts, dates) must match exactly.
 */
function expectRowsClose(actual: Row[], expected: Row[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => {
    const want = expected[i]!;
    expect(Object.keys(row)).toEqual(Object.keys(want));
    for (const [column, value] of Object.entries(row)) {
      const other = want[column];
      if (typeof value === 'number' && typeof other === 'number') {
        const tolerance = 1e-9 * Math.max(1, Math.abs(value), Math.abs(other));
        if (Math.abs(value - other) > tolerance)
          expect({ row: i, column, value }).toEqual({ row: i, column, value: other });
      } else if (value !== other) {
        expect({ row: i, column, value }).toEqual({ row: i, column, value: other });
      }
    }
  });
}

describe('incremental runs', () => {
  it('give what a full recompute gives: as-of advancing, then a late activity on day 50', async () => {
    const history = randomHistory(120, 42);
    const late: Activity = {
      activity_id: 'late-upload',
      local_date: addDays(DAY0, 50),
      sport: 'run',
      tss: 77.5,
      moving_time_s: 4000,
      distance_m: 12_000,
    };
    const other = randomHistory(120, 7, 'a2'); // in scope for the full run only: must be left alone after

    const incremental = await freshDatabase();
    await insertActivities(incremental, [...history.filter((a) => a.local_date <= addDays(DAY0, 99)), ...other]);
    await fullRun(incremental, addDays(DAY0, 99), [ATHLETE, 'a2'], 1);
    // As-of moves on 20 days; the first new activity is on day 100 or later, the scope says from day 105.
    await insertActivities(
      incremental,
      history.filter((a) => a.local_date > addDays(DAY0, 99)),
    );
    await scope(incremental, 'inc-2', { [ATHLETE]: addDays(DAY0, 105) });
    await runAll(incremental, { runId: 'inc-2', version: 2, bucket: 0, asOf: addDays(DAY0, 119) });
    // A late upload on day 50.
    await insertActivities(incremental, [late]);
    await scope(incremental, 'inc-3', { [ATHLETE]: addDays(DAY0, 50) });
    const written = await runAll(incremental, { runId: 'inc-3', version: 3, bucket: 0, asOf: addDays(DAY0, 119) });
    expect(written).toEqual([70, 70, 11]); // days 50..119; weeks from the Monday of day 50 (day 49) to day 119

    const full = await freshDatabase();
    await insertActivities(full, [...history, late]);
    await fullRun(full, addDays(DAY0, 119));

    const only = (table: Row[]) => table.filter((r) => r.athlete_id === ATHLETE);
    expectRowsClose(only(await daily(incremental)), await daily(full));
    expectRowsClose(only(await rolling(incremental)), await rolling(full));
    expectRowsClose(only(await weekly(incremental)), await weekly(full));
    expect((await rolling(full)).length).toBe(120);
    expect(num((await rolling(full)).at(-1), 'monotony')).not.toBeNull();
  });

  it('a run for an earlier as-of deletes the rows after it; the next later run extends the spine to what a full run gives', async () => {
    const history = randomHistory(40, 11);
    const ch = await freshDatabase();
    await insertActivities(ch, history);
    await fullRun(ch, addDays(DAY0, 39));
    // Backdated to day 16 (a Wednesday): the planner scopes the athlete from the day after.
    await scope(ch, 'back', { [ATHLETE]: addDays(DAY0, 17) });
    await runAll(ch, { runId: 'back', version: 2, bucket: 0, asOf: addDays(DAY0, 16) });
    expect((await daily(ch)).at(-1)?.date).toBe(addDays(DAY0, 16));
    expect((await rolling(ch)).at(-1)?.as_of_date).toBe(addDays(DAY0, 16));
    expect((await weekly(ch)).at(-1)).toMatchObject({ week_start: addDays(DAY0, 14), spine_days: 3 });

    await scope(ch, 'on', { [ATHLETE]: addDays(DAY0, 17) });
    await runAll(ch, { runId: 'on', version: 3, bucket: 0, asOf: addDays(DAY0, 39) });
    const full = await freshDatabase();
    await insertActivities(full, history);
    await fullRun(full, addDays(DAY0, 39));
    expectRowsClose(await daily(ch), await daily(full));
    expectRowsClose(await rolling(ch), await rolling(full));
    expectRowsClose(await weekly(ch), await weekly(full));
  });

  it('re-running the same run writes identical rows and no duplicate keys', async () => {
    const ch = await freshDatabase();
    await insertActivities(ch, randomHistory(60, 3));
    await ch.client.command({
      query: `INSERT INTO ${ch.db}.pipeline_runs (run_id, pipeline, version, as_of, started_at, updated_at)
              VALUES ('run-1', 'features', 1, '2024-02-29', '2024-03-01 06:00:00.000', '2024-03-01 06:00:00.000')`,
    });
    await scope(ch, 'run-1', { [ATHLETE]: DAY0 });
    const input = { runId: 'run-1', version: 1, bucket: 0, asOf: addDays(DAY0, 59) };
    const everything = async () =>
      Promise.all(
        ['athlete_daily_features', 'athlete_rolling_features', 'athlete_weekly_features'].map((t) =>
          rows<Row>(ch, `SELECT * FROM ${ch.db}.${t} FINAL ORDER BY ALL`),
        ),
      );

    const first = await runAll(ch, input);
    const before = await everything();
    const second = await runAll(ch, input);
    expect(second).toEqual(first);
    expect(first).toEqual([60, 60, 9]);
    expect(await everything()).toEqual(before);
    expect(before[0]![0]).toMatchObject({ run_id: 'run-1', computed_at: '2024-03-01 06:00:00.000' });
    expect(Number(before[0]![0]!.version)).toBe(1);

    const [duplicates] = await rows<{ n: string }>(
      ch,
      `
      SELECT count() AS n FROM (
        SELECT athlete_id, date FROM ${ch.db}.athlete_daily_features FINAL GROUP BY ALL HAVING count() > 1
        UNION ALL SELECT athlete_id, as_of_date FROM ${ch.db}.athlete_rolling_features FINAL GROUP BY ALL HAVING count() > 1
        UNION ALL SELECT athlete_id, week_start FROM ${ch.db}.athlete_weekly_features FINAL GROUP BY ALL HAVING count() > 1)`,
    );
    expect(Number(duplicates?.n)).toBe(0);
  });

  it('only touches the athletes of its own bucket', async () => {
    const ch = await freshDatabase();
    await insertActivities(ch, [...randomHistory(10, 1, 'a1'), ...randomHistory(10, 2, 'a2')]);
    await scope(ch, 'b', { a1: DAY0 }, 0);
    await scope(ch, 'b', { a2: DAY0 }, 1);
    expect(await runAll(ch, { runId: 'b', version: 1, bucket: 1, asOf: addDays(DAY0, 9) })).toEqual([10, 10, 2]);
    const athletes = await rows<{ athlete_id: string }>(
      ch,
      `SELECT DISTINCT athlete_id FROM ${ch.db}.athlete_rolling_features`,
    );
    expect(athletes).toEqual([{ athlete_id: 'a2' }]);
  });
});

describe('step input', () => {
  it('passes values as query parameters, the UInt64 version as a string, and refuses malformed ones', () => {
    expect(stepParams({ runId: 'r', version: 2n ** 63n, bucket: 3, asOf: '2024-02-29' })).toEqual({
      runId: 'r',
      version: '9223372036854775808',
      bucket: 3,
      asOf: '2024-02-29',
    });
    expect(() => stepParams({ runId: 'r', version: 1, bucket: 0, asOf: '2024-2-29' })).toThrow(/asOf/);
    expect(() => stepParams({ runId: 'r', version: 1, bucket: 70_000, asOf: '2024-02-29' })).toThrow(/bucket/);
    expect(() => stepParams({ runId: 'r', version: -1, bucket: 0, asOf: '2024-02-29' })).toThrow(/version/);
  });
});
