import { describe, expect, it } from 'vitest';
import { predict } from '../../ml/gbdt/predict.js';
import { DEFAULT_PARAMS, train, trainAsync } from '../../ml/gbdt/train.js';
import type { Dataset, TrainProgress } from '../../ml/gbdt/types.js';
import { depthOf, leafCount, makeDataset, noise, rmse, rows, sd } from '../support/gbdt-data.js';

const FAST = { nTrees: 80, learningRate: 0.2, earlyStoppingRounds: 0 };

/** y = 10·[x0 > 0.5] + 5·[x1 > 0.3] − 4·[x2 > 0.8] + noise; x3, x4 are distractors. */
const steps = makeDataset(6000, 5, 1, (x, rng) => {
  for (let f = 0; f < 5; f++) x[f] = rng.next();
  return 10 * +(x[0]! > 0.5) + 5 * +(x[1]! > 0.3) - 4 * +(x[2]! > 0.8) + noise(rng, 1);
});

/** y = x0 · x1 on [0, 10]² + noise: an interaction no single split captures. */
const product = makeDataset(8000, 4, 2, (x, rng) => {
  for (let f = 0; f < 4; f++) x[f] = rng.next() * 10;
  return x[0]! * x[1]! + noise(rng, 2);
});

function holdOutRmse(d: Dataset, params = FAST): { model: ReturnType<typeof train>; rmse: number } {
  const cut = Math.floor(d.nRows * 0.8);
  const model = train(rows(d, 0, cut), undefined, params);
  const test = rows(d, cut, d.nRows);
  return { model, rmse: rmse(predict(model, test.features, test.nRows), test.labels) };
}

describe('trainer: fits known functions', () => {
  it('recovers step functions down to the noise level', () => {
    const { rmse: error } = holdOutRmse(steps);
    expect(sd(steps.labels)).toBeGreaterThan(5);
    expect(error).toBeLessThan(0.7); // noise SD is 0.5
  });

  it('fits a product of two features far below the label spread', () => {
    const { rmse: error } = holdOutRmse(product, { ...FAST, nTrees: 150 });
    expect(error).toBeLessThan(0.15 * sd(product.labels));
  });

  it('keeps the training loss falling with every tree (no row sampling)', () => {
    const progress: TrainProgress[] = [];
    train(product, undefined, { ...FAST, subsample: 1, colsampleByTree: 0.5 }, (p) => progress.push(p));
    expect(progress.map((p) => p.iteration)).toEqual(Array.from({ length: FAST.nTrees }, (_, i) => i + 1));
    for (let i = 1; i < progress.length; i++)
      expect(progress[i]!.trainRmse).toBeLessThanOrEqual(progress[i - 1]!.trainRmse);
  });

  it('reports the same training loss as predict() gives on the raw features', () => {
    const progress: TrainProgress[] = [];
    const model = train(steps, undefined, { ...FAST, subsample: 0.6 }, (p) => progress.push(p));
    expect(rmse(predict(model, steps.features, steps.nRows), steps.labels)).toBeCloseTo(progress.at(-1)!.trainRmse, 4);
  });
});

