import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import type { ClickHouse } from '../../clickhouse/client.js';
import { parseFeatures } from '../../config/env.js';
import { loadedModelCount } from '../../ml/inference/champion-cache.js';
import { freshDatabase, rows } from '../support/clickhouse.js';

const insert = (ch: ClickHouse, table: string, values: Record<string, unknown>[]) =>
  ch.client.insert({ table: `${ch.db}.${table}`, values, format: 'JSONEachRow' });

/** 100 days of one runner whose pace follows CTL: enough rows for a few trees. */
async function runnerHistory(ch: ClickHouse): Promise<void> {
  const days = Array.from({ length: 100 }, (_, i) => new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10));
  await insert(
    ch,
    'athlete_rolling_features',
    days.map((d, i) => ({ athlete_id: 'a', as_of_date: d, ctl: 40 + (i % 13), run_avg_speed_28d_mps: 3, version: 1 })),
  );
  await insert(
    ch,
    'activity_features',
    days.map((d, i) => {
      const distance = 5000 + 500 * (i % 7);
      const speed = 2.5 + 0.05 * ((i - 1 + 13) % 13);
      return {
        athlete_id: 'a',
        activity_id: `r${i}`,
        local_date: d,
        sport: 'run',
        distance_m: distance,
        moving_time_s: Math.round(distance / speed),
        avg_speed_mps: speed,
        start_hour_local: 7,
        weekday_local: 1,
        version: 1,
      };
    }),
  );
}

describe('ML activities (real ClickHouse, mocked activity context)', () => {
  it('trainCandidate heartbeats every tree with its validation loss, registers once per run, and the model cache loads a version once', async () => {
    const ch = await freshDatabase();
    await runnerHistory(ch);
    const activities = createActivities(ch, parseFeatures({}, []));
    const env = new MockActivityEnvironment();
    const beats: Record<string, unknown>[] = [];
    env.on('heartbeat', (d: Record<string, unknown>) => beats.push(d));
    const call = <A, R>(fn: (input: A) => Promise<R>, input: A) => env.run(fn, input) as Promise<R>;

    const spec = await call(activities.buildTrainingSet, {
      trainingSetId: 'ts-a',
      asOf: '2025-04-11',
      split: { testWeeks: 2, validWeeks: 2 },
    });
    expect(spec.splits.test.rows).toBe(14);
    const input = {
      runId: 'run-a',
      trainingSetId: 'ts-a',
      params: { nTrees: 5, earlyStoppingRounds: 0, subsample: 1, colsampleByTree: 1 },
    };
    const first = await call(activities.trainCandidate, input);
    const trees = beats.filter((b) => b.step === 'train' && typeof b.iteration === 'number');
    expect(trees.map((b) => b.iteration)).toEqual([1, 2, 3, 4, 5]);
    for (const b of trees) expect(b.validRmse).toEqual(expect.any(Number));
    expect(first).toMatchObject({ version: 1, trees: 5 });
    expect(first.parityMaxRelError).toBeLessThanOrEqual(1e-4);

    // A retried activity (same run) trains the same model and finds its version registered.
    const retried = await call(activities.trainCandidate, input);
    expect(retried.version).toBe(1);
    expect(retried.metrics).toEqual(first.metrics);
    expect(await rows(ch, `SELECT version FROM ${ch.db}.model_versions FINAL`)).toHaveLength(1);

    await call(activities.promoteModel, { version: 1, changeId: 'c1', changedBy: 'test', reason: 'test' });
    await call(activities.promoteModel, { version: 1, changeId: 'c1', changedBy: 'test', reason: 'test' }); // retried: no second change
    expect(await rows(ch, `SELECT change_id FROM ${ch.db}.model_aliases FINAL`)).toHaveLength(1);

    const before = loadedModelCount();
    for (const asOf of ['2025-04-08', '2025-04-09']) {
      await call(activities.scoreBatch, {
        kind: 'activity' as const,
        asOf,
        version: 1,
        runId: 'infer',
        horizonDays: 7,
        chunkRows: 10,
      });
    }
    expect(loadedModelCount()).toBe(before + 1);
    const errors = await rows<{ n: string }>(ch, `SELECT count() AS n FROM ${ch.db}.prediction_errors FINAL`);
    expect(Number(errors[0]!.n)).toBe(2);
  });
});
