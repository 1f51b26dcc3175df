import { Random } from '../../generator/random.js';
import { binColumns, quantileLayout, slotRows } from './bins.js';
import { Boosting, Validation } from './boosting.js';
import { TreeGrower } from './grow.js';
import { SerialHistograms, type HistogramBuilder } from './histogram.js';
import { TwoThreadHistograms } from './parallel.js';
import { checkDataset, DEFAULT_PARAMS, resolveParams } from './params.js';
import type { Dataset, GbdtModel, GbdtParams, TrainProgress, Tree } from './types.js';

export { DEFAULT_PARAMS };

/** Below this many training rows one thread is faster than two (waking the helper per node costs ~tens of µs). */
const PARALLEL_MIN_ROWS = 20_000;

export interface TrainStats {
  /** quantile cuts and binning of the training and validation matrices */
  binningSeconds: number;
  /** growing the trees (and keeping the predictions up to date) */
  boostingSeconds: number;
}

/**
 * Gradient-boosted regression trees on squared error (see README "Trainer"). Deterministic for a seed: the only
 * randomness is the row and feature sampling, drawn from one seeded PRNG in a fixed order.
 */
export function train(
  trainSet: Dataset,
  valid: Dataset | undefined,
  params: Partial<GbdtParams> = {},
  onProgress?: (p: TrainProgress) => void,
): GbdtModel {
  return trainWithStats(trainSet, valid, params, onProgress).model;
}

export function trainWithStats(
  trainSet: Dataset,
  valid: Dataset | undefined,
  overrides: Partial<GbdtParams> = {},
  onProgress?: (p: TrainProgress) => void,
): { model: GbdtModel; stats: TrainStats } {
  const steps = boost(trainSet, valid, overrides, onProgress);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * train() that gives the event loop a turn after every tree, for callers that must stay responsive while training:
 * a Temporal activity's heartbeats and cancellation are only delivered by the event loop.
 */
export async function trainAsync(
  trainSet: Dataset,
  valid: Dataset | undefined,
  overrides: Partial<GbdtParams> = {},
  onProgress?: (p: TrainProgress) => void,
): Promise<{ model: GbdtModel; stats: TrainStats }> {
  const steps = boost(trainSet, valid, overrides, onProgress);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The boosting loop as a generator that yields after every tree (train runs it through, trainAsync with pauses). */
function* boost(
  trainSet: Dataset,
  valid: Dataset | undefined,
  overrides: Partial<GbdtParams>,
  onProgress?: (p: TrainProgress) => void,
): Generator<void, { model: GbdtModel; stats: TrainStats }> {
  const params = resolveParams(overrides);
  checkDataset(trainSet, 'training');
  if (valid) checkDataset(valid, 'validation', trainSet.nFeatures);
  const t0 = performance.now();
  const { nRows, nFeatures } = trainSet;
  const layout = quantileLayout(trainSet.features, nRows, nFeatures, params.maxBins);
  const columns = binColumns(trainSet.features, nRows, nFeatures, layout);
  const parallel = params.threads > 1 && nRows >= PARALLEL_MIN_ROWS;
  const slots = slotRows(columns, nRows, nFeatures, layout, parallel);
  const validColumns = valid ? binColumns(valid.features, valid.nRows, nFeatures, layout) : undefined;
  const t1 = performance.now();

  const baseScore = mean(trainSet.labels);
  const boosting = new Boosting(trainSet, columns, params, baseScore, parallel);
  const validation = valid && validColumns ? new Validation(valid, validColumns, baseScore) : undefined;
  const histograms: HistogramBuilder = parallel
    ? new TwoThreadHistograms(slots, nFeatures, boosting.grad, boosting.idx, layout.offsets)
    : new SerialHistograms(slots, nFeatures, boosting.grad, boosting.idx);
  try {
    const grower = new TreeGrower(columns, histograms, nRows, nFeatures, layout, params);
    const trees = yield* boostTrees(params, nFeatures, boosting, grower, validation, onProgress);
    const t2 = performance.now();
    return {
      model: { baseScore, nFeatures, trees, bestIteration: trees.length, params },
      stats: { binningSeconds: (t1 - t0) / 1000, boostingSeconds: (t2 - t1) / 1000 },
    };
  } finally {
    histograms.close();
  }
}

/** Grows the trees; returns the ones kept (all, or the best prefix on the validation set with early stopping). */
function* boostTrees(
  params: Required<GbdtParams>,
  nFeatures: number,
  boosting: Boosting,
  grower: TreeGrower,
  validation: Validation | undefined,
  onProgress?: (p: TrainProgress) => void,
): Generator<void, Tree[]> {
  const rng = new Random(params.seed);
  const trees: Tree[] = [];
  let best = { rmse: Infinity, trees: 0 };
  for (let t = 0; t < params.nTrees; t++) {
    const nSampled = boosting.sampleRows(rng);
    const selected = sampleFeatures(rng, nFeatures, params.colsampleByTree);
    const grown = grower.grow(boosting.grad, boosting.idx, nSampled, selected, boosting.leafRanges);
    trees.push(grown.tree);
    const trainRmse = boosting.apply(grown, nSampled);
    const validRmse = validation?.apply(grown);
    onProgress?.({ iteration: t + 1, trainRmse, ...(validRmse === undefined ? {} : { validRmse }) });
    if (validRmse !== undefined && params.earlyStoppingRounds > 0) {
      if (validRmse < best.rmse) best = { rmse: validRmse, trees: t + 1 };
      else if (t + 1 - best.trees >= params.earlyStoppingRounds) break;
    }
    yield;
  }
  if (validation && params.earlyStoppingRounds > 0) trees.length = best.trees;
  return trees;
}

/** round(share × nFeatures) features (at least one) by a partial Fisher–Yates shuffle, in ascending order. */
function sampleFeatures(rng: Random, nFeatures: number, share: number): Int32Array {
  const all = new Int32Array(nFeatures);
  for (let f = 0; f < nFeatures; f++) all[f] = f;
  const k = Math.max(1, Math.round(share * nFeatures));
  if (k === nFeatures) return all;
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng.next() * (nFeatures - i));
    const tmp = all[i]!;
    all[i] = all[j]!;
    all[j] = tmp;
  }
  return all.subarray(0, k).sort();
}

function mean(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}
