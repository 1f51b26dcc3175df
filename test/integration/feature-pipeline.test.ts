import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../clickhouse/client.js';
import {
  featurePipeline,
  ingestActivities,
  type FeaturePipelineInput,
  type FeaturePipelineSummary,
  type IngestInput,
  type IngestSummary,
} from '../../workflows/index.js';
import { freshDatabase, rows } from '../support/clickhouse.js';
import {
  diffSnapshots,
  duplicateKeys,
  FEATURE_TABLES,
  readFeatureTables,
  sameCell,
  type CellMismatch,
  type FeatureSnapshot,
} from '../support/feature-tables.js';
import { ndjson, writeFiles } from '../support/files.js';
import { failingRun } from '../support/runs.js';
import { devServerForFile } from '../support/temporal.js';
import { withWorker } from '../support/worker.js';

const server = devServerForFile();

/** The two workflows, started on the task queue of a worker bound to one database. */
function workflowsOn(taskQueue: string) {
  const id = (name: string) => `${name}-${randomUUID()}`;
  return {
    ingest: (input: IngestInput): Promise<IngestSummary> =>
      server.env.client.workflow.execute(ingestActivities, { args: [input], taskQueue, workflowId: id('ingest') }),
    features: (input: FeaturePipelineInput): Promise<FeaturePipelineSummary> =>
      server.env.client.workflow.execute(featurePipeline, { args: [input], taskQueue, workflowId: id('features') }),
    /** A run expected to fail: its error, its run id (the key pipeline_runs would use) and its activity attempts. */
    failingFeatures: (input: FeaturePipelineInput) =>
      failingRun(server.env, taskQueue, featurePipeline, input, id('features')),
  };
}

type Workflows = ReturnType<typeof workflowsOn>;
const onWorker = <T>(ch: ClickHouse, fn: (wf: Workflows) => Promise<T>) =>
  withWorker(server.env, ch, (taskQueue) => fn(workflowsOn(taskQueue)));

const allChecksPassed = (summary: FeaturePipelineSummary) =>
  summary.checks.length === 16 && summary.checks.every((c) => c.passed);

interface UploadStep {
  files: Record<string, string>;
  run: FeaturePipelineInput;
}

/**
 * Uploads and runs the pipeline step by step in one fresh database; uploads `finalFiles` (the final state of
 * the raw data) at once to a second one and recomputes it fully for `finalAsOf`. Returns both tables.
 */
async function incrementalAndFull(steps: UploadStep[], finalFiles: Record<string, string>, finalAsOf: string) {
  const incremental = await freshDatabase();
  const after: FeatureSnapshot[] = [];
  const summaries = await onWorker(incremental, async (wf) => {
    const out: FeaturePipelineSummary[] = [];
    for (const [i, step] of steps.entries()) {
      expect((await wf.ingest({ paths: [writeFiles(step.files)] })).rejected, `rejects of upload ${i + 1}`).toBe(0);
      out.push(await wf.features(step.run));
      after.push(await readFeatureTables(incremental));
    }
    return out;
  });
  const full = await freshDatabase();
  const fullSummary = await onWorker(full, async (wf) => {
    expect((await wf.ingest({ paths: [writeFiles(finalFiles)] })).rejected).toBe(0);
    return wf.features({ asOf: finalAsOf, fullRecompute: true });
  });
  return {
    summaries,
    fullSummary,
    after,
    incremental: await readFeatureTables(incremental),
    full: await readFeatureTables(full),
  };
}

/** Mismatches grouped by table and key, so a failure reads as "which rows, which columns". */
function describeMismatches(mismatches: CellMismatch[], limit = 12): string[] {
  const byRow = new Map<string, string[]>();
  for (const m of mismatches) {
    const row = `${m.table} ${m.key}`;
    byRow.set(row, [
      ...(byRow.get(row) ?? []),
      `${m.column}: ${JSON.stringify(m.left)} (incremental) vs ${JSON.stringify(m.right)} (full)`,
    ]);
  }
  return [...byRow].slice(0, limit).map(([row, cells]) => `${row}: ${cells.join('; ')}`);
}

