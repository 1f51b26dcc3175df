/**
 * Gradient histograms: per feature and bin, the sum of gradients and of hessians (interleaved, slot s at [2s, 2s + 1]).
 * Squared error has hessian 1, so the hessian sum is a row count. The hot loop reads each row's bins once.
 */

/** Adds rows idx[begin..end) to `hist` (which must be zeroed) over the features in `selected`; slots from slotRows. */
export function buildHistogram(
  hist: Float64Array,
  slots: Uint16Array,
  nFeatures: number,
  grad: Float64Array,
  idx: Uint32Array,
  begin: number,
  end: number,
  selected: Int32Array,
): void {
  const nSel = selected.length;
  if (nSel === nFeatures) {
    for (let i = begin; i < end; i++) {
      const r = idx[i]!;
      const g = grad[r]!;
      const base = r * nFeatures;
      for (let f = 0; f < nFeatures; f++) {
        const s = slots[base + f]! << 1;
        hist[s]! += g;
        hist[s + 1]! += 1;
      }
    }
    return;
  }
  for (let i = begin; i < end; i++) {
    const r = idx[i]!;
    const g = grad[r]!;
    const base = r * nFeatures;
    for (let j = 0; j < nSel; j++) {
      const s = slots[base + selected[j]!]! << 1;
      hist[s]! += g;
      hist[s + 1]! += 1;
    }
  }
}

/** Builds a node's histogram from the trainer's fixed gradient and row-index arrays. */
export interface HistogramBuilder {
  build(target: Float64Array, begin: number, end: number, selected: Int32Array): void;
  close(): void;
}

export class SerialHistograms implements HistogramBuilder {
  constructor(
    private readonly slots: Uint16Array,
    private readonly nFeatures: number,
    private readonly grad: Float64Array,
    private readonly idx: Uint32Array,
  ) {}

  build(target: Float64Array, begin: number, end: number, selected: Int32Array): void {
    buildHistogram(target, this.slots, this.nFeatures, this.grad, this.idx, begin, end, selected);
  }

  close(): void {}
}

/** parent -= child over the selected features: the sibling's histogram without touching its rows. */
export function subtractHistogram(parent: Float64Array, child: Float64Array, selected: Int32Array, offsets: Int32Array): void {
  for (let j = 0; j < selected.length; j++) {
    const f = selected[j]!;
    const end = offsets[f + 1]! << 1;
    for (let s = offsets[f]! << 1; s < end; s++) parent[s]! -= child[s]!;
  }
}

/** A fixed-size pool, so a tree's histograms are allocated once per training, not per node. */
export class HistogramPool {
  private readonly free: Float64Array[] = [];

  constructor(private readonly slots: number) {}

  /** A zeroed histogram. */
  take(): Float64Array {
    const h = this.free.pop();
    if (h === undefined) return new Float64Array(this.slots * 2);
    h.fill(0);
    return h;
  }

  give(h: Float64Array): void {
    this.free.push(h);
  }
}
