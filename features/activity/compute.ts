import type { ClickHouse } from '../../clickhouse/client.js';
import { insertActivityFeaturesSql, scopedActivityCountSql } from './activity-features.sql.js';
import { deleteFeatureRowsSql, orphanedFeatureRowsSql } from './scoped-activities.sql.js';

export interface ActivityFeaturesParams {
  runId: string;
  /** written to every row; ReplacingMergeTree(version) keeps the highest per activity */
  version: number;
  bucket: number;
}

/**
 * Engine settings of the activity statement (clickhouse_settings: they apply to it alone, see
 * clickhouse/embedded-settings.ts).
 * - The grouped scan keeps every scoped activity's sample arrays in memory (about 25 bytes per sample) until it
 *   finishes. Beyond this many bytes the engine spills the aggregation to disk and merges it bucket by bucket,
 *   which bounds the worker's memory at a small cost in time (measured: 0.45 s of 5.1 s at 60 M samples,
 *   BENCHMARKS.md). Athlete buckets remain the main lever for large scopes.
 * - Short-circuit evaluation off: the statistics wrap array expressions in `if(cond, …, NULL)`, and with
 *   short-circuit evaluation on the engine rebuilds the shared 1 Hz arrays inside each branch. Every branch here
 *   is safe to evaluate on every row (float division, empty-array aggregates), and the rows are bit-identical
 *   (bench/activity-step.ts checks it; the feature-invariant test and the published vectors pass unchanged).
 */
export const ACTIVITY_STEP_SETTINGS = {
  max_bytes_before_external_group_by: String(512 * 1024 * 1024),
  short_circuit_function_evaluation: 'disable',
} as const;

/**
 * Recomputes `activity_features` for the athletes of `feature_scope` (this run and bucket), for their
 * activities whose local date is on or after the scope's from_date, in one set-based INSERT … SELECT, after
 * deleting the rows of deleted activities there.
 * Idempotent: a re-run writes the same rows with the same version (computed_at is the run's recorded
 * start), and readers using FINAL see one row per activity. Returns the number of rows written.
 */
export async function computeActivityFeatures(ch: ClickHouse, params: ActivityFeaturesParams): Promise<number> {
  const query_params = { runId: params.runId, version: params.version, bucket: params.bucket };
  await deleteOrphanedRows(ch, query_params);
  await ch.client.command({
    query: insertActivityFeaturesSql(ch.db),
    query_params,
    clickhouse_settings: ACTIVITY_STEP_SETTINGS,
  });
  const result = await ch.client.query({ query: scopedActivityCountSql(ch.db), query_params, format: 'JSONEachRow' });
  const [row] = await result.json<{ n: string | number }>();
  return Number(row?.n ?? 0);
}

/**
 * Deletes the feature rows of deleted activities in the scope. Looked up first, so a run without
 * deletions issues no mutation.
 */
async function deleteOrphanedRows(ch: ClickHouse, query_params: Record<string, unknown>): Promise<void> {
  const result = await ch.client.query({ query: orphanedFeatureRowsSql(ch.db), query_params, format: 'JSONEachRow' });
  const orphans = await result.json<{ athlete_id: string; activity_id: string }>();
  if (orphans.length === 0) return;
  await ch.client.command({
    query: deleteFeatureRowsSql(ch.db),
    query_params: {
      athleteIds: [...new Set(orphans.map((o) => o.athlete_id))],
      activityIds: orphans.map((o) => o.activity_id),
    },
  });
}
