import { Worker } from 'node:worker_threads';
import { buildHistogram, type HistogramBuilder } from './histogram.js';

/** Nodes with fewer rows are built on the main thread alone: waking the helper costs more than it saves. */
const MIN_PARALLEL_ROWS = 4096;

/**
 * The helper thread's loop, plain JavaScript (evaluated, so it needs no TypeScript loader): wait for a job, add
 * rows idx[begin..end) over features selected[from..to) into its own histogram, signal done. Control words:
 * 0 job sequence, 1 done sequence, 2 begin, 3 end, 4 from, 5 to, 6 quit.
 */
const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { ctrl, slots, grad, idx, selected, hist, nFeatures } = workerData;
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, 0, seen);
  seen = Atomics.load(ctrl, 0);
  if (ctrl[6] === 1) break;
  const begin = ctrl[2], end = ctrl[3], from = ctrl[4], to = ctrl[5];
  hist.fill(0);
  const to4 = from + ((to - from) & ~3);
  for (let i = begin; i < end; i++) {
    const r = idx[i], g = grad[r], base = r * nFeatures;
    let j = from;
    for (; j < to4; j += 4) { // unrolled as buildHistogram is
      const s0 = slots[base + selected[j]] << 1, s1 = slots[base + selected[j + 1]] << 1;
      const s2 = slots[base + selected[j + 2]] << 1, s3 = slots[base + selected[j + 3]] << 1;
      hist[s0] += g; hist[s0 + 1] += 1; hist[s1] += g; hist[s1 + 1] += 1;
      hist[s2] += g; hist[s2 + 1] += 1; hist[s3] += g; hist[s3 + 1] += 1;
    }
    for (; j < to; j++) {
      const s = slots[base + selected[j]] << 1;
      hist[s] += g;
      hist[s + 1] += 1;
    }
  }
  Atomics.store(ctrl, 1, seen);
  Atomics.notify(ctrl, 1);
}
`;

export function sharedArray<T extends Float64Array | Uint32Array | Uint16Array>(
  Kind: { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number },
  length: number,
): T {
  return new Kind(new SharedArrayBuffer(length * Kind.BYTES_PER_ELEMENT));
}

/**
 * Histogram building on two threads, split by feature: the main thread adds the first half of the selected features,
 * one helper thread the second half into its own buffer, copied over after. Each histogram slot is still summed by
 * one thread in row order, so the result is bit-identical to the single-threaded build (and the model to a
 * single-threaded training). The matrices must live in SharedArrayBuffers.
 */
export class TwoThreadHistograms implements HistogramBuilder {
  private readonly worker: Worker;
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(7 * 4));
  private readonly selected: Int32Array;
  private readonly hist: Float64Array;
  private seq = 0;

  constructor(
    private readonly slots: Uint16Array,
    private readonly nFeatures: number,
    private readonly grad: Float64Array,
    private readonly idx: Uint32Array,
    private readonly offsets: Int32Array,
  ) {
    this.selected = new Int32Array(new SharedArrayBuffer(nFeatures * 4));
    this.hist = sharedArray(Float64Array, offsets[nFeatures]! * 2);
    const { ctrl, selected, hist } = this;
    this.worker = new Worker(HELPER_SOURCE, {
      eval: true,
      workerData: { ctrl, slots, grad, idx, selected, hist, nFeatures },
    });
    this.worker.unref();
  }

  build(target: Float64Array, begin: number, end: number, selected: Int32Array): void {
    const k = selected.length;
    if (end - begin < MIN_PARALLEL_ROWS || k < 2) {
      buildHistogram(target, this.slots, this.nFeatures, this.grad, this.idx, begin, end, selected);
      return;
    }
    const half = k >> 1;
    this.selected.set(selected);
    const { ctrl } = this;
    ctrl[2] = begin;
    ctrl[3] = end;
    ctrl[4] = half;
    ctrl[5] = k;
    const seq = ++this.seq;
    Atomics.store(ctrl, 0, seq);
    Atomics.notify(ctrl, 0);
    buildHistogram(target, this.slots, this.nFeatures, this.grad, this.idx, begin, end, selected.subarray(0, half));
    for (let done = Atomics.load(ctrl, 1); done !== seq; done = Atomics.load(ctrl, 1)) Atomics.wait(ctrl, 1, done);
    for (let j = half; j < k; j++) {
      const f = selected[j]!;
      const from = this.offsets[f]! << 1;
      target.set(this.hist.subarray(from, this.offsets[f + 1]! << 1), from);
    }
  }

  close(): void {
    this.ctrl[6] = 1;
    Atomics.store(this.ctrl, 0, ++this.seq);
    Atomics.notify(this.ctrl, 0);
    void this.worker.terminate();
  }
}
