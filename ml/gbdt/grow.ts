import type { BinLayout } from './bins.js';
import { HistogramPool, subtractHistogram, type HistogramBuilder } from './histogram.js';
import { bestSplit, type Split } from './split.js';
import type { GbdtParams, Tree } from './types.js';

/** A tree as grown: the model's tree plus each split's bin, for traversing binned rows (validation, unsampled rows). */
export interface GrownTree {
  tree: Tree;
  /** value bins 1..splitBin[node] go left; 0 for leaves */
  splitBin: Int32Array;
}

/** A leaf that may still be split: its rows idx[begin..end), its histogram and its best split. */
interface Candidate {
  node: number;
  begin: number;
  end: number;
  depth: number;
  hist: Float64Array;
  split: Split;
}

/**
 * Grows one regression tree on gradients, best-first (largest gain first) within maxDepth and maxLeaves. Without a
 * leaf limit the result is the depth-wise tree, since every split is decided by its own node only. Each split builds
 * the histogram of the smaller child and gets the sibling's by subtraction from the parent's; children at maxDepth
 * need no histogram. Buffers are allocated once per training and reused for every tree.
 */
export class TreeGrower {
  private readonly pool: HistogramPool;
  private readonly scratch: Uint32Array;
  private nodes = new NodeList();
  private selected: Int32Array = new Int32Array(0);

  /**
   * `columns`: column-major bins (partitions read one feature of many rows); `histograms` builds from the row-major
   * slots, over the same gradient and row-index arrays that grow() gets.
   */
  constructor(
    private readonly columns: Uint8Array,
    private readonly histograms: HistogramBuilder,
    private readonly nRows: number,
    private readonly nFeatures: number,
    private readonly layout: BinLayout,
    private readonly params: GbdtParams,
  ) {
    this.pool = new HistogramPool(layout.offsets[nFeatures]!);
    this.scratch = new Uint32Array(nRows);
  }

  /**
   * Grows a tree over rows idx[0..nRows) and the features in `selected`. On return idx is partitioned by leaf and
   * `leafRanges` holds (node, begin, end) triples, so the caller adds leaf values to its rows without a traversal.
   */
  grow(grad: Float64Array, idx: Uint32Array, nRows: number, selected: Int32Array, leafRanges: number[]): GrownTree {
    const { maxDepth, maxLeaves } = this.params;
    this.selected = selected;
    this.nodes = new NodeList();
    const hist = this.pool.take();
    this.histograms.build(hist, 0, nRows, selected);
    let sumG = 0;
    for (let i = 0; i < nRows; i++) sumG += grad[idx[i]!]!;
    const root = this.nodes.add(0, nRows, sumG, nRows);
    const candidates: Candidate[] = [];
    this.consider(candidates, { node: root, begin: 0, end: nRows, depth: 0, hist });
    let leaves = 1;
    while (candidates.length > 0 && (maxLeaves === 0 || leaves < maxLeaves)) {
      const c = takeBest(candidates);
      const { leftG, leftH } = c.split;
      const mid = this.partition(idx, c);
      const left = this.nodes.add(c.begin, mid, leftG, leftH);
      const right = this.nodes.add(mid, c.end, this.nodes.g[c.node]! - leftG, this.nodes.h[c.node]! - leftH);
      this.nodes.setSplit(c.node, c.split, this.threshold(c.split), left, right);
      leaves++;
      const depth = c.depth + 1;
      if (depth >= maxDepth) {
        this.pool.give(c.hist);
        continue;
      }
      const leftSmaller = mid - c.begin <= c.end - mid;
      const small = this.pool.take();
      this.histograms.build(small, leftSmaller ? c.begin : mid, leftSmaller ? mid : c.end, selected);
      subtractHistogram(c.hist, small, selected, this.layout.offsets);
      this.consider(candidates, { node: left, begin: c.begin, end: mid, depth, hist: leftSmaller ? small : c.hist });
      this.consider(candidates, { node: right, begin: mid, end: c.end, depth, hist: leftSmaller ? c.hist : small });
    }
    for (const c of candidates) this.pool.give(c.hist);
    return this.nodes.toTree(this.params.l2, this.params.learningRate, leafRanges);
  }

