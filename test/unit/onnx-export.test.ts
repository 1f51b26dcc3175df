import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predict } from '../../ml/gbdt/predict.js';
import { train } from '../../ml/gbdt/train.js';
import type { GbdtModel } from '../../ml/gbdt/types.js';
import { toOnnx } from '../../ml/onnx/export.js';
import { OnnxScorer } from '../../ml/onnx/score.js';
import { makeDataset, noise, rows } from '../support/gbdt-data.js';

/**
 * Moving-time-like labels (minutes to hours, in seconds) from six features, each missing in 15 % of the rows; feature 5's
 * missingness itself carries signal (a split with threshold +∞), so every NaN rule of the export is exercised.
 */
const data = makeDataset(12_000, 6, 11, (x, rng) => {
  const distanceKm = 2 + rng.next() * 60;
  const speed = 2 + rng.next() * 8;
  x[0] = distanceKm;
  x[1] = speed;
  x[2] = rng.next() * 1500;
  x[3] = Math.floor(rng.next() * 24);
  x[4] = rng.next();
  const flagged = rng.next() < 0.2;
  x[5] = flagged ? NaN : rng.next();
  for (let f = 0; f < 5; f++) if (rng.next() < 0.15) x[f] = NaN;
  return (distanceKm * 1000) / speed + 0.8 * (x[2]! || 0) + (flagged ? 900 : 0) + noise(rng, 120);
});
const trainRows = rows(data, 0, 8000);
const validRows = rows(data, 8000, 10_000);
const test = rows(data, 10_000, 12_000);

let model: GbdtModel;
let scorer: OnnxScorer;
let bytes: Uint8Array;

beforeAll(async () => {
  model = train(trainRows, validRows, { nTrees: 120, maxDepth: 6, learningRate: 0.15, earlyStoppingRounds: 20 });
  bytes = toOnnx(model, {
    inputName: 'x',
    featureNames: ['distance_km', 'speed', 'elevation', 'hour', 'noise', 'flag'],
  });
  scorer = await OnnxScorer.create(bytes, { threads: 1 });
});

afterAll(async () => {
  await scorer?.release();
});

describe('ONNX export', () => {
  it('writes one TreeEnsembleRegressor with every node, leaf and the base score', () => {
    const proto = onnxProto.onnx.ModelProto.decode(bytes);
    const graph = proto.graph as onnxProto.onnx.GraphProto;
    const [cast, node] = graph.node as onnxProto.onnx.NodeProto[];
    expect(cast!.opType).toBe('Cast');
    expect(node!.opType).toBe('TreeEnsembleRegressor');
    expect(node!.domain).toBe('ai.onnx.ml');
    const attr = (name: string) => node!.attribute.find((a) => a.name === name)!;
    const nodes = model.trees.reduce((n, t) => n + t.feature.length, 0);
    const leaves = model.trees.reduce((n, t) => n + t.feature.filter((f) => f < 0).length, 0);
    expect(attr('nodes_nodeids').ints).toHaveLength(nodes);
    expect(attr('target_weights').floats).toHaveLength(leaves);
    expect(attr('base_values_as_tensor').t!.doubleData![0]).toBe(model.baseScore);
    expect(graph.input[0]!.name).toBe('x');
    const names = proto.metadataProps.find((p) => p.key === 'feature_names')!.value!;
    expect(JSON.parse(names)).toEqual(['distance_km', 'speed', 'elevation', 'hour', 'noise', 'flag']);
    expect(scorer.nFeatures).toBe(6);
  });

  it('uses both missing directions and a missing-only split, so parity below covers them', () => {
    const splits = model.trees.flatMap((t) =>
      [...t.feature.keys()].filter((i) => t.feature[i]! >= 0).map((i) => ({ t, i })),
    );
    expect(splits.some(({ t, i }) => t.missingLeft[i] === 1)).toBe(true);
    expect(splits.some(({ t, i }) => t.missingLeft[i] === 0)).toBe(true);
    expect(splits.some(({ t, i }) => t.threshold[i] === Infinity)).toBe(true);
  });

  it('onnxruntime reproduces predict() within 1e-4 relative on the whole test split, NaNs included', async () => {
    let missing = 0;
    for (const x of test.features) if (Number.isNaN(x)) missing++;
    expect(missing).toBeGreaterThan(1000);
    const expected = predict(model, test.features, test.nRows);
    const actual = await scorer.score(test.features, test.nRows, 700); // several chunks, the last one short
    expect(actual).toHaveLength(test.nRows);
    let worst = 0;
    for (let r = 0; r < test.nRows; r++)
      worst = Math.max(worst, Math.abs(actual[r]! - expected[r]!) / Math.abs(expected[r]!));
    expect(worst).toBeLessThan(1e-4);
  });

  it('exports trees that are a single leaf (nothing to split on)', async () => {
    const features = Float32Array.from({ length: 40 }, (_, i) => i);
    const constant = train({ features, labels: new Float64Array(20).fill(5), nRows: 20, nFeatures: 2 }, undefined, {
      nTrees: 3,
    });
    expect(constant.trees.every((t) => t.feature.length === 1)).toBe(true);
    const leafScorer = await OnnxScorer.create(toOnnx(constant));
    expect([...(await leafScorer.score(features, 20))]).toEqual(new Array(20).fill(5));
    await leafScorer.release();
  });

  it('rejects a matrix of the wrong width and mismatched feature names', async () => {
    await expect(scorer.score(new Float32Array(10), 2)).rejects.toThrow(/expected nRows \(2\) × 6/);
    expect(() => toOnnx(model, { featureNames: ['a'] })).toThrow(/1 feature names for a model of 6 features/);
  });
});
