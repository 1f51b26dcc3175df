/**
 * Quantile histogram bins. Each feature gets ascending cut values, computed once from the training rows; a value's bin
 * is 1 + the number of cuts ≤ it, and bin 0 is "missing" (NaN). So `bin(x) ≤ k` ⇔ `x < cuts[k - 1]`: a split on bins
 * is the same as the raw rule "x < threshold goes left" that predict() and ONNX's BRANCH_LT apply.
 */

/** Quantiles are taken from at most this many values per feature (evenly strided), enough for 255 bins. */
const SKETCH_VALUES = 1 << 20;

export interface BinLayout {
  /** per feature: ascending cut values (float32, the thresholds splits use) */
  cuts: Float32Array[];
  /** per feature: value bins, cuts.length + 1 (bin 0, missing, comes on top) */
  valueBins: Int32Array;
  /** histogram slot of feature f's bin 0; feature f's bin b is slot offsets[f] + b; offsets[nFeatures] = total slots */
  offsets: Int32Array;
}

export function quantileLayout(features: Float32Array, nRows: number, nFeatures: number, maxBins: number): BinLayout {
  const cuts: Float32Array[] = [];
  const valueBins = new Int32Array(nFeatures);
  const offsets = new Int32Array(nFeatures + 1);
  const stride = Math.max(1, Math.ceil(nRows / SKETCH_VALUES));
  const scratch = new Float32Array(Math.ceil(nRows / stride));
  for (let f = 0; f < nFeatures; f++) {
    let n = 0;
    for (let r = 0; r < nRows; r += stride) {
      const x = features[r * nFeatures + f]!;
      if (x === x) scratch[n++] = x;
    }
    const sorted = scratch.subarray(0, n).sort();
    const featureCuts = cutsOf(sorted, maxBins);
    cuts.push(featureCuts);
    valueBins[f] = featureCuts.length + 1;
    offsets[f + 1] = offsets[f]! + valueBins[f]! + 1;
  }
  return { cuts, valueBins, offsets };
}

/** Every distinct value but the smallest when they fit; otherwise equal-count quantiles, deduplicated. */
function cutsOf(sorted: Float32Array, maxBins: number): Float32Array {
  const n = sorted.length;
  const out: number[] = [];
  if (n === 0) return new Float32Array(0);
  let distinct = 1;
  for (let i = 1; i < n && distinct <= maxBins; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  if (distinct <= maxBins) {
    for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) out.push(sorted[i]!);
  } else {
    for (let q = 1; q < maxBins; q++) {
      const v = sorted[Math.floor((q * n) / maxBins)]!;
      if (v > sorted[0]! && (out.length === 0 || v > out[out.length - 1]!)) out.push(v);
    }
  }
  return Float32Array.from(out);
}

/** Row-major bins, one byte per value, the layout the histogram loop reads. */
export function binRows(features: Float32Array, nRows: number, nFeatures: number, layout: BinLayout): Uint8Array {
  const bins = new Uint8Array(nRows * nFeatures);
  for (let f = 0; f < nFeatures; f++) {
    const cuts = layout.cuts[f]!;
    const m = cuts.length;
    for (let i = f; i < bins.length; i += nFeatures) {
      const x = features[i]!;
      if (x !== x) continue; // NaN stays in bin 0
      let lo = 0;
      let hi = m; // first cut > x, by binary search: the count of cuts ≤ x
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cuts[mid]! <= x) lo = mid + 1;
        else hi = mid;
      }
      bins[i] = lo + 1;
    }
  }
  return bins;
}