  /** Keeps the node as a candidate when it can split; otherwise its histogram goes back to the pool. */
  private consider(candidates: Candidate[], c: Omit<Candidate, 'split'>): void {
    const p = this.params;
    const sumG = this.nodes.g[c.node]!;
    const sumH = this.nodes.h[c.node]!;
    const split =
      c.depth < p.maxDepth && sumH >= 2 * p.minChildWeight
        ? bestSplit(
            c.hist,
            sumG,
            sumH,
            this.selected,
            this.layout.offsets,
            this.layout.valueBins,
            p.l2,
            p.minChildWeight,
          )
        : null;
    if (split === null) this.pool.give(c.hist);
    else candidates.push({ ...c, split });
  }

  /** Stable in-place partition of the candidate's rows: left ones first. Returns the first right position. */
  private partition(idx: Uint32Array, c: Candidate): number {
    const { feature, bin, missingLeft } = c.split;
    const column = this.columns.subarray(feature * this.nRows, (feature + 1) * this.nRows);
    const scratch = this.scratch;
    let nl = c.begin;
    let nr = 0;
    for (let i = c.begin; i < c.end; i++) {
      const r = idx[i]!;
      const b = column[r]!;
      if (b === 0 ? missingLeft : b <= bin) idx[nl++] = r;
      else scratch[nr++] = r;
    }
    idx.set(scratch.subarray(0, nr), nl);
    return nl;
  }

  /** The raw threshold of a bin split: the cut after value bin `bin`, or +∞ after the last (all values left). */
  private threshold(split: Split): number {
    const cuts = this.layout.cuts[split.feature]!;
    return split.bin <= cuts.length ? cuts[split.bin - 1]! : Infinity;
  }
}

function takeBest(candidates: Candidate[]): Candidate {
  let best = 0;
  for (let i = 1; i < candidates.length; i++) if (candidates[i]!.split.gain > candidates[best]!.split.gain) best = i;
  return candidates.splice(best, 1)[0]!;
}

/** The leaf row r of column-major `columns` (nRows rows) falls into. */
export function leafOfBinned(grown: GrownTree, columns: Uint8Array, nRows: number, r: number): number {
  const { feature, left, right, missingLeft } = grown.tree;
  const splitBin = grown.splitBin;
  let n = 0;
  for (;;) {
    const f = feature[n]!;
    if (f < 0) return n;
    const b = columns[f * nRows + r]!;
    n = (b === 0 ? missingLeft[n] === 1 : b <= splitBin[n]!) ? left[n]! : right[n]!;
  }
}

/** Nodes while a tree grows, in creation order (root 0), with each node's rows and gradient sums. */
class NodeList {
  private readonly feature: number[] = [];
  private readonly threshold: number[] = [];
  private readonly left: number[] = [];
  private readonly right: number[] = [];
  private readonly missingLeft: number[] = [];
  private readonly bin: number[] = [];
  private readonly begin: number[] = [];
  private readonly end: number[] = [];
  readonly g: number[] = [];
  readonly h: number[] = [];

  add(begin: number, end: number, g: number, h: number): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.missingLeft.push(0);
    this.bin.push(0);
    this.begin.push(begin);
    this.end.push(end);
    this.g.push(g);
    this.h.push(h);
    return this.feature.length - 1;
  }

  setSplit(node: number, split: Split, threshold: number, left: number, right: number): void {
    this.feature[node] = split.feature;
    this.threshold[node] = threshold;
    this.left[node] = left;
    this.right[node] = right;
    this.missingLeft[node] = split.missingLeft ? 1 : 0;
    this.bin[node] = split.bin;
  }

  /** The tree with leaf values -G / (H + λ) × learning rate; (leaf, begin, end) triples go to leafRanges. */
  toTree(l2: number, learningRate: number, leafRanges: number[]): GrownTree {
    const n = this.feature.length;
    const value = new Float32Array(n);
    leafRanges.length = 0;
    for (let i = 0; i < n; i++) {
      if (this.feature[i] !== -1) continue;
      const weight = this.h[i]! + l2;
      value[i] = weight > 0 ? (-this.g[i]! / weight) * learningRate : 0; // an empty sample with l2 = 0 adds nothing
      leafRanges.push(i, this.begin[i]!, this.end[i]!);
    }
    return {
      tree: {
        feature: Int32Array.from(this.feature),
        threshold: Float32Array.from(this.threshold),
        left: Int32Array.from(this.left),
        right: Int32Array.from(this.right),
        missingLeft: Uint8Array.from(this.missingLeft),
        value,
      },
      splitBin: Int32Array.from(this.bin),
    };
  }
}
