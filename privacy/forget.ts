import type { ClickHouse } from '../clickhouse/client.js';
import * as sql from './forget.sql.js';

export interface ForgetOutcome {
  athleteId: string;
  /** activities of the athlete found (raw, deleted or in the features) */
  activities: number;
}

/**
 * Removes every row of an athlete: raw data, streams, deletions, rejected records, feature rows, the
 * pipeline's bookkeeping, and the id in run records. Lightweight DELETEs hide the rows at once from every
 * read, with FINAL or without; the parts are rewritten by later merges. Idempotent: each statement
 * deletes what is left, rejects first (they are found through the activity ids the other tables hold).
 * An athlete with nothing stored is not an error: forgetting twice, or a never-known id, does nothing.
 */
export async function forgetAthlete(ch: ClickHouse, athleteId: string): Promise<ForgetOutcome> {
  const params = { athleteId };
  const result = await ch.client.query({
    query: sql.activityIdsOf(ch.db),
    query_params: params,
    format: 'JSONEachRow',
  });
  const activityIds = (await result.json<{ activity_id: string }>()).map((r) => r.activity_id);
  await ch.client.command({ query: sql.deleteRejects(ch.db), query_params: { athleteId, activityIds } });
  for (const query of sql.deleteAthleteRows(ch.db)) await ch.client.command({ query, query_params: params });
  const [named] = await (
    await ch.client.query({ query: sql.runRecordsNaming(ch.db), query_params: params, format: 'JSONEachRow' })
  ).json<{ n: string }>();
  if (Number(named?.n ?? 0) > 0) {
    await ch.client.command({
      query: sql.scrubRunRecords(ch.db),
      query_params: params,
      clickhouse_settings: { mutations_sync: '1' },
    });
  }
  return { athleteId, activities: activityIds.length };
}
