import type { Random } from '../../generator/random.js';
import { leafOfBinned, type GrownTree } from './grow.js';
import { sharedArray } from './parallel.js';
import type { Dataset, GbdtParams } from './types.js';

/* The running predictions while boosting: each new tree is added to them, on the training and validation rows. */

/** The training rows' predictions and gradients, and the per-tree row sample. */
export class Boosting {
  readonly grad: Float64Array;
  /** sampled rows first (the grower partitions them by leaf), then the rows left out of this tree */
  readonly idx: Uint32Array;
  readonly leafRanges: number[] = [];
  private readonly pred: Float64Array;
  private readonly labels: Float64Array;
  private readonly nRows: number;

  constructor(
    d: Dataset,
    private readonly columns: Uint8Array,
    private readonly params: GbdtParams,
    baseScore: number,
    shared: boolean,
  ) {
    this.nRows = d.nRows;
    this.labels = d.labels;
    this.pred = new Float64Array(d.nRows).fill(baseScore);
    this.grad = shared ? sharedArray(Float64Array, d.nRows) : new Float64Array(d.nRows);
    for (let r = 0; r < d.nRows; r++) this.grad[r] = baseScore - d.labels[r]!;
    this.idx = shared ? sharedArray(Uint32Array, d.nRows) : new Uint32Array(d.nRows);
  }

  /** Bernoulli row sample (XGBoost's `subsample`); returns how many rows it holds, at the front of idx. */
  sampleRows(rng: Random): number {
    const { idx, nRows } = this;
    const rate = this.params.subsample;
    if (rate >= 1) {
      for (let r = 0; r < nRows; r++) idx[r] = r;
      return nRows;
    }
    let front = 0;
    let back = nRows;
    for (let r = 0; r < nRows; r++) {
      if (rng.next() < rate) idx[front++] = r;
      else idx[--back] = r;
    }
    return front;
  }

  /** Adds the tree to the predictions, refreshes the gradients; returns the training RMSE. */
  apply(grown: GrownTree, nSampled: number): number {
    const { pred, idx, leafRanges } = this;
    const value = grown.tree.value;
    for (let j = 0; j < leafRanges.length; j += 3) {
      const v = value[leafRanges[j]!]!;
      const end = leafRanges[j + 2]!;
      for (let i = leafRanges[j + 1]!; i < end; i++) pred[idx[i]!]! += v;
    }
    for (let i = nSampled; i < this.nRows; i++) {
      const r = idx[i]!;
      pred[r]! += value[leafOfBinned(grown, this.columns, this.nRows, r)]!;
    }
    return refreshGradients(pred, this.labels, this.grad);
  }
}

/** The validation rows' predictions, updated per tree on their bins (same cuts, same rule as the raw thresholds). */
export class Validation {
  private readonly pred: Float64Array;

  constructor(
    private readonly d: Dataset,
    private readonly columns: Uint8Array,
    baseScore: number,
  ) {
    this.pred = new Float64Array(d.nRows).fill(baseScore);
  }

  apply(grown: GrownTree): number {
    const { pred, columns } = this;
    const { value } = grown.tree;
    const nRows = this.d.nRows;
    let ss = 0;
    for (let r = 0; r < nRows; r++) {
      pred[r]! += value[leafOfBinned(grown, columns, nRows, r)]!;
      const e = pred[r]! - this.d.labels[r]!;
      ss += e * e;
    }
    return Math.sqrt(ss / this.d.nRows);
  }
}

/** Squared error: gradient = prediction − label, hessian = 1. Returns the RMSE. */
function refreshGradients(pred: Float64Array, labels: Float64Array, grad: Float64Array): number {
  let ss = 0;
  for (let r = 0; r < pred.length; r++) {
    const e = pred[r]! - labels[r]!;
    grad[r] = e;
    ss += e * e;
  }
  return Math.sqrt(ss / pred.length);
}