describe('trainer: missing values', () => {
  const allFeatures = { ...FAST, colsampleByTree: 1 };

  it('uses a feature whose missingness alone carries the signal, sending NaN to the right', () => {
    // x0 is noise when present; y is high exactly when x0 is missing
    const d = makeDataset(4000, 3, 3, (x, rng) => {
      const high = rng.next() < 0.3;
      x[0] = high ? NaN : rng.next();
      x[1] = rng.next();
      x[2] = rng.next();
      return (high ? 20 : 0) + noise(rng, 1);
    });
    const model = train(d, undefined, allFeatures);
    const root = model.trees[0]!;
    expect(root.feature[0]).toBe(0);
    expect(root.threshold[0]).toBe(Infinity); // all values left, missing right
    expect(root.missingLeft[0]).toBe(0);
    const pred = predict(model, Float32Array.from([NaN, 0.5, 0.5, 0.4, 0.5, 0.5]), 2);
    expect(pred[0]).toBeCloseTo(20, 0);
    expect(pred[1]).toBeCloseTo(0, 0);
  });

  it('learns to send NaN left when missing rows behave like the low values', () => {
    // y steps at x0 = 5; a third of the low rows lost x0
    const d = makeDataset(4000, 2, 4, (x, rng) => {
      const v = rng.next() * 10;
      x[0] = v < 5 && rng.next() < 0.33 ? NaN : v;
      x[1] = rng.next();
      return (v < 5 ? 0 : 10) + noise(rng, 1);
    });
    const model = train(d, undefined, allFeatures);
    const root = model.trees[0]!;
    expect(root.feature[0]).toBe(0);
    expect(root.threshold[0]).toBeGreaterThan(4.8);
    expect(root.threshold[0]).toBeLessThan(5.2);
    expect(root.missingLeft[0]).toBe(1);
    expect(predict(model, Float32Array.from([NaN, 0.5]), 1)[0]).toBeCloseTo(0, 0);
  });
});

describe('trainer: determinism and limits', () => {
  const sampled = { ...FAST, nTrees: 20, subsample: 0.7, colsampleByTree: 0.5 };

  it('grows identical trees for the same seed and different ones for another', () => {
    const a = train(product, undefined, { ...sampled, seed: 7 });
    const b = train(product, undefined, { ...sampled, seed: 7 });
    const c = train(product, undefined, { ...sampled, seed: 8 });
    expect(b.trees).toEqual(a.trees);
    expect(b.baseScore).toBe(a.baseScore);
    expect(c.trees).not.toEqual(a.trees);
  });

  it('trains the same model asynchronously, letting the event loop run between trees', async () => {
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    const progress: number[] = [];
    const { model } = await trainAsync(product, undefined, { ...sampled, seed: 7 }, (p) => progress.push(p.iteration));
    clearInterval(timer);
    expect(model.trees).toEqual(train(product, undefined, { ...sampled, seed: 7 }).trees);
    expect(progress).toHaveLength(sampled.nTrees);
    expect(turns).toBeGreaterThan(0);
  });

  it('grows the same trees on two threads as on one', () => {
    const big = makeDataset(25_000, 6, 9, (x, rng) => {
      for (let f = 0; f < 6; f++) x[f] = rng.next() < 0.1 ? NaN : rng.next();
      return 10 * (x[0]! || 0) * (x[1]! || 0) + noise(rng, 1);
    });
    const params = { nTrees: 8, colsampleByTree: 0.7, subsample: 0.8 };
    expect(train(big, undefined, { ...params, threads: 2 }).trees).toEqual(
      train(big, undefined, { ...params, threads: 1 }).trees,
    );
  });

  it('respects maxDepth, maxLeaves and minChildWeight', () => {
    const deep = train(product, undefined, { ...FAST, nTrees: 10, maxDepth: 3 });
    expect(Math.max(...deep.trees.map((t) => depthOf(t)))).toBe(3);
    const few = train(product, undefined, { ...FAST, nTrees: 10, maxDepth: 10, maxLeaves: 6 });
    expect(Math.max(...few.trees.map(leafCount))).toBe(6);
    expect(Math.max(...few.trees.map((t) => depthOf(t)))).toBeGreaterThan(2);
    const heavy = train(product, undefined, { ...FAST, nTrees: 3, maxDepth: 12, subsample: 1, minChildWeight: 500 });
    const counts = leafRowCounts(heavy.trees[0]!, product);
    expect(Math.min(...counts.values())).toBeGreaterThanOrEqual(500);
  });
});

