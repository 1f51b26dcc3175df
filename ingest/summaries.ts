import { createHash } from 'node:crypto';
import type { ClickHouse } from '../clickhouse/client.js';
import type { ActivityRow, AthleteRow, PlannedActivityRow, RejectReason, ThresholdRow } from '../shared/records.js';
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
  /** records ClickHouse refused to store (reason invalid_value, detail its message) */
  refused: (Located<T> & { reason: RejectReason; detail: string })[];
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
  const stored = await storedVersionsOf(
    ch,
    table,
    batch.map((b) => (table === 'activities' || table === 'planned_activities' ? keyOf(b.row) : b.row.athlete_id)),
  );
  const outcome: UpsertOutcome<T> = { inserted: 0, unchanged: 0, conflicts: [], refused: [] };
  const toInsert: (Located<T> & { key: string; hash: string })[] = [];
  for (const item of batch) {
    const key = keyOf(item.row);
    const hash = contentHash(item.row);
    const earlier = seenInUpload.get(key);
    const current = stored.get(key);
    if (earlier !== undefined && earlier !== hash) {
      outcome.conflicts.push({
        ...item,
        reason: 'conflicting_duplicate',
        detail: `${key} appears earlier in this upload with different content`,
      });
    } else if (current && current.owner !== item.row.athlete_id) {
      outcome.conflicts.push({
        ...item,
        reason: 'conflicting_duplicate',
        detail: `${key} already belongs to athlete ${current.owner}`,
      });
    } else if (earlier === hash || current?.hash === hash) {
      seenInUpload.set(key, hash);
      outcome.unchanged += 1;
    } else {
      seenInUpload.set(key, hash);
      toInsert.push({ ...item, key, hash });
    }
  }
  const insert = (items: typeof toInsert) =>
    ch.client.insert({
      table: `${ch.db}.${table}`,
      values: items.map((i) => ({ ...i.row, content_hash: i.hash })),
      format: 'JSONEachRow',
    });
  for (const { item, error } of await insertSeparatingRefused(insert, toInsert)) {
    // Not stored: a later identical record of the upload must not count as unchanged.
    seenInUpload.delete(item.key);
    outcome.refused.push({
      locator: item.locator,
      text: item.text,
      row: item.row,
      reason: 'invalid_value',
      detail: `ClickHouse refused the record: ${error}`,
    });
  }
  outcome.inserted = toInsert.length - outcome.refused.length;
  return outcome;
}

/**
 * Inserts the items; when ClickHouse refuses the insert because of the data (one insert of a batch is one
 * block: all or nothing), bisects the batch until the refused items are alone, and keeps all the others.
 * A batch with k bad rows among n costs about 2k·log2(n) extra inserts. Any other failure (connection,
 * memory, timeout) is not the data's fault: it is thrown, and the activity is retried.
 */
async function insertSeparatingRefused<I>(
  insert: (items: I[]) => Promise<unknown>,
  items: I[],
): Promise<{ item: I; error: string }[]> {
  if (items.length === 0) return [];
  try {
    await insert(items);
    return [];
  } catch (error) {
    if (!refusedForItsData(error)) throw error;
    if (items.length === 1) return [{ item: items[0]!, error: engineMessage(error) }];
    const half = Math.ceil(items.length / 2);
    return [
      ...(await insertSeparatingRefused(insert, items.slice(0, half))),
      ...(await insertSeparatingRefused(insert, items.slice(half))),
    ];
  }
}

/** ClickHouse exception types that blame the inserted values, not the server or the connection. */
const DATA_ERROR =
  /^(CANNOT_PARSE_\w+|CANNOT_READ_\w+|VIOLATED_CONSTRAINT|TYPE_MISMATCH|INCORRECT_DATA|VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE|CANNOT_CONVERT_TYPE|CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN|TOO_LARGE_STRING_SIZE|ARGUMENT_OUT_OF_BOUND|DECIMAL_OVERFLOW|ILLEGAL_TYPE_OF_ARGUMENT|UNKNOWN_ELEMENT_OF_ENUM)$/;

function refusedForItsData(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return typeof type === 'string' && DATA_ERROR.test(type);
}

/** The engine's message without the position it was raised at: short enough for a reject's detail. */
function engineMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .replace(/\s*\(at row \d+\)[\s\S]*$/, '')
    .trim()
    .slice(0, 500);
}

async function storedVersionsOf(ch: ClickHouse, table: SummaryTable, ids: string[]) {
  const result = await ch.client.query({
    query: storedVersions[table](ch.db),
    query_params: { ids: [...new Set(ids)] },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ key: string; hash: string; owner: string }>();
  return new Map(rows.map((r) => [r.key, r]));
}

/** Adds to `known` the stored time zone of every athlete in `ids` it does not have yet. */
export async function loadAthleteZones(
  ch: ClickHouse,
  ids: Iterable<string>,
  known: Map<string, string>,
): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => id && !known.has(id));
  if (missing.length === 0) return;
  const result = await ch.client.query({
    query: athleteTimeZones(ch.db),
    query_params: { ids: missing },
    format: 'JSONEachRow',
  });
  for (const r of await result.json<{ athlete_id: string; time_zone: string }>()) known.set(r.athlete_id, r.time_zone);
}
