import type { ClickHouse } from '../../clickhouse/client.js';
import { currentWatermark } from '../../features/pipeline/run-scope.sql.js';
import { CHAMPION, currentAlias } from '../registry/registry.js';
import { InferenceError } from './batch.js';
import { latestFeatureRun } from '../training-set/build.sql.js';

export interface InferenceReadiness {
  version: number;
  featureRunId: string;
  featureAsOf: string;
}

/**
 * Inference for `asOf` needs a champion and features that are current: the newest successful full feature
 * run covers `asOf` and has seen every raw row ingested so far. Otherwise it fails with what to do.
 */
export async function checkInferenceReady(ch: ClickHouse, model: string, asOf: string): Promise<InferenceReadiness> {
  const version = await currentAlias(ch, model, CHAMPION);
  if (version === undefined)
    throw new InferenceError(
      `No champion for ${model}: run trainTimeEstimator (its gate promotes a good model) or promoteModel first.`,
    );
  const query = async <T>(sql: string) => (await ch.client.query({ query: sql, format: 'JSONEachRow' })).json<T>();
  const [run] = await query<{ run_id: string; as_of: string; watermark: string }>(latestFeatureRun(ch.db));
  if (!run || run.as_of < asOf) {
    throw new InferenceError(
      `Features for ${asOf} are missing (newest feature run: ${run ? `as of ${run.as_of}` : 'none'}): run featurePipeline with asOf ${asOf} first.`,
    );
  }
  const [raw] = await query<{ watermark: string }>(currentWatermark(ch.db));
  if (raw && raw.watermark > run.watermark) {
    throw new InferenceError(
      `Features are older than the raw data (feature run ${run.run_id} saw data up to ${run.watermark}, raw data reaches ${raw.watermark}): run featurePipeline first.`,
    );
  }
  return { version, featureRunId: run.run_id, featureAsOf: run.as_of };
}
