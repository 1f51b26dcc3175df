/**
 * The contract between the gradient-boosted tree trainer (ml/gbdt, ml/onnx) and the pipelines that use it
 * (training sets, registry, inference). Row-major Float32 matrices; NaN means "missing".
 */

export interface Dataset {
  /** nRows × nFeatures, row-major; NaN is a missing value */
  features: Float32Array;
  /** the target per row (moving time, seconds) */
  labels: Float64Array;
  nRows: number;
  nFeatures: number;
}

export interface GbdtParams {
  nTrees: number;
  maxDepth: number;
  /** 0 = limited only by maxDepth */
  maxLeaves: number;
  learningRate: number;
  /** L2 regularization on leaf weights (XGBoost's lambda) */
  l2: number;
  /** minimum hessian sum in a child (squared error: a row count) */
  minChildWeight: number;
  /** share of rows sampled per tree, (0, 1] */
  subsample: number;
  /** share of features sampled per tree, (0, 1] */
  colsampleByTree: number;
  /** histogram bins per feature (quantile edges), ≤ 255 */
  maxBins: number;
  /** stop when the validation loss has not improved for this many trees; 0 = never */
  earlyStoppingRounds: number;
  seed: number;
  /**
   * threads building histograms: 1, or 2 (the main thread and one helper, used from 20,000 training rows); the model
   * is the same either way. Default 1.
   */
  threads?: number;
}

export interface TrainProgress {
  iteration: number;
  trainRmse: number;
  validRmse?: number;
}

/** Flat arrays per tree, the layout `TreeEnsembleRegressor` wants too. A leaf has feature = -1. */
export interface Tree {
  feature: Int32Array;
  /** split: x < threshold goes left */
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  /** where a missing value goes: 1 = left, 0 = right */
  missingLeft: Uint8Array;
  /** leaf value (already scaled by the learning rate); 0 for inner nodes */
  value: Float32Array;
}

export interface GbdtModel {
  baseScore: number;
  nFeatures: number;
  trees: Tree[];
  /** trees kept (early stopping keeps the best validation iteration) */
  bestIteration: number;
  params: GbdtParams;
}
