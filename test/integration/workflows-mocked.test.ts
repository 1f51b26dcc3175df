/**
 * The orchestration logic of featurePipeline and ingestActivities with mocked activities (the pattern of Temporal's
 * workflows-mocks samples: a real Worker running the real workflow code, fake activity functions), on the real dev
 * server: the feature DAG order, failure recording and input validation, in milliseconds per run, no ClickHouse.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Activities, FeatureStepInput } from '../../activities/index.js';
import type { IngestOutcome } from '../../ingest/outcome.js';
import { DATA_QUALITY, dataQualityFailure, INVALID_INPUT } from '../../shared/failures.js';
import { workflowsPath } from '../../workers/worker.js';
import {
  featurePipeline,
  ingestActivities,
  type FeaturePipelineInput,
  type IngestInput,
} from '../../workflows/index.js';
import { devServerForFile } from '../support/temporal.js';

const server = devServerForFile();
let workflowBundle: { code: string };
beforeAll(async () => {
  workflowBundle = await bundleWorkflowCode({ workflowsPath });
});

/** Runs `workflow` on a worker whose activities are `fakes` (the rest throw if called); returns result or failure. */
async function runWithFakes<A, R>(fakes: Partial<Activities>, workflow: (input: A) => Promise<R>, input: A) {
  const taskQueue = `mocked-${randomUUID()}`;
  const worker = await Worker.create({
    connection: server.env.nativeConnection,
    namespace: server.env.namespace ?? 'default',
    taskQueue,
    workflowBundle,
    activities: fakes as Activities,
  });
  const run = server.env.client.workflow.execute(workflow, {
    args: [input],
    taskQueue,
    workflowId: `mocked-${randomUUID()}`,
  });
  return worker.runUntil(
    run.then(
      (result) => ({ result, error: undefined }),
      (error: unknown) => ({ result: undefined, error }),
    ),
  );
}

