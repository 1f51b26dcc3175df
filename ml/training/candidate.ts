import type { ClickHouse } from '../../clickhouse/client.js';
import { predict } from '../gbdt/predict.js';
import { trainAsync } from '../gbdt/train.js';
import type { GbdtParams, TrainProgress } from '../gbdt/types.js';
import { toOnnx } from '../onnx/export.js';
import { OnnxScorer } from '../onnx/score.js';
import {
  CHAMPION,
  currentAlias,
  readOnnx,
  readVersion,
  registerVersion,
  type InputSchema,
} from '../registry/registry.js';
import { regressionMetrics, type Metrics, type SplitMetrics } from '../registry/metrics.js';
import { readSpec, type TrainingSetSpec } from '../training-set/build.js';
import { readSplit, type SplitData, type SplitName } from '../training-set/read.js';

export const INPUT_NAME = 'features';
/** onnxruntime must reproduce the TypeScript model within this relative error on the whole hold-out. */
export const PARITY_TOLERANCE = 1e-4;

export interface CandidateResult {
  version: number;
  metrics: SplitMetrics;
  champion?: { version: number; metrics: Metrics };
  championUnscorable?: string;
  /** the hyperparameters used: the defaults with the run's overrides */
  params: GbdtParams;
  trees: number;
  bestIteration: number;
  parityMaxRelError: number;
  stepSeconds: Record<string, number>;
  spec: TrainingSetSpec;
}

/** Bad data or a broken export: retrying the same computation cannot help. */
export class CandidateError extends Error {}

const SPLITS: SplitName[] = ['train', 'valid', 'test'];

/**
 * Trains on a stored training set, evaluates model and baseline on every split, exports to ONNX and checks
 * that onnxruntime reproduces the model on the hold-out, scores the current champion on the same hold-out,
 * and registers the ONNX bytes as a new version (idempotent per run: a retry retrains deterministically and
 * finds its version registered).
 */
export async function trainCandidate(
  ch: ClickHouse,
  input: { model: string; runId: string; trainingSetId: string; params: Partial<GbdtParams> },
  onProgress: (p: TrainProgress) => void,
): Promise<CandidateResult> {
  const timer = stepTimer();
  const spec = await readSpec(ch, input.trainingSetId);
  if (!spec) throw new CandidateError(`Training set ${input.trainingSetId} does not exist.`);
  const data = {} as Record<SplitName, SplitData>;
  for (const split of SPLITS) data[split] = await readSplit(ch, input.trainingSetId, split, spec.featureNames.length);
  if (data.train.nRows === 0 || data.test.nRows === 0)
    throw new CandidateError(`Training set ${input.trainingSetId} has an empty train or test split.`);
  timer.lap('read');

  // Yields to the event loop after every tree: heartbeats, cancellation and the other worker keep going.
  const { model } = await trainAsync(
    data.train,
    data.valid.nRows > 0 ? data.valid : undefined,
    input.params,
    onProgress,
  );
  timer.lap('train');
  const predictions = Object.fromEntries(
    SPLITS.map((s) => [s, predict(model, data[s].features, data[s].nRows)]),
  ) as Record<SplitName, Float64Array>;
  const metrics = Object.fromEntries(
    SPLITS.map((s) => [
      s,
      {
        model: regressionMetrics(data[s].labels, predictions[s]),
        baseline: regressionMetrics(data[s].labels, data[s].baseline),
      },
    ]),
  ) as SplitMetrics;
  timer.lap('evaluate');

  const onnx = toOnnx(model, { inputName: INPUT_NAME, featureNames: spec.featureNames });
  const parityMaxRelError = await parity(onnx, data.test, predictions.test);
  if (!(parityMaxRelError <= PARITY_TOLERANCE)) {
    throw new CandidateError(
      `ONNX parity failed: onnxruntime differs from the TypeScript model by ${parityMaxRelError} relative (limit ${PARITY_TOLERANCE}).`,
    );
  }
  timer.lap('export');

  const champion = await scoreChampion(ch, input.model, spec, data.test);
  timer.lap('champion');
  const inputSchema: InputSchema = {
    inputName: INPUT_NAME,
    featureNames: spec.featureNames,
    featureDefinitions: spec.featureDefinitions,
    featureSet: spec.featureSet,
  };
  const version = await registerVersion(ch, {
    model: input.model,
    onnx,
    inputSchema,
    metrics,
    runId: input.runId,
    trainingSetId: input.trainingSetId,
  });
  timer.lap('register');
  return {
    version,
    metrics,
    ...champion,
    params: model.params,
    trees: model.trees.length,
    bestIteration: model.bestIteration,
    parityMaxRelError,
    stepSeconds: timer.seconds,
    spec,
  };
}

async function parity(onnx: Uint8Array, test: SplitData, expected: Float64Array): Promise<number> {
  const scorer = await OnnxScorer.create(onnx);
  try {
    const got = await scorer.score(test.features, test.nRows);
    let worst = 0;
    for (let i = 0; i < got.length; i++)
      worst = Math.max(worst, Math.abs(got[i]! - expected[i]!) / Math.max(Math.abs(expected[i]!), 1));
    return worst;
  } finally {
    await scorer.release();
  }
}

/** The current champion's metrics on this hold-out; only a champion with the same inputs can be scored on it. */
async function scoreChampion(
  ch: ClickHouse,
  model: string,
  spec: TrainingSetSpec,
  test: SplitData,
): Promise<Pick<CandidateResult, 'champion' | 'championUnscorable'>> {
  const version = await currentAlias(ch, model, CHAMPION);
  if (version === undefined) return {};
  const stored = await readVersion(ch, model, version);
  if (!stored || JSON.stringify(stored.inputSchema.featureNames) !== JSON.stringify(spec.featureNames)) {
    return {
      championUnscorable: `champion v${version} takes other inputs than this training set: compare and promote it explicitly (promoteModel)`,
    };
  }
  const scorer = await OnnxScorer.create(await readOnnx(ch, model, version));
  try {
    return {
      champion: { version, metrics: regressionMetrics(test.labels, await scorer.score(test.features, test.nRows)) },
    };
  } finally {
    await scorer.release();
  }
}

function stepTimer() {
  const seconds: Record<string, number> = {};
  let last = performance.now();
  return {
    seconds,
    lap(step: string) {
      const now = performance.now();
      seconds[step] = Math.round(now - last) / 1000;
      last = now;
    },
  };
}