const expectSameTables = (incremental: FeatureSnapshot, full: FeatureSnapshot) =>
  expect(describeMismatches(diffSnapshots(incremental, full))).toEqual([]);

describe('featurePipeline: incremental runs equal a full recompute', () => {
  it('for an athlete whose first upload is all after the as-of date of that run', async () => {
    const steps = [
      {
        files: {
          ...rider('early'),
          ...rider('newcomer'),
          ...rides([
            ['early', 'e1', '2025-01-10'],
            ['newcomer', 'n1', '2025-01-21'],
          ]),
        },
        run: { asOf: '2025-01-20' },
      },
      { files: rides([['early', 'e2', '2025-01-24']]), run: { asOf: '2025-01-25' } },
    ];
    const final = {
      ...rider('early'),
      ...rider('newcomer'),
      ...rides([
        ['early', 'e1', '2025-01-10'],
        ['newcomer', 'n1', '2025-01-21'],
        ['early', 'e2', '2025-01-24'],
      ]),
    };
    const result = await incrementalAndFull(steps, final, '2025-01-25');
    expect(result.full.athlete_daily_features.filter((d) => d.athlete_id === 'newcomer')).toHaveLength(5);
    expectSameTables(result.incremental, result.full);
  });

  it('when the first activity of an athlete moves to a later date', async () => {
    const steps = [
      {
        files: {
          ...rider('mover'),
          ...rides([
            ['mover', 'm1', '2025-01-10'],
            ['mover', 'm2', '2025-01-15'],
          ]),
        },
        run: { asOf: '2025-01-20' },
      },
      { files: rides([['mover', 'm1', '2025-01-17']]), run: { asOf: '2025-01-25' } },
    ];
    const final = {
      ...rider('mover'),
      ...rides([
        ['mover', 'm1', '2025-01-17'],
        ['mover', 'm2', '2025-01-15'],
      ]),
    };
    const result = await incrementalAndFull(steps, final, '2025-01-25');
    // The date spine starts on the first activity day (shared/domain/training-load.md), now the 15th.
    expect(result.full.athlete_daily_features.map((d) => d.date).at(0)).toBe('2025-01-15');
    expectSameTables(result.incremental, result.full);
  });

  it('when a run for some athletes comes between an upload for others and the next run', async () => {
    const steps = [
      {
        files: {
          ...rider('chosen'),
          ...rider('other'),
          ...rides([
            ['chosen', 'c1', '2025-01-10'],
            ['other', 'o1', '2025-01-11'],
          ]),
        },
        run: { asOf: '2025-01-20' },
      },
      {
        files: rides([
          ['chosen', 'c2', '2025-01-19'],
          ['other', 'o0', '2025-01-12'],
        ]),
        run: { asOf: '2025-01-20', athleteIds: ['chosen'] },
      },
      { files: rides([['chosen', 'c3', '2025-01-22']]), run: { asOf: '2025-01-25' } },
    ];
    const final = {
      ...rider('chosen'),
      ...rider('other'),
      ...rides([
        ['chosen', 'c1', '2025-01-10'],
        ['other', 'o1', '2025-01-11'],
        ['chosen', 'c2', '2025-01-19'],
        ['other', 'o0', '2025-01-12'],
        ['chosen', 'c3', '2025-01-22'],
      ]),
    };
    const result = await incrementalAndFull(steps, final, '2025-01-25');
    expectSameTables(result.incremental, result.full);
  });
});

