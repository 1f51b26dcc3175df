import type { GbdtModel } from './types.js';

/** Rows per block: the block's features stay in cache while every tree passes over them. */
const BLOCK_ROWS = 2048;

/**
 * Raw-feature inference: x < threshold goes left, NaN goes where the split learned. `features` is row-major
 * nRows × model.nFeatures (Float32, as ONNX gets it). Sums in float64.
 */
export function predict(model: GbdtModel, features: Float32Array, nRows: number): Float64Array {
  const nf = model.nFeatures;
  if (!Number.isInteger(nRows) || nRows < 0 || features.length !== nRows * nf) {
    throw new RangeError(
      `predict: features hold ${features.length} values, expected nRows (${nRows}) × nFeatures (${nf})`,
    );
  }
  const out = new Float64Array(nRows).fill(model.baseScore);
  for (let start = 0; start < nRows; start += BLOCK_ROWS) {
    const end = Math.min(nRows, start + BLOCK_ROWS);
    for (const tree of model.trees) {
      const { feature, threshold, left, right, missingLeft, value } = tree;
      for (let r = start; r < end; r++) {
        const base = r * nf;
        let n = 0;
        let f = feature[0]!;
        while (f >= 0) {
          const x = features[base + f]!;
          n = x < threshold[n]! || (x !== x && missingLeft[n] === 1) ? left[n]! : right[n]!;
          f = feature[n]!;
        }
        out[r]! += value[n]!;
      }
    }
  }
  return out;
}
