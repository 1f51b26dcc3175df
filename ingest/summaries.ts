import { createHash } from 'node:crypto';
import type { ClickHouse } from '../clickhouse/client.js';
import type { ActivityRow, AthleteRow, PlannedActivityRow, RejectReason, ThresholdRow } from './records.js';
import { athleteTimeZones, storedVersions } from './summaries.sql.js';

export type SummaryTable = keyof typeof storedVersions;
type SummaryRow = AthleteRow | ThresholdRow | ActivityRow | PlannedActivityRow;

export interface Located<T> {
  locator: string;
  text: string;
  row: T;
}

export interface UpsertOutcome<T> {
  inserted: number;
  unchanged: number;
  conflicts: (Located<T> & { reason: RejectReason; detail: string })[];
}

const KEY: Record<SummaryTable, (row: never) => string> = {
  athletes: (r: AthleteRow) => r.athlete_id,
  athlete_thresholds: (r: ThresholdRow) => `${r.athlete_id}|${r.effective_from}`,
  activities: (r: ActivityRow) => r.activity_id,
  planned_activities: (r: PlannedActivityRow) => r.planned_id,
};

/** Stable across runs and processes: validators build rows with a fixed key order. */
export function contentHash(row: SummaryRow): string {
  return BigInt(`0x${createHash('sha1').update(JSON.stringify(row)).digest('hex').slice(0, 16)}`).toString();
}

/**
 * Inserts new and changed records as a newer version; skips records whose stored content is identical,
 * so re-ingesting a file writes nothing. An activity id already owned by another athlete, or repeated in
 * one upload with different content, is a conflict: the first version seen wins and the other is rejected.
 */
export async function upsertSummaries<T extends SummaryRow>(
  ch: ClickHouse,
  table: SummaryTable,
  batch: Located<T>[],
  seenInUpload: Map<string, string>,
): Promise<UpsertOutcome<T>> {
  const keyOf = KEY[table] as (row: T) => string;
  const stored = await storedVersionsOf(ch, table, batch.map((b) => (table === 'activities' || table === 'planned_activities' ? keyOf(b.row) : b.row.athlete_id)));
  const outcome: UpsertOutcome<T> = { inserted: 0, unchanged: 0, conflicts: [] };
  const toInsert: (T & { content_hash: string })[] = [];
  for (const item of batch) {
    const key = keyOf(item.row);
    const hash = contentHash(item.row);
    const earlier = seenInUpload.get(key);
    const current = stored.get(key);
    if (earlier !== undefined && earlier !== hash) {
      outcome.conflicts.push({ ...item, reason: 'conflicting_duplicate', detail: `${key} appears earlier in this upload with different content` });
    } else if (current && current.owner !== item.row.athlete_id) {
      outcome.conflicts.push({ ...item, reason: 'conflicting_duplicate', detail: `${key} already belongs to athlete ${current.owner}` });
    } else if (earlier === hash || current?.hash === hash) {
      seenInUpload.set(key, hash);
      outcome.unchanged += 1;
    } else {
      seenInUpload.set(key, hash);
      toInsert.push({ ...item.row, content_hash: hash });
    }
  }
  if (toInsert.length > 0) await ch.client.insert({ table: `${ch.db}.${table}`, values: toInsert, format: 'JSONEachRow' });
  outcome.inserted = toInsert.length;
  return outcome;
}

async function storedVersionsOf(ch: ClickHouse, table: SummaryTable, ids: string[]) {
  const result = await ch.client.query({ query: storedVersions[table](ch.db), query_params: { ids: [...new Set(ids)] }, format: 'JSONEachRow' });
  const rows = await result.json<{ key: string; hash: string; owner: string }>();
  return new Map(rows.map((r) => [r.key, r]));
}

/** Adds to `known` the stored time zone of every athlete in `ids` it does not have yet. */
export async function loadAthleteZones(ch: ClickHouse, ids: Iterable<string>, known: Map<string, string>): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => id && !known.has(id));
  if (missing.length === 0) return;
  const result = await ch.client.query({ query: athleteTimeZones(ch.db), query_params: { ids: missing }, format: 'JSONEachRow' });
  for (const r of await result.json<{ athlete_id: string; time_zone: string }>()) known.set(r.athlete_id, r.time_zone);
}