describe('featurePipeline: a run with an earlier asOf (backdated)', () => {
  type Ride = [string, string, string, number];
  const everyDay = (athlete: string, first: string, last: string): Ride[] =>
    datesFrom(first, last).map((d) => [athlete, `${athlete}-${d}`, d, 3600]);

  it('leaves the tables as of its asOf and a later run repairs everything: a correction dated after it, rolling rows, the partial week', async () => {
    const daily = everyDay('back', '2025-01-06', '2025-01-31');
    const corrected = daily.map((r): Ride => (r[2] === '2025-01-28' ? [r[0], r[1], r[2], 7200] : r));
    const steps = [
      { files: { ...rider('back'), ...rides(daily) }, run: { asOf: '2025-01-31' } },
      // A correction dated after the backdated run's asOf (a Wednesday), uploaded before it.
      { files: rides(corrected.filter((r) => r[2] === '2025-01-28')), run: { asOf: '2025-01-22' } },
      { files: {}, run: { asOf: '2025-01-31' } },
    ];
    const result = await incrementalAndFull(steps, { ...rider('back'), ...rides(corrected) }, '2025-01-31');

    // After the backdated run: nothing after its asOf; the week holding it has its first three days.
    const backdated = result.after[1]!;
    expect(backdated.athlete_daily_features.at(-1)?.date).toBe('2025-01-22');
    expect(backdated.athlete_rolling_features.at(-1)?.as_of_date).toBe('2025-01-22');
    expect(backdated.athlete_weekly_features.at(-1)).toMatchObject({ week_start: '2025-01-20', spine_days: 3 });
    // Activity features do not depend on asOf: the correction is in at once.
    expect(backdated.activity_features.find((a) => a.activity_id === 'back-2025-01-28')?.moving_time_s).toBe(7200);

    // The next run extends from the backdated asOf and equals a full recompute.
    expect(result.summaries[2]!.athletesTouched).toBe(1);
    expect(result.incremental.athlete_weekly_features.at(-2)).toMatchObject({
      week_start: '2025-01-20',
      spine_days: 7,
    });
    expectSameTables(result.incremental, result.full);
  });

  it('the README restricted full recompute for a Wednesday: the next ordinary run restores the whole week', async () => {
    const steps = [
      {
        files: {
          ...rider('wed'),
          ...rider('other'),
          ...rides([...everyDay('wed', '2025-01-06', '2025-01-19'), ...everyDay('other', '2025-01-08', '2025-01-19')]),
        },
        run: { asOf: '2025-01-19' },
      },
      { files: {}, run: { asOf: '2025-01-15', athleteIds: ['wed'], fullRecompute: true } },
      { files: {}, run: { asOf: '2025-01-19' } },
    ];
    const final = {
      ...rider('wed'),
      ...rider('other'),
      ...rides([...everyDay('wed', '2025-01-06', '2025-01-19'), ...everyDay('other', '2025-01-08', '2025-01-19')]),
    };
    const result = await incrementalAndFull(steps, final, '2025-01-19');

    const week = (snapshot: FeatureSnapshot, athlete: string) =>
      snapshot.athlete_weekly_features.find((w) => w.athlete_id === athlete && w.week_start === '2025-01-13');
    expect(week(result.after[1]!, 'wed')).toMatchObject({ spine_days: 3 });
    expect(week(result.after[1]!, 'other')).toMatchObject({ spine_days: 7 });
    expect(result.summaries[2]!.athletesTouched).toBe(1);
    const restored = week(result.incremental, 'wed')!;
    expect(restored.spine_days).toBe(7);
    expect(restored.session_count).toBe(7);
    expect(Number(restored.load)).toBeGreaterThan(0);
    expectSameTables(result.incremental, result.full);
  });
});

