import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../clickhouse/client.js';
import { ATHLETE_KEYED_TABLES } from '../../privacy/athlete-tables.js';
import {
  deleteActivities,
  featurePipeline,
  forgetAthlete,
  ingestActivities,
  type DeleteActivitiesInput,
  type FeaturePipelineInput,
  type ForgetAthleteInput,
  type IngestInput,
} from '../../workflows/index.js';
import { freshDatabase, rows } from '../support/clickhouse.js';
import { diffSnapshots, readFeatureTables, type FeatureSnapshot } from '../support/feature-tables.js';
import { ndjson, writeFiles } from '../support/files.js';
import { failingRun } from '../support/runs.js';
import { devServerForFile } from '../support/temporal.js';
import { withWorker } from '../support/worker.js';

const server = devServerForFile();

function workflowsOn(taskQueue: string) {
  const run = <A, R>(workflow: (input: A) => Promise<R>, input: A) =>
    server.env.client.workflow.execute(workflow, {
      args: [input],
      taskQueue,
      workflowId: `${workflow.name}-${randomUUID()}`,
    });
  return {
    ingest: (input: IngestInput) => run(ingestActivities, input),
    features: (input: FeaturePipelineInput) => run(featurePipeline, input),
    deleteActivities: (input: DeleteActivitiesInput) => run(deleteActivities, input),
    forget: (input: ForgetAthleteInput) => run(forgetAthlete, input),
    /** The failure of a run expected to fail, and how often each of its activities was attempted. */
    failing: <A>(workflow: (input: A) => Promise<unknown>, input: A) =>
      failingRun(server.env, taskQueue, workflow, input),
  };
}
type Workflows = ReturnType<typeof workflowsOn>;
const onWorker = <T>(ch: ClickHouse, fn: (wf: Workflows) => Promise<T>) =>
  withWorker(server.env, ch, (taskQueue) => fn(workflowsOn(taskQueue)));

function expectInvalidInput(failure: { error: unknown; attempts: number[] }, message: RegExp): void {
  expect(failure.error).toBeInstanceOf(WorkflowFailedError);
  const cause = (failure.error as WorkflowFailedError).cause as ApplicationFailure;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect(cause).toMatchObject({ nonRetryable: true, type: 'InvalidInput' });
  expect(cause.message).toMatch(message);
  expect(failure.attempts.every((a) => a === 1)).toBe(true);
}

/** An athlete (UTC) with an FTP and LTHR, one-hour summary rides on the given dates, and a stream for the ride of the 6th. */
function athleteFiles(athleteId: string, dates: string[]): Record<string, string> {
  const streamed = `${athleteId}-2025-01-06`;
  const stream = [
    'activity_id,t_s,hr_bpm,power_w',
    ...Array.from({ length: 120 }, (_, t) => `${streamed},${t},140,200`),
  ];
  return {
    [`athletes-${athleteId}.ndjson`]: ndjson([
      { athlete_id: athleteId, name: athleteId, sex: 'F', birth_year: 1990, time_zone: 'UTC' },
    ]),
    [`thresholds-${athleteId}.ndjson`]: ndjson([
      { athlete_id: athleteId, effective_from: '2025-01-01', ftp_w: 250, lthr_bpm: 165 },
    ]),
    [`activities-${athleteId}.ndjson`]: ndjson(
      dates.map((date) => ({
        activity_id: `${athleteId}-${date}`,
        athlete_id: athleteId,
        sport: 'ride',
        start_time_utc: `${date} 08:00:00`,
        distance_m: 30_000,
        moving_time_s: 3600,
        avg_power_w: 150 + Number(date.slice(-2)),
        avg_hr_bpm: 140,
      })),
    ),
    ...(dates.includes('2025-01-06') ? { [`streams-${athleteId}.csv`]: `${stream.join('\n')}\n` } : {}),
  };
}

const DATES = ['2025-01-06', '2025-01-08', '2025-01-09', '2025-01-13', '2025-01-15'];
const without = (dates: string[], gone: string[]) => dates.filter((d) => !gone.includes(d));

/** The feature tables of the same raw data ingested at once into a fresh database and computed in full. */
async function fullRecomputeOf(files: Record<string, string>, asOf: string): Promise<FeatureSnapshot> {
  const ch = await freshDatabase();
  await onWorker(ch, async (wf) => {
    await wf.ingest({ paths: [writeFiles(files)] });
    await wf.features({ asOf, fullRecompute: true });
  });
  return readFeatureTables(ch);
}

