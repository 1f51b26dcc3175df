/**
 * A worker process killed (SIGKILL) while a feature step runs inside ClickHouse: the step must be retried
 * on a new worker process that opens the same embedded data path, the run must succeed, and its features
 * must equal a clean full recompute. Real processes, real dev server, real embedded engine.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { decodeTimeoutType, defaultPayloadConverter } from '@temporalio/common';
import { tsToMs } from '@temporalio/common/lib/time.js';
import { describe, expect, it } from 'vitest';
import { EmbeddedClickHouseLockedError, openClickHouse, type ClickHouse } from '../../clickhouse/client.js';
import type { ClickHouseConfig } from '../../config/env.js';
import { featurePipeline, ingestActivities } from '../../workflows/index.js';
import { rows } from '../support/clickhouse.js';
import { withWorker } from '../support/worker.js';
import { workerProcessSuite, type WorkerExit, type WorkerProcess } from '../support/worker-process.js';

// ~4 M stream samples: the activity step runs for seconds, long enough to be killed in the middle.
const POPULATION = { seed: 3, athletes: 12, days: 200, streamShare: 0.5, endDate: '2025-06-30' };
const AS_OF = '2025-06-30';
const GRACE_MS = 30_000; // the worker's shutdownGraceTime

const FEATURE_KEYS: Record<string, string[]> = {
  activity_features: ['athlete_id', 'activity_id'],
  athlete_daily_features: ['athlete_id', 'date'],
  athlete_rolling_features: ['athlete_id', 'as_of_date'],
  athlete_weekly_features: ['athlete_id', 'week_start'],
};

type Row = Record<string, unknown>;
type Snapshot = Record<string, Row[]>;

let ch: ClickHouse | undefined;
const suite = workerProcessSuite(
  'crash',
  { CLICKHOUSE_DATABASE: 'crash_test', FEATURE_BUCKETS: '2', FEATURE_CONCURRENCY: '2' },
  () => ch?.close(),
);
const { dataPath, taskQueue, spawnWorker } = suite;
const embedded: ClickHouseConfig = { kind: 'embedded', path: dataPath, database: 'crash_test' };

describe('a worker killed in the middle of a feature step', () => {
  it('retries the step on a new worker process; the features equal a clean recompute', async () => {
    const first = await spawnWorker();
    await suite.env.client.workflow.execute(ingestActivities, {
      taskQueue,
      workflowId: `crash-ingest-${randomUUID()}`,
      args: [{ synthetic: POPULATION }],
    });
    const handle = await suite.env.client.workflow.start(featurePipeline, {
      taskQueue,
      workflowId: `crash-features-${randomUUID()}`,
      args: [{ asOf: AS_OF }],
    });
    const { running, killedAt } = await killDuringActivityStep(handle, first);

    // The kernel drops the engine's file lock with the dead process: a new worker opens the same path.
    const second = await spawnWorker();
    const summary = await handle.result();
    const retries = expectRetriedOn(second, first, await completedAttempts(handle, running), running);
    second.kill('SIGTERM');
    expect(await exitWithin(second, GRACE_MS + 5_000)).toEqual<WorkerExit>({ code: 0, signal: null });

    ch = openClickHouse(embedded);
    const [run] = await rows<{ status: string }>(
      ch,
      `SELECT status FROM ${ch.db}.pipeline_runs FINAL WHERE run_id = {id:String}`,
      { id: summary.runId },
    );
    expect(run?.status).toBe('succeeded');
    await expectOneRowPerKey(ch);
    await expectRetryWroteIdenticalRows(ch);
    const afterCrash = await snapshot(ch);
    expect(afterCrash.activity_features!.length).toBeGreaterThan(1000);
    const [stored] = await rows<{ n: number }>(ch, `SELECT toUInt32(count()) AS n FROM ${ch.db}.activity_features`);
    console.log(
      `killed ${retries.length} of ${running.length} running activity step(s); retried ${((Math.min(...retries.map((r) => r.startedAt)) - killedAt) / 1000).toFixed(1)} s ` +
        `after the kill; activity_features: ${stored!.n} stored rows for ${afterCrash.activity_features!.length} activities; seconds per step: ${JSON.stringify(summary.secondsPerStep)}`,
    );

    const clean = await withWorker(suite.env, ch, (queue) =>
      suite.env.client.workflow.execute(featurePipeline, {
        taskQueue: queue,
        workflowId: `clean-${randomUUID()}`,
        args: [{ fullRecompute: true, asOf: AS_OF }],
      }),
    );
    await expectEveryRowFromRun(ch, clean.runId);
    const afterClean = await snapshot(ch);
    for (const table of Object.keys(FEATURE_KEYS)) expectSameRows(table, afterCrash[table]!, afterClean[table]!);
  });
});

/** SIGKILLs the worker while attempts of the `activity` step run in it; returns their activity ids and the time of death. */
async function killDuringActivityStep(
  handle: WorkflowHandle,
  worker: WorkerProcess,
): Promise<{ running: string[]; killedAt: number }> {
  await waitForHeartbeatingStep(handle, 'activity');
  // Into the statement: a bucket takes a second or more here.
  await new Promise((resolve) => setTimeout(resolve, 250));
  const running = await heartbeatingSteps(handle, 'activity');
  expect(running.length).toBeGreaterThan(0);
  // While the worker lives, nobody else may open its data, and the error says why.
  expect(() => openClickHouse(embedded)).toThrow(EmbeddedClickHouseLockedError);
  worker.kill('SIGKILL');
  expect(await worker.exited).toEqual<WorkerExit>({ code: null, signal: 'SIGKILL' });
  return { running, killedAt: Date.now() };
}