describe('trainer: degenerate input', () => {
  it('stays finite when a tree samples no rows and l2 is 0, and on a constant label', () => {
    const tiny = rows(steps, 0, 50);
    const model = train(tiny, undefined, { nTrees: 30, subsample: 0.01, l2: 0 });
    expect(predict(model, tiny.features, tiny.nRows).every(Number.isFinite)).toBe(true);
    const constant = train({ ...tiny, labels: new Float64Array(50).fill(7) }, undefined, { nTrees: 5 });
    expect(constant.trees.every((t) => t.feature.length === 1)).toBe(true);
    expect([...predict(constant, tiny.features, tiny.nRows)]).toEqual(new Array(50).fill(7));
  });
});

describe('trainer: early stopping', () => {
  it('stops once the validation loss stops improving and keeps the best iteration', () => {
    // the label is noise: the validation loss bottoms out after very few trees
    const d = makeDataset(4000, 4, 5, (x, rng) => {
      for (let f = 0; f < 4; f++) x[f] = rng.next();
      return 0.5 * x[0]! + noise(rng, 4);
    });
    const progress: TrainProgress[] = [];
    const model = train(
      rows(d, 0, 3000),
      rows(d, 3000, 4000),
      { nTrees: 500, learningRate: 0.3, earlyStoppingRounds: 10 },
      (p) => progress.push(p),
    );
    expect(progress.length).toBeLessThan(500);
    expect(model.bestIteration).toBe(progress.length - 10);
    expect(model.trees).toHaveLength(model.bestIteration);
    const best = Math.min(...progress.map((p) => p.validRmse!));
    expect(progress[model.bestIteration - 1]!.validRmse).toBe(best);
    const valid = rows(d, 3000, 4000);
    expect(rmse(predict(model, valid.features, valid.nRows), valid.labels)).toBeCloseTo(best, 4);
  });

  it('keeps every tree without early stopping', () => {
    const model = train(rows(steps, 0, 3000), rows(steps, 3000, 4000), { ...FAST, nTrees: 15 });
    expect(model.trees).toHaveLength(15);
    expect(model.bestIteration).toBe(15);
  });
});

describe('trainer: bad input', () => {
  it('rejects bad parameters with every problem named', () => {
    expect(() => train(steps, undefined, { nTrees: 0, maxBins: 300, subsample: 0 })).toThrow(
      /nTrees must be an integer in 1\.\.100000.*subsample.*maxBins must be an integer in 2\.\.255/,
    );
  });

  it('rejects malformed matrices and labels', () => {
    expect(() => train({ ...steps, nFeatures: 4 }, undefined)).toThrow(
      /features hold 30000 values, expected nRows × nFeatures = 24000/,
    );
    const labels = Float64Array.from(steps.labels);
    labels[3] = NaN;
    expect(() => train({ ...steps, labels }, undefined)).toThrow(/label of row 3 is not a finite number/);
    expect(() => train(steps, rows(product, 0, 10))).toThrow(
      /Invalid validation set: has 4 features, the training set 5/,
    );
    expect(() => predict(train(steps, undefined, { nTrees: 1 }), new Float32Array(7), 2)).toThrow(
      /expected nRows \(2\) × nFeatures \(5\)/,
    );
  });

  it('exports the documented defaults', () => {
    expect(DEFAULT_PARAMS).toMatchObject({ nTrees: 300, maxDepth: 6, maxBins: 255 });
  });
});

/** Training rows per leaf, by walking the raw thresholds. */
function leafRowCounts(tree: ReturnType<typeof train>['trees'][number], d: Dataset): Map<number, number> {
  const counts = new Map<number, number>();
  for (let r = 0; r < d.nRows; r++) {
    let n = 0;
    while (tree.feature[n]! >= 0) {
      const x = d.features[r * d.nFeatures + tree.feature[n]!]!;
      n = x < tree.threshold[n]! || (Number.isNaN(x) && tree.missingLeft[n] === 1) ? tree.left[n]! : tree.right[n]!;
    }
    counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  return counts;
}