describe('deleting activities', () => {
  it('by a deletions file and by the deleteActivities workflow; the next run recomputes as if they never were', async () => {
    const ch = await freshDatabase();
    const asOf = '2025-01-19';
    const { viaFile, again, viaWorkflow, repeated, unknownInFile, snapshot, loadBefore } = await onWorker(
      ch,
      async (wf) => {
        await wf.ingest({ paths: [writeFiles({ ...athleteFiles('del', DATES), ...athleteFiles('keep', DATES) })] });
        await wf.features({ asOf });
        const loadBefore = await dayLoad(ch, 'del', '2025-01-09');
        // The first activity (which has the stream) and one mid-week, by file (NDJSON, with the owner).
        const deletions = {
          'deletions.ndjson': ndjson([
            { activity_id: 'del-2025-01-06', athlete_id: 'del' },
            { activity_id: 'del-2025-01-09' },
          ]),
        };
        const viaFile = await wf.ingest({ paths: [writeFiles(deletions)] });
        const again = await wf.ingest({ paths: [writeFiles(deletions)] });
        // CSV: an unknown id and an activity of another athlete than the one named are quarantined.
        const unknownInFile = await wf.ingest({
          paths: [writeFiles({ 'deletions.csv': 'activity_id,athlete_id\nnope,\nkeep-2025-01-13,del\n' })],
        });
        const viaWorkflow = await wf.deleteActivities({ activityIds: ['del-2025-01-15'] });
        const repeated = await wf.deleteActivities({ activityIds: ['del-2025-01-15', 'del-2025-01-09'] });
        await wf.features({ asOf });
        return {
          viaFile,
          again,
          viaWorkflow,
          repeated,
          unknownInFile,
          snapshot: await readFeatureTables(ch),
          loadBefore,
        };
      },
    );
    expect(viaFile).toMatchObject({ inserted: 2, unchanged: 0, rejected: 0 });
    expect(again).toMatchObject({ inserted: 0, unchanged: 2, rejected: 0 });
    expect(unknownInFile.rejected).toBe(2);
    expect(viaWorkflow).toEqual({ deleted: ['del-2025-01-15'], alreadyDeleted: [] });
    expect(repeated).toEqual({ deleted: [], alreadyDeleted: ['del-2025-01-15', 'del-2025-01-09'] });
    const rejects = await rows<{ reason_code: string; detail: string }>(
      ch,
      `SELECT reason_code, detail FROM ${ch.db}.ingest_rejects ORDER BY detail`,
    );
    expect(rejects).toEqual([
      { reason_code: 'unknown_activity', detail: 'activity keep-2025-01-13 is not an activity of athlete del' },
      { reason_code: 'unknown_activity', detail: 'activity nope is not known' },
    ]);

    // Raw rows are gone (summaries, samples); one deletion row each.
    const [raw] = await rows<{ activities: number; samples: number; deletions: number }>(
      ch,
      `SELECT
      toUInt32((SELECT count() FROM ${ch.db}.activities WHERE athlete_id = 'del')) AS activities,
      toUInt32((SELECT count() FROM ${ch.db}.activity_streams WHERE athlete_id = 'del')) AS samples,
      toUInt32((SELECT count() FROM ${ch.db}.activity_deletions)) AS deletions`,
    );
    expect(raw).toEqual({ activities: 2, samples: 0, deletions: 3 });

    // The features: no rows of the deleted activities; the spine starts at the new first activity; the day's load is 0.
    expect(snapshot.activity_features.filter((a) => a.athlete_id === 'del').map((a) => a.activity_id)).toEqual([
      'del-2025-01-08',
      'del-2025-01-13',
    ]);
    expect(snapshot.athlete_daily_features.find((d) => d.athlete_id === 'del')?.date).toBe('2025-01-08');
    expect(loadBefore).toBeGreaterThan(0);
    expect(await dayLoad(ch, 'del', '2025-01-09')).toBe(0);
    const full = await fullRecomputeOf(
      {
        ...athleteFiles('del', without(DATES, ['2025-01-06', '2025-01-09', '2025-01-15'])),
        ...athleteFiles('keep', DATES),
      },
      asOf,
    );
    expect(
      diffSnapshots(snapshot, full)
        .slice(0, 5)
        .map((m) => JSON.stringify(m)),
    ).toEqual([]);
  });

  it('refuses bad input at once, without retries', async () => {
    const ch = await freshDatabase();
    const [empty, unknown] = await onWorker(ch, async (wf) => [
      await wf.failing(deleteActivities, { activityIds: [] }),
      await wf.failing(deleteActivities, { activityIds: ['never-stored'] }),
    ]);
    expectInvalidInput(empty, /activityIds must hold 1–10000 items, got 0/);
    expect(empty.attempts).toEqual([]);
    expectInvalidInput(unknown, /^Unknown activity ids \(never stored\): never-stored$/);
  });
});

async function dayLoad(ch: ClickHouse, athleteId: string, date: string): Promise<number> {
  const [row] = await rows<{ load: number }>(
    ch,
    `SELECT load FROM ${ch.db}.athlete_daily_features FINAL WHERE athlete_id = {a:String} AND date = {d:Date}`,
    { a: athleteId, d: date },
  );
  return Number(row?.load);
}

