import type { ClickHouse } from '../../clickhouse/client.js';
import { addDays } from '../dates.js';
import { completedActivityLabels, inputRowsSql, plannedActivityLabels } from '../time-estimator/inputs.sql.js';
import { featureDefinitions } from '../point-in-time/feature-set.js';
import { FEATURE_SET, modelInputs } from '../time-estimator/spec.js';
import { labelChunk } from './batch.sql.js';
import { loadModel } from './champion-cache.js';

/** Why a batch cannot be scored (not retryable). */
export class InferenceError extends Error {}

export type ScoredKind = 'planned' | 'activity';

export interface ScoreBatchInput {
  kind: ScoredKind;
  asOf: string;
  model: string;
  version: number;
  runId: string;
  /** planned activities from asOf for this many days */
  horizonDays: number;
  chunkRows: number;
}

interface InputRow {
  row_id: string;
  athlete_id: string;
  label_date: string;
  target_s: number | null;
  features: (number | null)[];
  feature_hash: string;
}

/** Which label rows a kind scores: planned activities of the horizon, or the completed activities of the day before. */
function labelsOf(ch: ClickHouse, input: ScoreBatchInput) {
  return input.kind === 'planned'
    ? { sql: plannedActivityLabels(ch.db), from: input.asOf, to: addDays(input.asOf, input.horizonDays) }
    : { sql: completedActivityLabels(ch.db), from: addDays(input.asOf, -1), to: input.asOf };
}

/**
 * Scores one kind of rows for the as-of date with one model version, chunk by chunk (features through the
 * point-in-time lookup, as in training), into `predictions` and, for completed activities, `prediction_errors`.
 * Rows are keyed by model version, as-of date and id: a re-run replaces its rows. Returns rows scored.
 */
export async function scoreBatch(
  ch: ClickHouse,
  input: ScoreBatchInput,
  onChunk: (rows: number) => void,
): Promise<number> {
  const loaded = await loadModel(ch, input.model, input.version);
  const inputs = modelInputs(featureDefinitions(FEATURE_SET));
  const names = inputs.map((i) => i.name);
  const built = inputs.map((i) => i.definition);
  if (JSON.stringify(built) !== JSON.stringify(loaded.inputSchema.featureDefinitions)) {
    throw new InferenceError(
      `${input.model} v${input.version} was trained on [${loaded.inputSchema.featureDefinitions.join(', ')}]; the features now are [${built.join(', ')}]: train a new version.`,
    );
  }
  const labels = labelsOf(ch, input);
  // Ordered by ClickHouse, so the last row's id is where the next chunk starts (its string order, not JavaScript's).
  const sql = `SELECT * FROM (${inputRowsSql(ch.db, inputs, labelChunk(labels.sql))}) ORDER BY row_id`;
  let after = '';
  let total = 0;
  for (;;) {
    const result = await ch.client.query({
      query: sql,
      format: 'JSONEachRow',
      query_params: {
        labelsFrom: labels.from,
        labelsTo: labels.to,
        medianBefore: input.asOf,
        after,
        limit: input.chunkRows,
      },
    });
    const rows = await result.json<InputRow>();
    if (rows.length === 0) return total;
    const predicted = await loaded.scorer.score(toMatrix(rows, names.length), rows.length);
    await write(ch, input, rows, predicted);
    total += rows.length;
    after = rows.at(-1)!.row_id;
    onChunk(total);
  }
}

function toMatrix(rows: InputRow[], nFeatures: number): Float32Array {
  const matrix = new Float32Array(rows.length * nFeatures);
  rows.forEach((r, i) =>
    r.features.forEach((v, j) => {
      matrix[i * nFeatures + j] = v === null ? NaN : v;
    }),
  );
  return matrix;
}

async function write(ch: ClickHouse, input: ScoreBatchInput, rows: InputRow[], predicted: Float64Array): Promise<void> {
  const predictedAt = new Date().toISOString().replace('T', ' ').replace('Z', '');
  const common = {
    model_name: input.model,
    model_version: input.version,
    as_of: input.asOf,
    run_id: input.runId,
    predicted_at: predictedAt,
  };
  await ch.client.insert({
    table: `${ch.db}.predictions`,
    format: 'JSONEachRow',
    values: rows.map((r, i) => ({
      ...common,
      kind: input.kind,
      target_id: r.row_id,
      athlete_id: r.athlete_id,
      target_date: r.label_date,
      predicted_s: predicted[i],
      feature_hash: r.feature_hash,
    })),
  });
  if (input.kind !== 'activity') return;
  await ch.client.insert({
    table: `${ch.db}.prediction_errors`,
    format: 'JSONEachRow',
    values: rows.map((r, i) => ({
      ...common,
      activity_id: r.row_id,
      athlete_id: r.athlete_id,
      activity_date: r.label_date,
      actual_s: r.target_s,
      predicted_s: predicted[i],
      error_s: predicted[i]! - Number(r.target_s),
    })),
  });
}
