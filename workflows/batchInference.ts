import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { MlActivities } from '../activities/index.js';
import type { Metrics } from '../ml/registry/metrics.js';
import { INVALID_INPUT, surfacingFailure } from '../shared/failures.js';
import { checkInput, STORABLE_DATES, type ObjectSchema } from './input.js';
import { featuresFor } from './run-once.js';

export interface BatchInferenceInput {
  /** default today in PIPELINE_TIME_ZONE */
  asOf?: string;
  /** planned activities from asOf for this many days (default 7) */
  horizonDays?: number;
  /** rows per scoring chunk (default 20 000): bounds the worker's memory */
  chunkRows?: number;
  /**
   * The feature worker's task queue: first start, join or reuse `feature-pipeline-<asOf>` there and wait for it (at
   * most 3 hours). The daily schedule sets it, so the 06:30 inference never scores on the day before's features.
   */
  featureTaskQueue?: string;
}

export interface BatchInferenceSummary {
  runId: string;
  asOf: string;
  modelVersion: number;
  featureRunId: string;
  plannedScored: number;
  /** the day before asOf: completed activities scored, and the champion's live error on them */
  completedScored: number;
  liveError?: Metrics;
}

const INFERENCE_INPUT: ObjectSchema = {
  asOf: { type: 'date', optional: true, ...STORABLE_DATES },
  horizonDays: { type: 'integer', optional: true, min: 1, max: 60 },
  chunkRows: { type: 'integer', optional: true, min: 1, max: 1_000_000 },
  featureTaskQueue: { type: 'string', optional: true, maxLength: 200 },
};
const INFERENCE_USAGE = '{"asOf": "2026-11-01", "horizonDays": 7, "chunkRows": 20000} (every field optional)';

const retry = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 5,
  nonRetryableErrorTypes: [INVALID_INPUT],
};
const { resolveMlAsOf, checkInferenceReady, liveError } = proxyActivities<MlActivities>({
  startToCloseTimeout: '5 minutes',
  retry,
});
const { scoreBatch } = proxyActivities<MlActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '1 minute',
  retry,
});

/** Like score_batch: the champion scores the planned activities and yesterday's completed ones (live error). */
export async function batchInference(rawInput: BatchInferenceInput = {}): Promise<BatchInferenceSummary> {
  const input = checkInput<BatchInferenceInput>('batchInference', INFERENCE_INPUT, rawInput ?? {}, INFERENCE_USAGE);
  const { runId } = workflowInfo();
  const asOf = input.asOf ?? (await resolveMlAsOf());
  if (input.featureTaskQueue) await featuresFor(asOf, { taskQueue: input.featureTaskQueue });
  const ready = await surfacingFailure(checkInferenceReady({ asOf }));
  const common = {
    asOf,
    version: ready.version,
    runId,
    horizonDays: input.horizonDays ?? 7,
    chunkRows: input.chunkRows ?? 20_000,
  };
  const plannedScored = await surfacingFailure(scoreBatch({ ...common, kind: 'planned' }));
  const completedScored = await surfacingFailure(scoreBatch({ ...common, kind: 'activity' }));
  const live = await liveError({ version: ready.version, asOf });
  return {
    runId,
    asOf,
    modelVersion: ready.version,
    featureRunId: ready.featureRunId,
    plannedScored,
    completedScored,
    ...(live && { liveError: live }),
  };
}