describe('forgetAthlete', () => {
  it('removes every row of the athlete from every table, with FINAL or without, and nothing of anyone else', async () => {
    const ch = await freshDatabase();
    const files = {
      ...athleteFiles('gone', DATES),
      ...athleteFiles('kept', DATES),
      // Rejected records naming the athlete (JSON), and a rejected sample of its activity (CSV: by the activity id).
      'activities-bad.ndjson': ndjson([
        {
          activity_id: 'gone-bad',
          athlete_id: 'gone',
          sport: 'kayak',
          start_time_utc: '2025-01-07 08:00:00',
          distance_m: 1,
          moving_time_s: 60,
        },
      ]),
      'streams-bad.csv': 'activity_id,t_s,hr_bpm,power_w\ngone-2025-01-08,5,400,100\nkept-2025-01-08,5,400,100\n',
    };
    const { keptBefore, first, second } = await onWorker(ch, async (wf) => {
      await wf.ingest({ paths: [writeFiles(files)] });
      await wf.features({ asOf: '2025-01-19' });
      await wf.features({ asOf: '2025-01-19', athleteIds: ['gone', 'kept'], fullRecompute: true });
      await wf.deleteActivities({ activityIds: ['gone-2025-01-15'] });
      const keptBefore = await readFeatureTables(ch);
      const first = await wf.forget({ athleteId: 'gone' });
      const second = await wf.forget({ athleteId: 'gone' });
      await wf.features({ asOf: '2025-01-20' });
      return { keptBefore, first, second };
    });
    expect(first).toEqual({ athleteId: 'gone', activities: 5 });
    expect(second).toEqual({ athleteId: 'gone', activities: 0 });

    for (const table of ATHLETE_KEYED_TABLES) {
      const engine = await rows<{ engine: string }>(
        ch,
        'SELECT engine FROM system.tables WHERE database = {db:String} AND name = {t:String}',
        { db: ch.db, t: table },
      );
      const reads = engine[0]?.engine.startsWith('Replacing') ? ['', 'FINAL'] : [''];
      for (const final of reads) {
        const [row] = await rows<{ n: string }>(
          ch,
          `SELECT count() AS n FROM ${ch.db}.${table} ${final} WHERE athlete_id = 'gone'`,
        );
        expect(Number(row?.n), `${table} ${final}`).toBe(0);
      }
    }
    const [mentions] = await rows<{ rejects: number; runs: number; scrubbed: number }>(
      ch,
      `SELECT
      toUInt32((SELECT count() FROM ${ch.db}.ingest_rejects WHERE position(raw_payload, 'gone') > 0)) AS rejects,
      toUInt32((SELECT count() FROM ${ch.db}.pipeline_runs WHERE has(athlete_ids, 'gone'))) AS runs,
      toUInt32((SELECT count() FROM ${ch.db}.pipeline_runs FINAL WHERE has(athlete_ids, '(forgotten)'))) AS scrubbed`,
    );
    expect(mentions).toEqual({ rejects: 0, runs: 0, scrubbed: 1 });
    // The other athlete's rejects stay.
    const kept = await rows(ch, `SELECT 1 FROM ${ch.db}.ingest_rejects WHERE position(raw_payload, 'kept') > 0`);
    expect(kept).toHaveLength(1);

    // Everything of the other athlete is as it was (the run after forgetting only extends it by a day).
    const after = await readFeatureTables(ch);
    const only = (snapshot: FeatureSnapshot, athlete: string, last: string): FeatureSnapshot => ({
      activity_features: snapshot.activity_features.filter((r) => r.athlete_id === athlete),
      athlete_daily_features: snapshot.athlete_daily_features.filter(
        (r) => r.athlete_id === athlete && String(r.date) <= last,
      ),
      athlete_rolling_features: snapshot.athlete_rolling_features.filter(
        (r) => r.athlete_id === athlete && String(r.as_of_date) <= last,
      ),
      athlete_weekly_features: snapshot.athlete_weekly_features.filter(
        (r) => r.athlete_id === athlete && String(r.week_start) < '2025-01-13',
      ),
    });
    expect(diffSnapshots(only(after, 'kept', '2025-01-19'), only(keptBefore, 'kept', '2025-01-19'))).toEqual([]);
  });

  it('lists every table that has an athlete_id column', async () => {
    const ch = await freshDatabase();
    const tables = await rows<{ table: string }>(
      ch,
      "SELECT DISTINCT table FROM system.columns WHERE database = {db:String} AND name = 'athlete_id' ORDER BY table",
      { db: ch.db },
    );
    expect(tables.map((t) => t.table)).toEqual([...ATHLETE_KEYED_TABLES].sort());
  });

  it('refuses bad input at once', async () => {
    const ch = await freshDatabase();
    const failure = await onWorker(ch, (wf) => wf.failing(forgetAthlete, { athleteId: ' ' }));
    expectInvalidInput(failure, /athleteId must be an id without blanks around it or control characters, got " "/);
    expect(failure.attempts).toEqual([]);
  });
});
