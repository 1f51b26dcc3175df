/**
 * Best split of one node from its histogram (XGBoost's exact gain on histogram bins). For every cut between value bins
 * the missing rows are tried on both sides, so each split learns its default direction; the cut after the last value
 * bin (all values left, missing right) splits "missing or not" alone.
 */

/** Gains at or below this are no split (XGBoost's kRtEps). */
const MIN_GAIN = 1e-6;

export interface Split {
  gain: number;
  feature: number;
  /** value bins 1..bin go left */
  bin: number;
  missingLeft: boolean;
  /** gradient and hessian sums of the left child (the right one is the node's minus these) */
  leftG: number;
  leftH: number;
}

export function bestSplit(
  hist: Float64Array,
  sumG: number,
  sumH: number,
  selected: Int32Array,
  offsets: Int32Array,
  valueBins: Int32Array,
  l2: number,
  minChildWeight: number,
): Split | null {
  const minH = Math.max(minChildWeight, 1e-12);
  const parentScore = (sumG * sumG) / (sumH + l2);
  // the best so far in locals: no object per improvement
  let bestGain = MIN_GAIN;
  let bestFeature = -1;
  let bestBin = 0;
  let bestMissingLeft = false;
  let bestG = 0;
  let bestH = 0;
  for (let j = 0; j < selected.length; j++) {
    const f = selected[j]!;
    const base = offsets[f]! << 1;
    const nb = valueBins[f]!;
    const missG = hist[base]!;
    const missH = hist[base + 1]!;
    let gl = 0;
    let hl = 0;
    for (let k = 1; k <= nb; k++) {
      gl += hist[base + 2 * k]!;
      hl += hist[base + 2 * k + 1]!;
      // missing right: left holds value bins 1..k
      let hr = sumH - hl;
      if (hl >= minH && hr >= minH) {
        const gr = sumG - gl;
        const gain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = f;
          bestBin = k;
          bestMissingLeft = false;
          bestG = gl;
          bestH = hl;
        }
      }
      // missing left: only differs when the node has missing rows; k = nb would leave the right side empty
      if (missH > 0 && k < nb) {
        const glm = gl + missG;
        const hlm = hl + missH;
        hr = sumH - hlm;
        if (hlm >= minH && hr >= minH) {
          const gr = sumG - glm;
          const gain = (glm * glm) / (hlm + l2) + (gr * gr) / (hr + l2) - parentScore;
          if (gain > bestGain) {
            bestGain = gain;
            bestFeature = f;
            bestBin = k;
            bestMissingLeft = true;
            bestG = glm;
            bestH = hlm;
          }
        }
      }
    }
  }
  if (bestFeature < 0) return null;
  return {
    gain: bestGain,
    feature: bestFeature,
    bin: bestBin,
    missingLeft: bestMissingLeft,
    leftG: bestG,
    leftH: bestH,
  };
}
