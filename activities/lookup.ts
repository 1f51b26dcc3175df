import { ApplicationFailure } from '@temporalio/activity';
import type { ClickHouse } from '../clickhouse/client.js';
import { INVALID_INPUT } from '../shared/failures.js';
import { athleteExists, latestRollingFeatures, latestWeeklyFeatures } from './lookup.sql.js';

export type FeatureRow = Record<string, string | number | null>;

export interface AthleteFeatures {
  athleteId: string;
  rolling: FeatureRow | null;
  weekly: FeatureRow | null;
}

/**
 * Reads for the CLI through Temporal: with the embedded engine only the worker may open the data, so the CLI asks it
 * (the `athleteFeatures` workflow) instead of opening ClickHouse itself.
 */
export function createLookupActivities(ch: ClickHouse) {
  const one = async (query: string, athleteId: string) =>
    (await (await ch.client.query({ query, query_params: { athleteId }, format: 'JSONEachRow' })).json<FeatureRow>())[0] ?? null;
  return {
    async latestAthleteFeatures(athleteId: string): Promise<AthleteFeatures> {
      const known = await one(athleteExists(ch.db), athleteId);
      if (!Number(known?.known)) throw ApplicationFailure.nonRetryable(`Unknown athlete "${athleteId}": no such athlete_id in ${ch.db}.athletes.`, INVALID_INPUT);
      return { athleteId, rolling: await one(latestRollingFeatures(ch.db), athleteId), weekly: await one(latestWeeklyFeatures(ch.db), athleteId) };
    },
  };
}
