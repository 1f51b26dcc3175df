import type { ClickHouse } from '../../clickhouse/client.js';
import * as sql from './run-scope.sql.js';
import { insertRunningRun } from './runs.sql.js';
import { truncatedList } from '../../shared/text.js';

export interface FeatureRunRequest {
  runId: string;
  /** monotonic across runs: rows of a later run replace those of an earlier one */
  version: number;
  asOf: string;
  athleteIds: string[];
  fullRecompute: boolean;
  buckets: number;
}

export interface FeatureRunPlan {
  runId: string;
  version: number;
  asOf: string;
  since: string;
  watermark: string;
  athletes: number;
  /** the non-empty athlete buckets */
  buckets: number[];
}

/** Input that will not get better on retry (unknown athletes). */
export class FeatureInputError extends Error {}

const EPOCH = '1970-01-01 00:00:00.000';

/**
 * Decides what a run recomputes and records it as running. Planned once: a retry (or a restart of the
 * same run) reuses the stored watermarks, so it computes the same scope.
 */
export async function planFeatureRun(ch: ClickHouse, request: FeatureRunRequest): Promise<FeatureRunPlan> {
  const select = async <T>(query: string, params: Record<string, unknown>) =>
    (await ch.client.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>();
  const unknown = await select<{ athlete_id: string }>(sql.unknownAthletes(ch.db), { athleteIds: request.athleteIds });
  // Listed in part: 100,000 unknown ids must still make a message that fits on a screen.
  if (unknown.length > 0)
    throw new FeatureInputError(`Unknown athlete ids: ${truncatedList(unknown.map((u) => u.athlete_id))}`);

  const [stored] = await select<{ since: string; watermark: string }>(sql.existingRun(ch.db), { runId: request.runId });
  const since =
    stored?.since ??
    (await select<{ watermark: string }>(sql.lastWatermark(ch.db), { runId: request.runId }))[0]?.watermark ??
    EPOCH;
  const watermark =
    stored?.watermark ?? (await select<{ watermark: string }>(sql.currentWatermark(ch.db), {}))[0]!.watermark;
  const params = {
    runId: request.runId,
    version: request.version,
    asOf: request.asOf,
    buckets: request.buckets,
    athleteIds: request.athleteIds,
    fullRecompute: request.fullRecompute ? 1 : 0,
    since,
    until: watermark,
  };
  // Only a retried or restarted run has scope rows already: looked up first, so a new run issues no mutation.
  const [scoped] = await select<{ n: string }>(sql.scopeRows(ch.db), params);
  if (Number(scoped?.n ?? 0) > 0) await ch.client.command({ query: sql.clearScope(ch.db), query_params: params });
  await ch.client.command({ query: sql.insertScope(ch.db), query_params: params });
  const buckets = await select<{ bucket: number; athletes: number }>(sql.scopeSummary(ch.db), params);
  const athletes = buckets.reduce((n, b) => n + Number(b.athletes), 0);
  if (!stored)
    await ch.client.command({ query: insertRunningRun(ch.db), query_params: { ...params, watermark, athletes } });
  return {
    runId: request.runId,
    version: request.version,
    asOf: request.asOf,
    since,
    watermark,
    athletes,
    buckets: buckets.map((b) => Number(b.bucket)),
  };
}
