import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../clickhouse/client.js';
import { planIngest } from '../../ingest/classify-files.js';
import { ingestFile } from '../../ingest/ingest-file.js';
import { summarize } from '../../workflows/ingestActivities.js';
import { featurePipeline, ingestActivities, type IngestInput } from '../../workflows/index.js';
import { freshDatabase, rows } from '../support/clickhouse.js';
import { encodeFitActivity, encodeMultisportFit, type FitActivitySpec } from '../support/fit-file.js';
import { ingestTableFingerprints } from '../support/ingest-tables.js';
import { ndjson, writeFiles } from '../support/files.js';
import { startTemporal } from '../support/temporal.js';
import { withWorker } from '../support/worker.js';

let env: TestWorkflowEnvironment;
let ch: ClickHouse;

beforeAll(async () => {
  env = await startTemporal();
  ch = await freshDatabase();
});
afterAll(async () => {
  await env?.teardown();
});

const ingest = (input: IngestInput) =>
  withWorker(env, ch, (taskQueue) =>
    env.client.workflow.execute(ingestActivities, {
      args: [input],
      taskQueue,
      workflowId: `ingest-${Date.now()}-${Math.random()}`,
    }),
  );

describe('ingestActivities on the Temporal dev server', () => {
  it('ingests athletes and a FIT ride end to end', async () => {
    const fit = encodeFitActivity({
      sport: 'cycling',
      start: new Date('2025-03-02T08:00:00Z'),
      seconds: 900,
      utcOffsetMin: 60,
      serialNumber: 42,
      heartRate: (t) => 120 + t / 30,
      power: (t) => 180 + (t % 60),
      speed: () => 9,
      altitude: (t) => 100 + t / 10,
      pauseAt: { from: 400, to: 460 },
    });
    const dir = writeFiles({
      'athletes.ndjson': ndjson([
        { athlete_id: 'fit-rider', name: 'Rider', sex: 'F', birth_year: 1992, time_zone: 'Europe/Berlin' },
      ]),
      'rides/morning.fit': fit,
    });
    const summary = await ingest({ paths: [dir], athleteId: 'fit-rider' });
    expect(summary.rejected).toBe(0);
    expect(summary.sources.map((s) => s.kind)).toEqual(['athletes', 'fit']);
    const [activity] = await rows<Record<string, unknown>>(
      ch,
      `SELECT * FROM ${ch.db}.activities FINAL WHERE athlete_id = 'fit-rider'`,
    );
    expect(activity).toMatchObject({
      sport: 'ride',
      moving_time_s: 840,
      elapsed_time_s: 900,
      utc_offset_min: 60,
      start_time_utc: '2025-03-02 08:00:00',
    });
    const [streams] = await rows<{ n: number; first: number; last: number; gap: number }>(
      ch,
      `SELECT toUInt32(count()) AS n, min(t_s) AS first, max(t_s) AS last, toUInt32(countIf(t_s >= 400 AND t_s < 460)) AS gap
       FROM ${ch.db}.activity_streams WHERE activity_id = {id:String}`,
      { id: activity!.activity_id },
    );
    expect(streams).toEqual({ n: 840, first: 0, last: 899, gap: 0 });

    const again = await ingest({ paths: [dir], athleteId: 'fit-rider' });
    expect(again.inserted).toBe(0);
  });

  it('ingests a folder of FIT files in batches as one ingestFile per file did: same tables, same summary', async () => {
    const leg = (i: number, over: Partial<FitActivitySpec> = {}): FitActivitySpec => ({
      sport: i % 2 ? 'running' : 'cycling',
      start: new Date(Date.UTC(2025, 3, 1 + i, 7)),
      seconds: 240 + 31 * i,
      utcOffsetMin: 120,
      serialNumber: 500 + i,
      heartRate: (t) => 118 + (t % 25),
      power: i % 2 ? undefined : (t) => 170 + (t % 50),
      speed: (t) => 4 + (t % 4),
      ...over,
    });
    const good = encodeFitActivity(leg(6));
    const files: Record<string, Uint8Array | string> = {
      'athletes.ndjson': ndjson([
        { athlete_id: 'fit-folder', name: 'Folder', sex: 'M', birth_year: 1985, time_zone: 'Europe/Madrid' },
      ]),
      'export/brick.fit': encodeMultisportFit([
        leg(0),
        leg(0, { sport: 'running', start: new Date(Date.UTC(2025, 3, 1, 8)) }),
      ]),
      'export/corrupt.fit': good.slice(0, good.length - 25),
      'export/spike.fit': encodeFitActivity(leg(7, { heartRate: (t) => (t === 12 ? 260 : 140) })),
    };
    for (let i = 1; i <= 5; i += 1) files[`export/ride-${i}.fit`] = encodeFitActivity(leg(i));
    const dir = writeFiles(files);
    const input = { paths: [dir], athleteId: 'fit-folder' };

    const batched = await freshDatabase();
    const { summary, activities } = await withWorker(env, batched, async (taskQueue) => {
      const handle = await env.client.workflow.start(ingestActivities, {
        args: [input],
        taskQueue,
        workflowId: `fit-folder-${Date.now()}`,
      });
      const result = await handle.result();
      const events = (await handle.fetchHistory()).events ?? [];
      const names = events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
      return { summary: result, activities: names };
    });
    expect(activities).toEqual(['planIngest', 'ingestFile', 'ingestFitFiles']);

    // What the workflow did before (one ingestFile activity per file), on a database of its own.
    const perFile = await freshDatabase();
    const outcomes = [];
    for (const [i, file] of planIngest(input.paths, input.athleteId).entries())
      outcomes.push(
        await ingestFile(perFile, file, {
          batchId: `p${i}`,
          athleteId: input.athleteId,
          now: new Date(),
          onProgress: () => {},
        }),
      );
    expect(summary).toEqual(summarize(outcomes));
    // the spike's activity is refused (its session's max HR too), and so its samples
    expect(summary.byKind.fit).toMatchObject({
      sources: 8,
      inserted: 482 + 272 + 303 + 334 + 365 + 396,
      rejected: 459,
    });
    expect(summary.rejectedByReason).toEqual({ malformed_record: 1, implausible_heart_rate: 1, unknown_activity: 457 });
    const tables = await ingestTableFingerprints(batched);
    expect(tables).toEqual(await ingestTableFingerprints(perFile));
    expect(tables.activities.rows).toBe(2 + 5);
  });

  it('fails fast, without retries, on a path that does not exist', async () => {
    const error = await ingest({ paths: ['/no/such/dir'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(String((error as WorkflowFailedError).cause?.message)).toMatch(/no such file or directory/);
  });

  it('fails fast on empty input with a message that says what to pass', async () => {
    const error = await ingest({}).catch((e: unknown) => e);
    expect(String((error as WorkflowFailedError).cause?.message)).toMatch(/needs paths/);
  });

  it('refuses a FIT file without an athlete before writing anything', async () => {
    const dir = writeFiles({
      'athletes.ndjson': ndjson([
        { athlete_id: 'plan-first', name: 'P', sex: 'F', birth_year: 1990, time_zone: 'UTC' },
      ]),
      'ride.fit': encodeFitActivity({
        sport: 'cycling',
        start: new Date('2025-03-02T08:00:00Z'),
        seconds: 60,
        utcOffsetMin: 0,
        serialNumber: 3,
      }),
    });
    const error = await ingest({ paths: [dir] }).catch((e: unknown) => e);
    expect(String((error as WorkflowFailedError).cause?.message)).toMatch(/do not name their athlete: pass athleteId/);
    expect(await rows(ch, `SELECT athlete_id FROM ${ch.db}.athletes WHERE athlete_id = 'plan-first'`)).toEqual([]);
  });
});

describe('workflow input is checked before any activity runs', () => {
  /** Runs a workflow that must fail: its failure and the activities it scheduled. A time limit turns a hang into a failure. */
  const failing = (workflow: typeof ingestActivities | typeof featurePipeline, input: unknown) =>
    withWorker(env, ch, async (taskQueue) => {
      const handle = await env.client.workflow.start(workflow as typeof ingestActivities, {
        args: [input as IngestInput],
        taskQueue,
        workflowId: `bad-input-${Date.now()}-${Math.random()}`,
        workflowExecutionTimeout: '60s',
      });
      const error = await handle.result().then(
        () => undefined,
        (e: unknown) => e,
      );
      const events = (await handle.fetchHistory()).events ?? [];
      return {
        cause: (error as WorkflowFailedError | undefined)?.cause,
        activities: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
      };
    });

  const population = { seed: 1, athletes: 2, days: 3, streamShare: 0.1 };
  const badIngestInputs: [string, unknown, RegExp][] = [
    ['null', null, /the input must be an object, got null/],
    ['a string', '/data/export', /the input must be an object, got a string/],
    ['an array', ['/data/export'], /the input must be an object, got an array/],
    [
      '1e12 athletes',
      { synthetic: { ...population, athletes: 1e12 } },
      /synthetic.athletes must be within 1–100000, got 1000000000000/,
    ],
    [
      '0 athletes per activity',
      { synthetic: { ...population, athletesPerActivity: 0 } },
      /synthetic.athletesPerActivity must be within 1–1000, got 0/,
    ],
    [
      'a mistyped key',
      { paths: ['/no/such/dir'], athleteID: 'a1' },
      /unknown key "athleteID" \(did you mean "athleteId"\?\)/,
    ],
    ['dryRun', { paths: ['/no/such/dir'], dryRun: true }, /unknown key "dryRun"/],
    [
      'a share as text',
      { synthetic: { ...population, streamShare: '0.3' } },
      /synthetic.streamShare must be a number, got a string "0.3"/,
    ],
    [
      'a date that does not exist',
      { synthetic: { ...population, endDate: '2025-02-30' } },
      /synthetic.endDate must be an existing date YYYY-MM-DD, got a string "2025-02-30"/,
    ],
  ];

  for (const [what, input, message] of badIngestInputs) {
    it(`ingestActivities refuses ${what} at once, non-retryably`, async () => {
      const { cause, activities } = await failing(ingestActivities, input);
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect((cause as ApplicationFailure).nonRetryable).toBe(true);
      expect((cause as ApplicationFailure).type).toBe('InvalidInput');
      expect(cause!.message).toMatch(message);
      expect(cause!.message.length).toBeLessThan(1_000);
      expect(activities).toBe(0);
    });
  }

  it('featurePipeline refuses null and unknown keys the same way', async () => {
    for (const [input, message] of [
      [null, /must be an object, got null/],
      [
        { athleteID: ['a1'], dryRun: true },
        /unknown key "athleteID" \(did you mean "athleteIds"\?\).*unknown key "dryRun"/,
      ],
    ] as const) {
      const { cause, activities } = await failing(featurePipeline, input);
      expect((cause as ApplicationFailure).type).toBe('InvalidInput');
      expect(cause!.message).toMatch(message);
      expect(activities).toBe(0);
    }
  });

  it('names 100,000 unknown athletes in a message that fits on a screen', async () => {
    const athleteIds = Array.from({ length: 100_000 }, (_, i) => `nobody${i}`);
    const { cause } = await failing(featurePipeline, { athleteIds });
    expect(cause!.message).toMatch(
      /^Unknown athlete ids: nobody\d+, nobody\d+, nobody\d+, nobody\d+, nobody\d+ and 99,995 more$/,
    );
  });
});
