import { describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../clickhouse/client.js';
import type { FeatureSet } from '../../ml/point-in-time/feature-set.js';
import { pointInTimeSql } from '../../ml/point-in-time/lookup.sql.js';
import { buildTrainingSet } from '../../ml/training-set/build.js';
import { readSplit } from '../../ml/training-set/read.js';
import { freshDatabase, rows } from '../support/clickhouse.js';

const SET: FeatureSet = {
  name: 'test_set',
  version: 1,
  features: ['rolling.ctl', 'weekly.load'],
  maxLookbackDays: { rolling: 3, weekly: 14 },
};

const insert = (ch: ClickHouse, table: string, values: Record<string, unknown>[]) =>
  ch.client.insert({ table: `${ch.db}.${table}`, values, format: 'JSONEachRow' });

/** Labels as constant rows; the test builds them, so literals are fine here. */
const labels = (list: [string, string, string][]) =>
  `SELECT * FROM values('row_id String, athlete_id String, label_date Date', ${list.map((l) => `('${l.join("', '")}')`).join(', ')})`;

async function lookup(ch: ClickHouse, list: [string, string, string][]) {
  const out = await rows<{ row_id: string; 'rolling.ctl': number | null; 'weekly.load': number | null }>(
    ch,
    `${pointInTimeSql(ch.db, SET, labels(list))} ORDER BY row_id`,
  );
  return Object.fromEntries(out.map((r) => [r.row_id, { ctl: r['rolling.ctl'], weekLoad: r['weekly.load'] }]));
}

describe('point-in-time lookup', () => {
  it('uses the latest row strictly before the label date, within the lookback, keeps unmatched rows, and a recomputed row wins', async () => {
    const ch = await freshDatabase();
    await insert(
      ch,
      'athlete_rolling_features',
      ['2025-01-08', '2025-01-09', '2025-01-10'].map((d, i) => ({
        athlete_id: 'a',
        as_of_date: d,
        ctl: 8 + i,
        version: 1,
      })),
    );
    // Week of Monday 2025-01-06 covers up to Sunday 2025-01-12.
    await insert(ch, 'athlete_weekly_features', [
      { athlete_id: 'a', week_start: '2024-12-30', load: 100, version: 1 },
      { athlete_id: 'a', week_start: '2025-01-06', load: 200, version: 1 },
    ]);
    const cases: [string, string, string][] = [
      ['own_date', 'a', '2025-01-10'], // the row dated on the label's own day is not used: 9, not 10
      ['edge_in', 'a', '2025-01-13'], // last row 3 days before: inside the 3-day lookback
      ['edge_out', 'a', '2025-01-14'], // 4 days: NULL
      ['before_all', 'a', '2025-01-08'], // no row before
      ['no_athlete', 'b', '2025-01-10'], // unknown athlete: kept, NULLs
    ];
    expect(await lookup(ch, cases)).toEqual({
      own_date: { ctl: 9, weekLoad: 100 }, // the week of 01-06 is not over on 01-10
      edge_in: { ctl: 10, weekLoad: 200 },
      edge_out: { ctl: null, weekLoad: 200 },
      before_all: { ctl: null, weekLoad: 100 },
      no_athlete: { ctl: null, weekLoad: null },
    });

    await insert(ch, 'athlete_rolling_features', [{ athlete_id: 'a', as_of_date: '2025-01-09', ctl: 99, version: 2 }]);
    expect((await lookup(ch, [['own_date', 'a', '2025-01-10']])).own_date?.ctl).toBe(99);
  });

  it("keeps an extreme value planted on an activity's own date out of its training row (no leakage)", async () => {
    const ch = await freshDatabase();
    const days = Array.from({ length: 70 }, (_, i) => new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10));
    await insert(
      ch,
      'activity_features',
      days.map((d, i) => ({
        athlete_id: 'a',
        activity_id: `act${i}`,
        local_date: d,
        sport: 'run',
        distance_m: 10_000,
        moving_time_s: 3000,
        avg_speed_mps: 10_000 / 3000,
        start_hour_local: 7,
        weekday_local: 1,
        version: 1,
      })),
    );
    await insert(
      ch,
      'athlete_rolling_features',
      days.map((d) => ({ athlete_id: 'a', as_of_date: d, ctl: 50, run_avg_speed_28d_mps: 3, version: 1 })),
    );
    const planted = days[60]!;
    await insert(ch, 'athlete_rolling_features', [
      { athlete_id: 'a', as_of_date: planted, ctl: 1e9, run_avg_speed_28d_mps: 1e6, version: 2 },
    ]);

    // Rows of a build that died before writing its spec: the rebuild starts clean.
    await insert(ch, 'training_sets', [
      { training_set_id: 'leak-test', split: 'train', activity_id: 'stray', features: [] },
    ]);
    const spec = await buildTrainingSet(ch, 'leak-test', '2025-03-20', { testWeeks: 1, validWeeks: 1 });
    const ctlAt = spec.featureNames.indexOf('rolling.ctl');
    const trainingRows = await rows<{
      activity_id: string;
      label_date: string;
      features: (number | null)[];
      baseline_s: number;
    }>(
      ch,
      `SELECT activity_id, toString(label_date) AS label_date, features, baseline_s FROM ${ch.db}.training_sets WHERE training_set_id = 'leak-test'`,
    );
    expect(trainingRows).toHaveLength(70);
    const own = trainingRows.find((r) => r.label_date === planted)!;
    expect(own.features[ctlAt]).toBe(50);
    expect(own.baseline_s).toBeCloseTo(10_000 / 3, 6);
    // The day after sees it: the lookup is point-in-time, not blind.
    const next = trainingRows.find((r) => r.label_date === days[61])!;
    expect(next.features[ctlAt]).toBe(1e9);
    // The first day has no earlier row: missing, and the baseline falls back to the sport's median speed.
    const first = trainingRows.find((r) => r.label_date === days[0])!;
    expect(first.features[ctlAt]).toBeNull();
    expect(first.baseline_s).toBeCloseTo(3000, 2); // avg_speed_mps is Float32

    expect(spec.splits.test).toMatchObject({ rows: 7, first: '2025-03-05', last: '2025-03-11' });
    expect(spec.splits.valid.rows).toBe(7);
    expect(spec.splits.train.rows).toBe(56);
    const test = await readSplit(ch, 'leak-test', 'test', spec.featureNames.length);
    expect(test.nRows).toBe(7);
    expect(test.labels[0]).toBe(3000);
    // Immutable: a second build with the same id returns the stored set, whatever the tables say now.
    await insert(ch, 'athlete_rolling_features', [{ athlete_id: 'a', as_of_date: days[5], ctl: -1, version: 3 }]);
    expect(await buildTrainingSet(ch, 'leak-test', '2025-03-20', { testWeeks: 1, validWeeks: 1 })).toEqual(spec);
    expect(await rows(ch, `SELECT 1 FROM ${ch.db}.training_sets WHERE training_set_id = 'leak-test'`)).toHaveLength(70);
  });
});
