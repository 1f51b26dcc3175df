import type { ClickHouse } from '../../clickhouse/client.js';
import { addDays } from '../dates.js';
import { featureDefinitions } from '../point-in-time/feature-set.js';
import { completedActivityLabels, inputRowsSql } from '../time-estimator/inputs.sql.js';
import { FEATURE_SET, modelInputs } from '../time-estimator/spec.js';
import {
  deleteRowsOfSet,
  insertSpec,
  insertTrainingRows,
  labelRange,
  latestFeatureRun,
  rowsOfSet,
  splitFigures,
  storedSpec,
} from './build.sql.js';

export interface SplitRequest {
  /** the most recent weeks of labels: the hold-out */
  testWeeks: number;
  /** the weeks before the hold-out: early stopping and the gate's tie-breaks */
  validWeeks: number;
}

export interface SplitFigure {
  rows: number;
  first: string;
  last: string;
}

export interface TrainingSetSpec {
  trainingSetId: string;
  asOf: string;
  featureSet: string;
  featureNames: string[];
  featureDefinitions: string[];
  splits: Record<'train' | 'valid' | 'test', SplitFigure>;
  featureRunId: string;
  featureWatermark: string;
}

/** Why a training set cannot be built from the data (not retryable). */
export class TrainingSetError extends Error {}

async function queryRows<T>(ch: ClickHouse, query: string, query_params: Record<string, unknown>): Promise<T[]> {
  return (await ch.client.query({ query, query_params, format: 'JSONEachRow' })).json<T>();
}

/**
 * Builds the training set `trainingSetId` from the completed activities before `asOf` (immutable: a set
 * that exists is returned as stored). The split is by label date: test = the last `testWeeks` weeks of
 * labels, valid = the `validWeeks` before, train = the rest.
 */
export async function buildTrainingSet(
  ch: ClickHouse,
  trainingSetId: string,
  asOf: string,
  split: SplitRequest,
): Promise<TrainingSetSpec> {
  const existing = await readSpec(ch, trainingSetId);
  if (existing) return existing;
  const [range] = await queryRows<{ n: string; first: string; last: string }>(ch, labelRange(ch.db), { asOf });
  if (!range || Number(range.n) === 0)
    throw new TrainingSetError(
      `No completed activities with features before ${asOf}: ingest activities and run featurePipeline first.`,
    );
  const testFrom = addDays(range.last, 1 - 7 * split.testWeeks);
  const validFrom = addDays(testFrom, -7 * split.validWeeks);
  if (validFrom <= range.first) {
    throw new TrainingSetError(
      `Activities from ${range.first} to ${range.last} do not cover ${split.validWeeks} validation and ${split.testWeeks} test weeks plus training weeks before them.`,
    );
  }
  const [partial] = await queryRows<{ n: string }>(ch, rowsOfSet(ch.db), { id: trainingSetId });
  if (Number(partial?.n) > 0)
    await ch.client.command({ query: deleteRowsOfSet(ch.db), query_params: { id: trainingSetId } });

  const definitions = featureDefinitions(FEATURE_SET);
  const inputs = modelInputs(definitions);
  await ch.client.command({
    query: insertTrainingRows(ch.db, inputRowsSql(ch.db, inputs, completedActivityLabels(ch.db))),
    query_params: {
      id: trainingSetId,
      labelsFrom: range.first,
      labelsTo: asOf,
      medianBefore: testFrom,
      testFrom,
      validFrom,
    },
  });
  const splits = Object.fromEntries(
    (
      await queryRows<{ split: string; rows: string } & SplitFigure>(ch, splitFigures(ch.db), { id: trainingSetId })
    ).map((s) => [s.split, { rows: Number(s.rows), first: s.first, last: s.last }]),
  );
  for (const name of ['train', 'valid', 'test']) splits[name] ??= { rows: 0, first: '', last: '' };
  const [run] = await queryRows<{ run_id: string; watermark: string }>(ch, latestFeatureRun(ch.db), {});
  await ch.client.command({
    query: insertSpec(ch.db),
    query_params: {
      id: trainingSetId,
      asOf,
      featureSet: `${FEATURE_SET.name}@${FEATURE_SET.version}`,
      names: inputs.map((i) => i.name),
      definitions: inputs.map((i) => i.definition),
      splits: JSON.stringify(splits),
      runId: run?.run_id ?? '',
      watermark: run?.watermark ?? '',
    },
  });
  return (await readSpec(ch, trainingSetId))!;
}

export async function readSpec(ch: ClickHouse, trainingSetId: string): Promise<TrainingSetSpec | undefined> {
  const [row] = await queryRows<{
    training_set_id: string;
    as_of: string;
    feature_set: string;
    feature_names: string[];
    feature_definitions: string[];
    splits: string;
    feature_run_id: string;
    feature_watermark: string;
  }>(ch, storedSpec(ch.db), { id: trainingSetId });
  if (!row) return undefined;
  return {
    trainingSetId: row.training_set_id,
    asOf: row.as_of,
    featureSet: row.feature_set,
    featureNames: row.feature_names,
    featureDefinitions: row.feature_definitions,
    splits: JSON.parse(row.splits),
    featureRunId: row.feature_run_id,
    featureWatermark: row.feature_watermark,
  };
}