function failureOf(error: unknown): ApplicationFailure {
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const cause = (error as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

/** Fake feature activities that record their calls in order. */
function featureFakes(options: { failStep?: string; failChecks?: boolean } = {}) {
  const calls: string[] = [];
  const fakes: Partial<Activities> = {
    planFeatureRun: async (input) => {
      calls.push('plan');
      return {
        runId: input.runId,
        version: input.version,
        asOf: input.asOf ?? '2025-06-30',
        since: '',
        watermark: 'w',
        athletes: 3,
        buckets: [0, 1],
        concurrency: 2,
      };
    },
    computeFeatureStep: async (input: FeatureStepInput) => {
      calls.push(`${input.step}-${input.bucket}`);
      if (input.step === options.failStep)
        throw ApplicationFailure.nonRetryable(`step ${input.step} broke`, 'StepBroke');
      return 10;
    },
    checkFeatureRun: async () => {
      calls.push('check');
      if (options.failChecks) throw dataQualityFailure('2 checks failed');
      return { checks: [{ name: 'c', passed: true }] } as unknown as Awaited<ReturnType<Activities['checkFeatureRun']>>;
    },
    finishFeatureRun: async () => {
      calls.push('finish');
    },
    failFeatureRun: async (input) => {
      calls.push(`fail: ${input.error}`);
    },
  };
  return { calls, fakes };
}

describe('featurePipeline with mocked activities', () => {
  it('runs the DAG in order: plan, activity, daily, then rolling and weekly, checks, finish', async () => {
    const { calls, fakes } = featureFakes();
    const { result } = await runWithFakes(fakes, featurePipeline, { asOf: '2025-06-30' });
    const index = (call: string) => calls.indexOf(call);
    expect(calls[0]).toBe('plan');
    for (const bucket of [0, 1]) {
      expect(index(`activity-${bucket}`)).toBeLessThan(Math.min(index('daily-0'), index('daily-1')));
      expect(index(`daily-${bucket}`)).toBeLessThan(
        Math.min(index('rolling-0'), index('rolling-1'), index('weekly-0'), index('weekly-1')),
      );
      expect(index(`rolling-${bucket}`)).toBeLessThan(index('check'));
      expect(index(`weekly-${bucket}`)).toBeLessThan(index('check'));
    }
    expect(calls.slice(-2)).toEqual(['check', 'finish']);
    expect(calls).toHaveLength(1 + 4 * 2 + 2);
    expect(result?.rowsWritten).toEqual({
      activity_features: 20,
      athlete_daily_features: 20,
      athlete_rolling_features: 20,
      athlete_weekly_features: 20,
    });
  });

  it('records a failed step as a failed run and stops the DAG there', async () => {
    const { calls, fakes } = featureFakes({ failStep: 'daily' });
    const { error } = await runWithFakes(fakes, featurePipeline, {});
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(calls.filter((c) => c.startsWith('fail: '))).toHaveLength(1);
    expect(
      calls.some((c) => c.startsWith('rolling') || c.startsWith('weekly') || c === 'check' || c === 'finish'),
    ).toBe(false);
  });

  it('does not record failed checks twice: the checks activity recorded them', async () => {
    const { calls, fakes } = featureFakes({ failChecks: true });
    const { error } = await runWithFakes(fakes, featurePipeline, {});
    expect(failureOf(error).type).toBe(DATA_QUALITY);
    expect(calls.some((c) => c.startsWith('fail: ') || c === 'finish')).toBe(false);
  });

  it('rejects bad input before any activity runs', async () => {
    const { calls, fakes } = featureFakes();
    const { error } = await runWithFakes(fakes, featurePipeline, {
      asOf: '2025-13-45',
      athleteID: 'a',
    } as FeaturePipelineInput);
    const failure = failureOf(error);
    expect(failure.type).toBe(INVALID_INPUT);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/asOf/);
    expect(failure.message).toMatch(/athleteId/);
    expect(calls).toEqual([]);
  });
});

const outcome = (source: string): IngestOutcome =>
  ({ source, kind: 'activities', records: 1, inserted: 1, unchanged: 0, rejected: 0 }) as unknown as IngestOutcome;

describe('ingestActivities with mocked activities', () => {
  it('slices a synthetic population by athletesPerSlice, and still by its deprecated name athletesPerActivity', async () => {
    for (const synthetic of [
      { seed: 1, athletes: 5, days: 10, streamShare: 0, endDate: '2025-01-31', athletesPerSlice: 2 },
      { seed: 1, athletes: 5, days: 10, streamShare: 0, endDate: '2025-01-31', athletesPerActivity: 2 },
    ]) {
      const slices: Array<[number, number]> = [];
      const fakes: Partial<Activities> = {
        ingestSynthetic: async (slice) => {
          slices.push([slice.from, slice.to]);
          return outcome(`synthetic ${slice.from}`);
        },
      };
      const { result } = await runWithFakes(fakes, ingestActivities, { synthetic });
      expect(slices.sort((a, b) => a[0] - b[0])).toEqual([
        [0, 2],
        [2, 4],
        [4, 5],
      ]);
      expect(result?.inserted).toBe(3);
    }
  });

  it('rejects both names of the slice size at once, and bad input, before any activity runs', async () => {
    let called = false;
    const fakes: Partial<Activities> = {
      ingestSynthetic: async () => {
        called = true;
        return outcome('x');
      },
      planIngest: async () => {
        called = true;
        return [];
      },
    };
    const both = {
      synthetic: { seed: 1, athletes: 5, days: 10, streamShare: 0, athletesPerSlice: 2, athletesPerActivity: 2 },
    };
    expect(failureOf((await runWithFakes(fakes, ingestActivities, both)).error).message).toMatch(
      /give athletesPerSlice only/,
    );
    const zero = { synthetic: { seed: 1, athletes: 5, days: 10, streamShare: 0, athletesPerSlice: 0 } };
    expect(failureOf((await runWithFakes(fakes, ingestActivities, zero)).error).message).toMatch(
      /synthetic.athletesPerSlice must be within 1–1000, got 0/,
    );
    expect(failureOf((await runWithFakes(fakes, ingestActivities, {} as IngestInput)).error).type).toBe(INVALID_INPUT);
    expect(called).toBe(false);
  });

  it('ingests files in the planned order, one activity per file, and surfaces a non-retryable file failure', async () => {
    const ingested: string[] = [];
    const files = ['athletes.ndjson', 'activities.ndjson'].map((name) => ({
      path: `/in/${name}`,
      kind: name.replace('.ndjson', ''),
      format: 'ndjson',
    }));
    const fakes: Partial<Activities> = {
      planIngest: async () => files as unknown as Awaited<ReturnType<Activities['planIngest']>>,
      ingestFile: async ({ file }) => {
        ingested.push(file.path);
        if (file.path.endsWith('activities.ndjson'))
          throw ApplicationFailure.nonRetryable('/in/activities.ndjson: no such file', INVALID_INPUT);
        return outcome(file.path);
      },
    };
    const { error } = await runWithFakes(fakes, ingestActivities, { paths: ['/in'] });
    expect(ingested).toEqual(['/in/athletes.ndjson', '/in/activities.ndjson']);
    const failure = failureOf(error);
    expect(failure.message).toBe('/in/activities.ndjson: no such file');
    expect(failure.type).toBe(INVALID_INPUT);
  });
});