describe('featurePipeline: re-runs and full recomputes', () => {
  it('re-running with the same input changes nothing and writes nothing; the next day writes one row per athlete and table', async () => {
    const ch = await freshDatabase();
    const endDate = '2025-06-30';
    const { first, second, before, after, nextDay } = await onWorker(ch, async (wf) => {
      await wf.ingest({ synthetic: { seed: 11, athletes: 3, days: 60, streamShare: 0.1, endDate } });
      const first = await wf.features({ asOf: endDate });
      const before = await readFeatureTables(ch);
      const second = await wf.features({ asOf: endDate });
      const after = await readFeatureTables(ch);
      return { first, second, before, after, nextDay: await wf.features({ asOf: '2025-07-01' }) };
    });
    expect(allChecksPassed(first) && allChecksPassed(second) && allChecksPassed(nextDay)).toBe(true);
    expect(describeMismatches(diffSnapshots(before, after))).toEqual([]);
    expect(await duplicateKeys(ch)).toEqual({
      activity_features: 0,
      athlete_daily_features: 0,
      athlete_rolling_features: 0,
      athlete_weekly_features: 0,
    });

    // Nothing is new and every athlete's spine already reaches the as-of date: the planner scopes no one.
    expect(second).toMatchObject({ athletesTouched: 0, buckets: 0 });
    expect(second.rowsWritten).toEqual({
      activity_features: 0,
      athlete_daily_features: 0,
      athlete_rolling_features: 0,
      athlete_weekly_features: 0,
    });

    // One day later: every athlete extends by one day (and rewrites its current week); no activity is recomputed
    // unless its local date is that new day.
    const athletes = new Set(before.athlete_daily_features.map((d) => d.athlete_id)).size;
    const [{ n: activitiesOnNewDay } = { n: 0 }] = await rows<{ n: number }>(
      ch,
      `SELECT toUInt32(count()) AS n FROM ${ch.db}.activities FINAL WHERE local_date >= '2025-07-01'`,
    );
    expect(nextDay.athletesTouched).toBe(athletes);
    expect(nextDay.rowsWritten).toEqual({
      activity_features: activitiesOnNewDay,
      athlete_daily_features: athletes,
      athlete_rolling_features: athletes,
      athlete_weekly_features: athletes,
    });
  });

  it('a full recompute after a normal ingest and run leaves the feature tables as they were', async () => {
    const ch = await freshDatabase();
    const endDate = '2025-05-31';
    const { incremental, full, fullSummary } = await onWorker(ch, async (wf) => {
      await wf.ingest({ synthetic: { seed: 5, athletes: 4, days: 90, streamShare: 0.2, endDate } });
      expect(allChecksPassed(await wf.features({ asOf: endDate }))).toBe(true);
      const incremental = await readFeatureTables(ch);
      const fullSummary = await wf.features({ asOf: endDate, fullRecompute: true });
      return { incremental, full: await readFeatureTables(ch), fullSummary };
    });
    expect(allChecksPassed(fullSummary)).toBe(true);
    // A full recompute rewrites every row.
    expect(fullSummary.rowsWritten).toEqual(
      Object.fromEntries(FEATURE_TABLES.map((table) => [table, full[table].length])),
    );
    expect(incremental.activity_features.filter((a) => a.has_stream).length).toBeGreaterThan(0);
    expectSameTables(incremental, full);
  });
});

