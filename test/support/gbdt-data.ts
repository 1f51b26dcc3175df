import { Random } from '../../generator/random.js';
import type { Dataset, Tree } from '../../ml/gbdt/types.js';

/**
 * Small synthetic regression sets for the trainer and ONNX tests: `fill` writes one row's features (NaN = missing)
 * and returns its label. Noise is the sum of three uniforms (bell-shaped, SD = noise / 2).
 */
export function makeDataset(
  nRows: number,
  nFeatures: number,
  seed: number,
  fill: (x: Float32Array, rng: Random) => number,
): Dataset {
  const rng = new Random(seed);
  const features = new Float32Array(nRows * nFeatures);
  const labels = new Float64Array(nRows);
  for (let r = 0; r < nRows; r++) labels[r] = fill(features.subarray(r * nFeatures, (r + 1) * nFeatures), rng);
  return { features, labels, nRows, nFeatures };
}

export function noise(rng: Random, size: number): number {
  return (rng.next() + rng.next() + rng.next() - 1.5) * size;
}

/** Rows [from, to) as their own dataset (a view, no copy). */
export function rows(d: Dataset, from: number, to: number): Dataset {
  return {
    features: d.features.subarray(from * d.nFeatures, to * d.nFeatures),
    labels: d.labels.subarray(from, to),
    nRows: to - from,
    nFeatures: d.nFeatures,
  };
}

export function rmse(pred: Float64Array, labels: Float64Array): number {
  let ss = 0;
  for (let i = 0; i < pred.length; i++) ss += (pred[i]! - labels[i]!) ** 2;
  return Math.sqrt(ss / pred.length);
}

export function sd(values: Float64Array): number {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length);
}

export function depthOf(tree: Tree, node = 0): number {
  return tree.feature[node]! < 0 ? 0 : 1 + Math.max(depthOf(tree, tree.left[node]!), depthOf(tree, tree.right[node]!));
}

export function leafCount(tree: Tree): number {
  return tree.feature.filter((f) => f < 0).length;
}
