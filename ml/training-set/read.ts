import type { ClickHouse } from '../../clickhouse/client.js';
import type { Dataset } from '../gbdt/types.js';
import { splitRows } from './build.sql.js';

export type SplitName = 'train' | 'valid' | 'test';

/** A split as the trainer takes it, with the baseline's prediction per row beside it. */
export interface SplitData extends Dataset {
  baseline: Float64Array;
}

/** Reads one split of a stored training set into typed arrays (NULL → NaN, the trainer's missing value). */
export async function readSplit(
  ch: ClickHouse,
  trainingSetId: string,
  split: SplitName,
  nFeatures: number,
): Promise<SplitData> {
  const result = await ch.client.query({
    query: splitRows(ch.db),
    query_params: { id: trainingSetId, split },
    format: 'JSONCompactEachRow',
  });
  const rows = await result.json<[number, number, (number | null)[]]>();
  const features = new Float32Array(rows.length * nFeatures);
  const labels = new Float64Array(rows.length);
  const baseline = new Float64Array(rows.length);
  rows.forEach(([target, base, vector], i) => {
    labels[i] = Number(target);
    baseline[i] = Number(base);
    for (let j = 0; j < nFeatures; j++) features[i * nFeatures + j] = vector[j] === null ? NaN : Number(vector[j]);
  });
  return { features, labels, baseline, nRows: rows.length, nFeatures };
}
