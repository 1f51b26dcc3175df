import { ApplicationFailure } from '@temporalio/activity';
import type { ClickHouse } from '../clickhouse/client.js';
import { aliasChanges, currentAlias, listVersions, type AliasChange } from '../ml/registry/registry.js';
import { MODEL_NAME } from '../ml/time-estimator/spec.js';
import { INVALID_INPUT } from '../shared/failures.js';
import { athleteExists, latestPlannedPredictions, latestRollingFeatures, latestWeeklyFeatures } from './lookup.sql.js';

export type FeatureRow = Record<string, string | number | null>;

export interface PlannedPrediction {
  planned_id: string;
  planned_date: string;
  sport: string;
  distance_m: number;
  predicted_s: number;
  model_version: number;
  as_of: string;
}

export interface AthleteFeatures {
  athleteId: string;
  rolling: FeatureRow | null;
  weekly: FeatureRow | null;
  /** the planned activities of the newest batch inference that scored the athlete, by planned date */
  predictions: PlannedPrediction[];
}

/** A model version as `npm run cli -- models` lists it: the registry row's metadata and its split metrics. */
export interface ModelVersionSummary {
  version: number;
  createdAt: string;
  runId: string;
  trainingSetId: string;
  sha256: string;
  metrics: unknown;
}

export interface ModelOverview {
  model: string;
  champion: number | null;
  versions: ModelVersionSummary[];
  /** every change of the `champion` alias, oldest first */
  championHistory: AliasChange[];
}

/**
 * Reads for the CLI through Temporal: with the embedded engine only the worker may open the data, so the CLI asks it
 * (the `athleteFeatures` and `modelOverview` workflows) instead of opening ClickHouse itself.
 */
export function createLookupActivities(ch: ClickHouse) {
  const rows = async <T>(query: string, query_params: Record<string, unknown>) =>
    (await ch.client.query({ query, query_params, format: 'JSONEachRow' })).json<T>();
  const one = async (query: string, athleteId: string) => (await rows<FeatureRow>(query, { athleteId }))[0] ?? null;
  return {
    async latestAthleteFeatures(athleteId: string): Promise<AthleteFeatures> {
      const known = await one(athleteExists(ch.db), athleteId);
      if (!Number(known?.known))
        throw ApplicationFailure.nonRetryable(
          `Unknown athlete "${athleteId}": no such athlete_id in ${ch.db}.athletes.`,
          INVALID_INPUT,
        );
      const predictions = (
        await rows<PlannedPrediction>(latestPlannedPredictions(ch.db), { athleteId, model: MODEL_NAME })
      ).sort((a, b) => a.planned_date.localeCompare(b.planned_date) || a.planned_id.localeCompare(b.planned_id));
      return {
        athleteId,
        rolling: await one(latestRollingFeatures(ch.db), athleteId),
        weekly: await one(latestWeeklyFeatures(ch.db), athleteId),
        predictions,
      };
    },

    async modelOverview(): Promise<ModelOverview> {
      const versions = (await listVersions(ch, MODEL_NAME)).map(
        ({ version, createdAt, runId, trainingSetId, sha256, metrics }) => ({
          version,
          createdAt,
          runId,
          trainingSetId,
          sha256,
          metrics,
        }),
      );
      return {
        model: MODEL_NAME,
        champion: (await currentAlias(ch, MODEL_NAME)) ?? null,
        versions,
        championHistory: await aliasChanges(ch, MODEL_NAME),
      };
    },
  };
}
