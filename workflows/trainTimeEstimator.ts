import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { CandidateSummary, MlActivities } from '../activities/index.js';
import type { GbdtParams } from '../ml/gbdt/types.js';
import type { Metrics } from '../ml/registry/metrics.js';
import { INVALID_INPUT, surfacingFailure } from '../shared/failures.js';
import { checkInput, STORABLE_DATES, type ObjectSchema } from './input.js';

export interface TrainTimeEstimatorInput {
  /** labels are completed activities before this date; default today in PIPELINE_TIME_ZONE */
  asOf?: string;
  /** trainer hyperparameters over the defaults (ml/gbdt/params.ts) */
  params?: Partial<GbdtParams>;
  /** hold-out: the most recent weeks of labels (default 4) */
  testWeeks?: number;
  /** validation (early stopping): the weeks before the hold-out (default 4) */
  validWeeks?: number;
  /** relative hold-out MAE improvement required over the baseline and the champion to promote (default 0.02) */
  margin?: number;
}

export interface TrainTimeEstimatorSummary {
  runId: string;
  asOf: string;
  trainingSetId: string;
  rows: Record<'train' | 'valid' | 'test', number>;
  version: number;
  promoted: boolean;
  gate: string[];
  holdout: { model: Metrics; baseline: Metrics; champion?: { version: number; metrics: Metrics } };
  /** how much lower the hold-out MAE is than the baseline's, percent */
  maeBelowBaselinePct: number;
  trees: number;
  parityMaxRelError: number;
  secondsPerStep: Record<string, number>;
}

/** Types and wide bounds here; the trainer checks the exact ranges (its message comes through, not retried). */
const number = { type: 'number', optional: true, min: 0, max: 1e9 } as const;
const integer = { type: 'integer', optional: true, min: 0, max: 1e9 } as const;
const PARAMS: Record<keyof GbdtParams, ObjectSchema[string]> = {
  nTrees: integer,
  maxDepth: integer,
  maxLeaves: integer,
  learningRate: number,
  l2: number,
  minChildWeight: number,
  subsample: number,
  colsampleByTree: number,
  maxBins: integer,
  earlyStoppingRounds: integer,
  seed: integer,
  threads: integer,
};
const TRAIN_INPUT: ObjectSchema = {
  asOf: { type: 'date', optional: true, ...STORABLE_DATES },
  params: { type: 'object', optional: true, fields: PARAMS },
  testWeeks: { type: 'integer', optional: true, min: 1, max: 52 },
  validWeeks: { type: 'integer', optional: true, min: 1, max: 52 },
  margin: { type: 'number', optional: true, min: 0, max: 0.9 },
};
const TRAIN_USAGE =
  '{"asOf": "2026-11-01", "params": {"nTrees": 300, "maxDepth": 6}, "testWeeks": 4, "validWeeks": 4, "margin": 0.02} (every field optional)';

const retry = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 5,
  nonRetryableErrorTypes: [INVALID_INPUT],
};
const { resolveMlAsOf, buildTrainingSet, applyPromotionGate, recordMlRun } = proxyActivities<MlActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry,
});
// Training heartbeats once per tree; a tree of a large set can take a while on a busy machine.
const { trainCandidate } = proxyActivities<MlActivities>({
  startToCloseTimeout: '4 hours',
  heartbeatTimeout: '3 minutes',
  retry,
});

/** training set → train (heartbeats: iteration, validation loss) → evaluate vs baseline and champion → ONNX + parity → register → gate. */
export async function trainTimeEstimator(rawInput: TrainTimeEstimatorInput = {}): Promise<TrainTimeEstimatorSummary> {
  const input = checkInput<TrainTimeEstimatorInput>('trainTimeEstimator', TRAIN_INPUT, rawInput ?? {}, TRAIN_USAGE);
  const { workflowId, runId } = workflowInfo();
  const asOf = input.asOf ?? (await resolveMlAsOf());
  const trainingSetId = `ts-${runId}`;
  const params = input.params ?? {};
  const startedAt = new Date().toISOString();
  const run = {
    runId,
    status: 'running' as const,
    params,
    metrics: {},
    trainingSetId,
    featureSet: '',
    features: [] as string[],
    featureRunId: '',
    featureWatermark: '',
    stepSeconds: {} as Record<string, number>,
    modelVersion: 0,
    promoted: false,
    error: '',
    startedAt,
  };
  await recordMlRun(run);
  try {
    let started = Date.now();
    const spec = await surfacingFailure(
      buildTrainingSet({
        trainingSetId,
        asOf,
        split: { testWeeks: input.testWeeks ?? 4, validWeeks: input.validWeeks ?? 4 },
      }),
    );
    Object.assign(run, {
      featureSet: spec.featureSet,
      features: spec.featureDefinitions,
      featureRunId: spec.featureRunId,
      featureWatermark: spec.featureWatermark,
    });
    const trainingSetSeconds = (Date.now() - started) / 1000;
    const candidate: CandidateSummary = await surfacingFailure(trainCandidate({ runId, trainingSetId, params }));
    started = Date.now();
    const test = candidate.metrics.test;
    const gate = await applyPromotionGate({
      candidate: test.model,
      baseline: test.baseline,
      champion: candidate.champion,
      championUnscorable: candidate.championUnscorable,
      margin: input.margin ?? 0.02,
      version: candidate.version,
      changeId: `${workflowId}/${runId}/gate`,
      changedBy: `trainTimeEstimator ${workflowId}`,
    });
    const secondsPerStep = {
      trainingSet: trainingSetSeconds,
      ...candidate.stepSeconds,
      gate: (Date.now() - started) / 1000,
    };
    Object.assign(run, {
      status: 'succeeded',
      params: candidate.params ?? params,
      metrics: { ...candidate.metrics, champion: candidate.champion, gate: gate.reasons },
      stepSeconds: secondsPerStep,
      modelVersion: candidate.version,
      promoted: gate.promoted,
    });
    await recordMlRun(run);
    return {
      runId,
      asOf,
      trainingSetId,
      rows: { train: spec.splits.train.rows, valid: spec.splits.valid.rows, test: spec.splits.test.rows },
      version: candidate.version,
      promoted: gate.promoted,
      gate: gate.reasons,
      holdout: {
        model: test.model,
        baseline: test.baseline,
        ...(candidate.champion && { champion: candidate.champion }),
      },
      maeBelowBaselinePct: 100 * (1 - test.model.mae_s / test.baseline.mae_s),
      trees: candidate.trees,
      parityMaxRelError: candidate.parityMaxRelError,
      secondsPerStep,
    };
  } catch (error) {
    await recordMlRun({ ...run, status: 'failed', error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}
