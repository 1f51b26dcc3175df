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

/** Column-major bins (feature f's bins at [f·nRows, (f+1)·nRows)), one byte per value: the layout splits read. */
export function binColumns(features: Float32Array, nRows: number, nFeatures: number, layout: BinLayout): Uint8Array {
  const bins = new Uint8Array(nRows * nFeatures);
  const padded = new Float32Array(256);
  for (let f = 0; f < nFeatures; f++) {
    // cuts padded with +∞ to 255 entries: a fixed 8-step branch-free search finds the count of cuts ≤ x
    const cuts = layout.cuts[f]!;
    padded.fill(Infinity).set(cuts);
    const column = f * nRows;
    for (let r = 0, i = f; r < nRows; r++, i += nFeatures) {
      const x = features[i]!;
      if (x !== x) continue; // NaN stays in bin 0
      let lo = 0;
      for (let step = 128; step > 0; step >>= 1) if (padded[lo + step - 1]! <= x) lo += step;
      bins[column + r] = Math.min(lo, cuts.length) + 1; // x = +∞ would count the padding too
    }
  }
  return bins;
}

/**
 * Row-major histogram slots (offsets[f] + bin), the layout the histogram loop reads: one load per value, and a row's
 * features share cache lines. Uint16 holds up to 255 features of 256 bins.
 */
export function slotRows(
  columns: Uint8Array,
  nRows: number,
  nFeatures: number,
  layout: BinLayout,
  shared = false,
): Uint16Array {
  if (layout.offsets[nFeatures]! > 0xffff)
    throw new RangeError(`too many features for 16-bit histogram slots (${nFeatures})`);
  const size = nRows * nFeatures;
  const slots = shared ? new Uint16Array(new SharedArrayBuffer(size * 2)) : new Uint16Array(size);
  for (let f = 0; f < nFeatures; f++) {
    const offset = layout.offsets[f]!;
    const column = f * nRows;
    for (let r = 0, i = f; r < nRows; r++, i += nFeatures) slots[i] = offset + columns[column + r]!;
  }
  return slots;
}
