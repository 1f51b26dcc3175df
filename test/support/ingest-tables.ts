/**
 * The raw tables as fingerprints computed in ClickHouse (row count and a sum of row hashes: a duplicated row
 * changes both), so two runs of millions of samples are compared without pulling them into Node.
 */
import type { ClickHouse } from '../../clickhouse/client.js';
import { rows } from './clickhouse.js';

/**
 * Every table ingestion writes, as stored (raw: a duplicate counts), without the columns stamped at write time.
 * ingest_rejects is read FINAL: a re-run stamps a rejected record again by design (its key replaces it).
 */
const TABLES = {
  athletes: 'SELECT * EXCEPT (ingested_at) FROM {db}.athletes',
  athlete_thresholds: 'SELECT * EXCEPT (ingested_at) FROM {db}.athlete_thresholds',
  activities: 'SELECT * EXCEPT (ingested_at) FROM {db}.activities',
  activity_streams: 'SELECT * FROM {db}.activity_streams',
  activity_stream_uploads: 'SELECT * EXCEPT (ingested_at) FROM {db}.activity_stream_uploads',
  ingest_rejects: 'SELECT * EXCEPT (rejected_at) FROM {db}.ingest_rejects FINAL',
  // Scratch tables: empty once every ingest is done, whatever was killed on the way.
  stream_staging: 'SELECT * FROM {db}.stream_staging',
  stream_changes: 'SELECT * FROM {db}.stream_changes',
  generator_stream_plans: 'SELECT * FROM {db}.generator_stream_plans',
} as const;

export type IngestTables = Record<keyof typeof TABLES, { rows: number; hash: string }>;

export async function ingestTableFingerprints(ch: ClickHouse): Promise<IngestTables> {
  const result = {} as IngestTables;
  for (const [table, select] of Object.entries(TABLES) as [keyof typeof TABLES, string][]) {
    const [print] = await rows<{ rows: string; hash: string }>(
      ch,
      `SELECT count() AS rows, toString(sum(cityHash64(formatRow('TabSeparated', *)))) AS hash FROM (${select.replace('{db}', ch.db)})`,
    );
    result[table] = { rows: Number(print!.rows), hash: print!.hash };
  }
  return result;
}

/** Samples stored more than once (same activity and second): 0 after any sequence of ingests. */
export async function duplicateSamples(ch: ClickHouse): Promise<number> {
  const [r] = await rows<{ n: string }>(
    ch,
    `SELECT count() - uniqExact(athlete_id, activity_id, t_s) AS n FROM ${ch.db}.activity_streams`,
  );
  return Number(r!.n);
}