/**
 * Every killed attempt was retried once, after its heartbeat timed out, on the second worker. A step may
 * have finished between the last look and the kill: then its first attempt, on the first worker, counts.
 */
function expectRetriedOn(
  second: WorkerProcess,
  first: WorkerProcess,
  attempts: Attempt[],
  running: string[],
): Attempt[] {
  expect(attempts.map((a) => a.activityId).sort()).toEqual([...running].sort());
  const retries = attempts.filter((a) => a.attempt > 1);
  expect(retries.length).toBeGreaterThan(0);
  for (const retry of retries)
    expect(retry).toMatchObject({ attempt: 2, lastFailure: 'HEARTBEAT', worker: second.pid });
  for (const finished of attempts.filter((a) => a.attempt === 1)) expect(finished.worker).toBe(first.pid);
  return retries;
}

/** Activity ids of the pending computeFeatureStep attempts of `step` that have heartbeated: the worker is inside their SQL. */
async function heartbeatingSteps(handle: WorkflowHandle, step: string): Promise<string[]> {
  const { raw } = await handle.describe();
  return (raw.pendingActivities ?? [])
    .filter((a) => {
      const details = a.heartbeatDetails?.payloads?.[0];
      return (
        a.activityType?.name === 'computeFeatureStep' &&
        (a.attempt ?? 1) === 1 &&
        details &&
        defaultPayloadConverter.fromPayload<{ step: string }>(details).step === step
      );
    })
    .map((a) => a.activityId!);
}

async function waitForHeartbeatingStep(handle: WorkflowHandle, step: string): Promise<void> {
  while ((await heartbeatingSteps(handle, step)).length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
}

interface Attempt {
  activityId: string;
  attempt: number;
  /** timeout type of the attempt before, if it timed out */
  lastFailure: string | undefined;
  startedAt: number;
  /** pid of the worker process that ran the attempt (its identity is pid@host) */
  worker: number;
}

/** The attempt that completed each of the given activities, and why the one before it failed. */
async function completedAttempts(handle: WorkflowHandle, activityIds: string[]): Promise<Attempt[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = new Map(
    events
      .filter((e) => e.activityTaskScheduledEventAttributes)
      .map((e) => [String(e.eventId), e.activityTaskScheduledEventAttributes!]),
  );
  return events.flatMap((e) => {
    const started = e.activityTaskStartedEventAttributes;
    const activityId = started && scheduled.get(String(started.scheduledEventId))?.activityId;
    if (!started || !activityId || !activityIds.includes(activityId)) return [];
    const timeout = started.lastFailure?.timeoutFailureInfo?.timeoutType;
    const worker = Number(started.identity?.split('@')[0]);
    return [
      {
        activityId,
        attempt: started.attempt ?? 1,
        lastFailure: decodeTimeoutType(timeout),
        startedAt: tsToMs(e.eventTime),
        worker,
      },
    ];
  });
}

async function exitWithin(child: WorkerProcess, ms: number): Promise<WorkerExit | 'still running'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), ms)));
  try {
    return await Promise.race([child.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function expectOneRowPerKey(ch: ClickHouse): Promise<void> {
  for (const [table, keys] of Object.entries(FEATURE_KEYS)) {
    const [counts] = await rows<{ rows: string; keys: string }>(
      ch,
      `SELECT count() AS rows, uniqExact(${keys.join(', ')}) AS keys FROM ${ch.db}.${table} FINAL`,
    );
    expect(counts!.rows, table).toBe(counts!.keys);
  }
}

/** Rows the killed attempt managed to insert and those of its retry share a version: they must be identical. */
async function expectRetryWroteIdenticalRows(ch: ClickHouse): Promise<void> {
  for (const [table, keys] of Object.entries(FEATURE_KEYS)) {
    const differing = await rows<Row>(
      ch,
      `
      SELECT ${keys.join(', ')}, version FROM ${ch.db}.${table}
      GROUP BY ${keys.join(', ')}, version HAVING uniqExact(cityHash64(*)) > 1 LIMIT 5`,
    );
    expect(differing, table).toEqual([]);
  }
}

async function expectEveryRowFromRun(ch: ClickHouse, runId: string): Promise<void> {
  for (const table of Object.keys(FEATURE_KEYS)) {
    const [stale] = await rows<{ n: number | string }>(
      ch,
      `SELECT count() AS n FROM ${ch.db}.${table} FINAL WHERE run_id != {runId:String}`,
      { runId },
    );
    expect(Number(stale!.n), table).toBe(0);
  }
}

async function snapshot(ch: ClickHouse): Promise<Snapshot> {
  const result: Snapshot = {};
  for (const [table, keys] of Object.entries(FEATURE_KEYS)) {
    result[table] = await rows<Row>(
      ch,
      `SELECT * EXCEPT (run_id, version, computed_at) FROM ${ch.db}.${table} FINAL ORDER BY ${keys.join(', ')}`,
    );
  }
  return result;
}

function expectSameRows(table: string, actual: Row[], expected: Row[]): void {
  expect(actual.length, table).toBe(expected.length);
  const differences = actual.flatMap((row, i) =>
    Object.keys(expected[i]!)
      .filter((column) => !nearlyEqual(row[column], expected[i]![column]))
      .map((column) => ({ table, row: i, column, actual: row[column], expected: expected[i]![column] })),
  );
  expect(differences.slice(0, 5)).toEqual([]);
}

function nearlyEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number')
    return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  return a === b;
}
