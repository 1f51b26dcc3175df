/**
 * SIGTERM to the worker process (workers/main.ts, the all-in-one worker) while a feature step runs in ClickHouse:
 * it stops polling, lets the step finish within its grace time, exits 0, and a new worker finishes the run.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { openClickHouse, type ClickHouse } from '../../clickhouse/client.js';
import { featurePipeline, ingestActivities } from '../../workflows/index.js';
import { rows } from '../support/clickhouse.js';
import { workerProcessSuite, type WorkerExit } from '../support/worker-process.js';

const POPULATION = { seed: 5, athletes: 8, days: 150, streamShare: 0.5, endDate: '2025-06-30' };

let ch: ClickHouse | undefined;
const suite = workerProcessSuite('sigterm', { CLICKHOUSE_DATABASE: 'sigterm_test', LOG_LEVEL: 'WARN' }, () =>
  ch?.close(),
);
const { dataPath, taskQueue, spawnWorker } = suite;

async function runningSteps(handle: WorkflowHandle): Promise<number> {
  const { raw } = await handle.describe();
  return (raw.pendingActivities ?? []).filter(
    (a) => a.activityType?.name === 'computeFeatureStep' && a.heartbeatDetails?.payloads?.length,
  ).length;
}

describe('SIGTERM to a worker during an activity', () => {
  it('drains: the worker exits 0 and no run is lost', async () => {
    const first = await spawnWorker();
    await suite.env.client.workflow.execute(ingestActivities, {
      taskQueue,
      workflowId: `sigterm-ingest-${randomUUID()}`,
      args: [{ synthetic: POPULATION }],
    });
    const handle = await suite.env.client.workflow.start(featurePipeline, {
      taskQueue,
      workflowId: `sigterm-features-${randomUUID()}`,
      args: [{ asOf: '2025-06-30' }],
    });
    while ((await runningSteps(handle)) === 0) await new Promise((resolve) => setTimeout(resolve, 100));

    first.kill('SIGTERM');
    expect(await first.exited).toEqual<WorkerExit>({ code: 0, signal: null });
    expect(first.output()).not.toMatch(/error/i);

    const second = await spawnWorker();
    const summary = await handle.result();
    second.kill('SIGTERM');
    expect(await second.exited).toEqual<WorkerExit>({ code: 0, signal: null });

    ch = openClickHouse({ kind: 'embedded', path: dataPath, database: 'sigterm_test' });
    const [run] = await rows<{ status: string }>(
      ch,
      `SELECT status FROM ${ch.db}.pipeline_runs FINAL WHERE run_id = {id:String}`,
      { id: summary.runId },
    );
    expect(run?.status).toBe('succeeded');
    expect(summary.checks.every((c) => c.passed)).toBe(true);
    expect(summary.rowsWritten.activity_features).toBeGreaterThan(0);
  });
});
