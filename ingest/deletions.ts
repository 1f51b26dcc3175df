import type { ClickHouse } from '../clickhouse/client.js';
import * as sql from './deletions.sql.js';
import type { Rejected } from './rejects.js';

/** One activity to delete; `athlete_id`, when given, must own it. */
export interface DeletionRequest {
  activity_id: string;
  athlete_id: string | null;
  /** where the request came from, for a reject */
  locator: string;
  text: string;
}

export interface DeletionOutcome {
  /** activities deleted by this call */
  deleted: string[];
  /** activities deleted before (nothing to do) */
  alreadyDeleted: string[];
  /** unknown activities, or activities of another athlete than the one named */
  rejected: Rejected[];
}

interface Stored {
  activity_id: string;
  athlete_id: string;
  at: string;
}

/**
 * Deletes activities: records each deletion in `activity_deletions` (what the feature planner reads), then
 * removes the activity's raw rows (summary versions, samples, stream uploads). Idempotent: the deletion
 * row comes first and decides on a retry (an activity whose newest deletion is newer than its newest
 * version is deleted: its raw rows are removed again, no second deletion row is written); an activity
 * already gone with a deletion row is "already deleted", so re-running a deletions file writes nothing.
 */
export async function deleteActivities(
  ch: ClickHouse,
  requests: DeletionRequest[],
  source: string,
): Promise<DeletionOutcome> {
  const ids = [...new Set(requests.map((r) => r.activity_id))];
  const outcome: DeletionOutcome = { deleted: [], alreadyDeleted: [], rejected: [] };
  if (ids.length === 0) return outcome;
  const stored = await lookUp(ch, sql.storedActivities(ch.db), ids);
  const logged = await lookUp(ch, sql.recordedDeletions(ch.db), ids);
  const toLog = new Map<string, string>();
  const toRemove = new Map<string, string>();
  for (const request of requests) {
    const raw = stored.get(request.activity_id);
    const owner = raw?.athlete_id ?? logged.get(request.activity_id)?.athlete_id;
    const problem =
      owner === undefined
        ? `activity ${request.activity_id} is not known`
        : request.athlete_id !== null && request.athlete_id !== owner
          ? `activity ${request.activity_id} is not an activity of athlete ${request.athlete_id}`
          : undefined;
    if (problem) {
      outcome.rejected.push({
        locator: request.locator,
        reason: 'unknown_activity',
        detail: problem,
        text: request.text,
      });
      continue;
    }
    if (toLog.has(request.activity_id) || toRemove.has(request.activity_id)) continue;
    const deletion = logged.get(request.activity_id);
    if (raw && (!deletion || deletion.at < raw.at)) toLog.set(request.activity_id, owner!);
    if (raw) toRemove.set(request.activity_id, owner!);
    (raw && toLog.has(request.activity_id) ? outcome.deleted : outcome.alreadyDeleted).push(request.activity_id);
  }
  if (toLog.size > 0) {
    await ch.client.insert({
      table: `${ch.db}.activity_deletions`,
      values: [...toLog].map(([activity_id, athlete_id]) => ({ athlete_id, activity_id, source })),
      format: 'JSONEachRow',
    });
  }
  if (toRemove.size > 0) {
    const query_params = { athleteIds: [...new Set(toRemove.values())], ids: [...toRemove.keys()] };
    for (const query of sql.deleteRawActivityRows(ch.db)) await ch.client.command({ query, query_params });
  }
  return outcome;
}

async function lookUp(ch: ClickHouse, query: string, ids: string[]): Promise<Map<string, Stored>> {
  const result = await ch.client.query({ query, query_params: { ids }, format: 'JSONEachRow' });
  return new Map((await result.json<Stored>()).map((r) => [r.activity_id, r]));
}

/** The ids that name no activity ever stored (neither stored now nor deleted before). */
export async function unknownActivityIds(ch: ClickHouse, ids: string[]): Promise<string[]> {
  const result = await ch.client.query({
    query: sql.unknownActivities(ch.db),
    query_params: { ids },
    format: 'JSONEachRow',
  });
  return (await result.json<{ activity_id: string }>()).map((r) => r.activity_id);
}
