import type { Dataset, GbdtParams } from './types.js';

/**
 * Defaults close to XGBoost's `hist` defaults, except a smaller learning rate (0.1 against 0.3) with more trees and
 * light subsampling, which generalizes better on tabular data like the time estimator's.
 */
export const DEFAULT_PARAMS: Readonly<Required<GbdtParams>> = Object.freeze({
  nTrees: 300,
  maxDepth: 6,
  maxLeaves: 0,
  learningRate: 0.1,
  l2: 1,
  minChildWeight: 1,
  subsample: 0.8,
  colsampleByTree: 0.8,
  maxBins: 255,
  earlyStoppingRounds: 20,
  seed: 42,
  threads: 1,
});

/** The largest bin count: bin 0 is "missing", so 255 value bins plus it fit one byte per value. */
export const MAX_BINS = 255;

/** Merges overrides over the defaults and checks every value; all problems are reported at once. */
export function resolveParams(overrides: Partial<GbdtParams> = {}): Required<GbdtParams> {
  const p: Required<GbdtParams> = { ...DEFAULT_PARAMS };
  for (const [key, value] of Object.entries(overrides))
    if (value !== undefined) (p as unknown as Record<string, unknown>)[key] = value;
  const problems: string[] = [];
  const intIn = (name: keyof GbdtParams, min: number, max: number) => {
    const v = p[name];
    if (!Number.isInteger(v) || v < min || v > max)
      problems.push(`${name} must be an integer in ${min}..${max} (got ${v})`);
  };
  const realIn = (name: keyof GbdtParams, min: number, max: number, minOpen = false) => {
    const v = p[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v > max || (minOpen ? v <= min : v < min)) {
      problems.push(`${name} must be a number in ${minOpen ? '(' : '['}${min}, ${max}] (got ${v})`);
    }
  };
  intIn('nTrees', 1, 100_000);
  intIn('maxDepth', 1, 30);
  intIn('maxLeaves', 0, 1 << 20);
  realIn('learningRate', 0, 1, true);
  realIn('l2', 0, 1e12);
  realIn('minChildWeight', 0, 1e12);
  realIn('subsample', 0, 1, true);
  realIn('colsampleByTree', 0, 1, true);
  intIn('maxBins', 2, MAX_BINS);
  intIn('earlyStoppingRounds', 0, 100_000);
  intIn('seed', -(2 ** 31), 2 ** 32 - 1);
  intIn('threads', 1, 2);
  if (p.maxLeaves === 1) problems.push('maxLeaves must be 0 (no limit) or at least 2');
  if (problems.length > 0) throw new RangeError(`Invalid GBDT parameters: ${problems.join('; ')}`);
  return p;
}

/** Shape and label checks: a malformed matrix fails here with a message, not deep in a hot loop. */
export function checkDataset(d: Dataset, role: string, nFeatures?: number): void {
  const problems: string[] = [];
  if (!Number.isInteger(d.nRows) || d.nRows < 1) problems.push(`nRows must be a positive integer (got ${d.nRows})`);
  if (!Number.isInteger(d.nFeatures) || d.nFeatures < 1)
    problems.push(`nFeatures must be a positive integer (got ${d.nFeatures})`);
  if (nFeatures !== undefined && d.nFeatures !== nFeatures)
    problems.push(`has ${d.nFeatures} features, the training set ${nFeatures}`);
  if (d.features.length !== d.nRows * d.nFeatures)
    problems.push(`features hold ${d.features.length} values, expected nRows × nFeatures = ${d.nRows * d.nFeatures}`);
  if (d.labels.length !== d.nRows) problems.push(`labels hold ${d.labels.length} values, expected nRows = ${d.nRows}`);
  const bad = d.labels.findIndex((y) => !Number.isFinite(y));
  if (bad >= 0) problems.push(`label of row ${bad} is not a finite number (${d.labels[bad]})`);
  if (problems.length > 0) throw new RangeError(`Invalid ${role} set: ${problems.join('; ')}`);
}