describe('featurePipeline: bad input and run records', () => {
  it('fails fast, without retries, with a message that says what is wrong', async () => {
    const ch = await freshDatabase();
    const [badDate, unknownAthlete] = await onWorker(ch, async (wf) => [
      await wf.failingFeatures({ asOf: '2025-13-45' }),
      await wf.failingFeatures({ athleteIds: ['nobody'] }),
    ]);

    for (const { error, attempts } of [badDate, unknownAthlete]) {
      expect(error).toBeInstanceOf(WorkflowFailedError);
      const cause = (error as WorkflowFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect((cause as ApplicationFailure).nonRetryable).toBe(true);
      expect((cause as ApplicationFailure).type).toBe('InvalidInput');
      expect(attempts.every((a) => a === 1)).toBe(true);
    }
    expect((badDate.error as WorkflowFailedError).cause?.message).toBe(
      'Invalid featurePipeline input: asOf must be an existing date YYYY-MM-DD, got a string "2025-13-45". ' +
        'Example: {} or {"asOf": "2025-06-30", "athleteIds": ["a0001"], "fullRecompute": false}',
    );
    // Caught before any activity runs.
    expect(badDate.attempts).toEqual([]);
    expect((unknownAthlete.error as WorkflowFailedError).cause?.message).toBe('Unknown athlete ids: nobody');
    expect(unknownAthlete.attempts).toEqual([1]);
  });

  it('records a successful run with its passed checks and watermark, and never records a failed one as succeeded', async () => {
    const ch = await freshDatabase();
    const { summary, failed } = await onWorker(ch, async (wf) => {
      await wf.ingest({ synthetic: { seed: 3, athletes: 2, days: 30, streamShare: 0, endDate: '2025-04-30' } });
      const summary = await wf.features({ asOf: '2025-04-30' });
      return {
        summary,
        failed: [
          await wf.failingFeatures({ asOf: '2025-13-45' }),
          await wf.failingFeatures({ athleteIds: ['nobody'] }),
        ],
      };
    });
    const runs = await rows<{
      run_id: string;
      status: string;
      as_of: string;
      watermark: string;
      checks: string;
      summary: string;
      error: string;
    }>(
      ch,
      `SELECT run_id, status, toString(as_of) AS as_of, toString(watermark) AS watermark, checks, summary, error FROM ${ch.db}.pipeline_runs FINAL`,
    );

    const run = runs.find((r) => r.run_id === summary.runId);
    expect(run).toMatchObject({ status: 'succeeded', as_of: '2025-04-30', watermark: summary.watermark, error: '' });
    expect(run!.watermark > '2000-01-01').toBe(true);
    const checks = JSON.parse(run!.checks) as FeaturePipelineSummary['checks'];
    expect(checks).toHaveLength(16);
    expect(checks.every((c) => c.passed && c.offending_rows === 0)).toBe(true);
    expect(JSON.parse(run!.summary)).toMatchObject({ runId: summary.runId, rowsWritten: summary.rowsWritten });

    // Both are refused before the run is planned, so they leave no row at all (and no watermark).
    for (const { runId } of failed) expect(runs.filter((r) => r.run_id === runId)).toEqual([]);
    expect(runs.filter((r) => r.status === 'succeeded')).toHaveLength(1);
  });
});

describe('sameCell', () => {
  it('compares numbers within 1e-9 relative with a 1e-9 absolute floor, everything else exactly', () => {
    expect(sameCell(1e6, 1e6 * (1 + 5e-10))).toBe(true);
    expect(sameCell(1e6, 1e6 * (1 + 5e-9))).toBe(false);
    expect(sameCell(0, 5e-10)).toBe(true);
    expect(sameCell(0, 5e-9)).toBe(false);
    expect(sameCell('18446744073709551615', '18446744073709551615')).toBe(true);
    expect(sameCell(null, 0)).toBe(false);
    expect(sameCell('2025-01-06', '2025-01-07')).toBe(false);
  });
});

/** Files of one athlete (UTC) with an FTP. */
function rider(athleteId: string): Record<string, string> {
  return {
    [`athletes-${athleteId}.ndjson`]: ndjson([
      { athlete_id: athleteId, name: athleteId, sex: 'F', birth_year: 1990, time_zone: 'UTC' },
    ]),
    [`thresholds-${athleteId}.ndjson`]: ndjson([
      { athlete_id: athleteId, effective_from: '2025-01-01', ftp_w: 250, lthr_bpm: 165 },
    ]),
  };
}

/**
 * Summary rides at 08:00 UTC, [athlete, activity, date, moving seconds (default one hour)]; the power depends
 * on the activity id only.
 */
function rides(list: ([string, string, string] | [string, string, string, number])[]): Record<string, string> {
  const power = (id: string) => 150 + ([...id].reduce((sum, c) => sum + c.charCodeAt(0), 0) % 100);
  return {
    'activities.ndjson': ndjson(
      list.map(([athlete, id, date, moving = 3600]) => ({
        activity_id: id,
        athlete_id: athlete,
        sport: 'ride',
        start_time_utc: `${date} 08:00:00`,
        distance_m: (30_000 * moving) / 3600,
        moving_time_s: moving,
        avg_power_w: power(id),
        avg_hr_bpm: 140,
      })),
    ),
  };
}

/** Every date from `first` to `last`, YYYY-MM-DD. */
function datesFrom(first: string, last: string): string[] {
  const out: string[] = [];
  for (let d = new Date(`${first}T00:00:00Z`); d.toISOString().slice(0, 10) <= last; d.setUTCDate(d.getUTCDate() + 1)) {
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
}
