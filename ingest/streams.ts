import { Readable } from 'node:stream';
import type { ClickHouse } from '../clickhouse/client.js';
import type { RejectReason, StreamSample } from './records.js';
import * as sql from './streams.sql.js';

const STAGE_BATCH_ROWS = 100_000;

/** Batch ids name staging partitions; ours are built from workflow ids, and anything else is refused. */
export function checkBatchId(batchId: string): string {
  if (!/^[A-Za-z0-9_.:@-]{1,200}$/.test(batchId)) throw new Error(`Invalid batch id "${batchId}"`);
  return batchId;
}

function tsvField(value: string | number | null): string {
  if (value === null) return '\\N';
  return typeof value === 'number' ? String(value) : !/[\\\t\n]/.test(value) ? value : value.replace(/[\\\t\n]/g, (c) => (c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\\\'));
}

/** Buffers samples and writes them to `stream_staging` as TSV, a bounded number of rows at a time. */
export class SampleStager {
  private lines: string[] = [];

  constructor(
    private readonly ch: ClickHouse,
    private readonly batchId: string,
  ) {}

  /** `position` (line or record number) must increase through the source; rejects are located by it. */
  add(s: StreamSample, position: number): void {
    this.lines.push(
      `${this.batchId}\t${position}\t${tsvField(s.activity_id)}\t${s.t_s}\t${tsvField(s.hr_bpm)}\t` +
        `${tsvField(s.power_w)}\t${tsvField(s.speed_mps)}\t${tsvField(s.altitude_m)}\t${tsvField(s.cadence)}\t${tsvField(s.distance_m)}`,
    );
  }

  get full(): boolean {
    return this.lines.length >= STAGE_BATCH_ROWS;
  }

  async flush(): Promise<void> {
    if (this.lines.length === 0) return;
    const body = `${this.lines.join('\n')}\n`;
    this.lines = [];
    await this.ch.client.insert({
      table: `${this.ch.db}.stream_staging`,
      values: Readable.from([body], { objectMode: false }),
      format: 'TabSeparated',
      columns: ['batch_id', 'seq', 'activity_id', 't_s', 'hr_bpm', 'power_w', 'speed_mps', 'altitude_m', 'cadence', 'distance_m'],
    });
  }
}

export interface StreamOutcome {
  /** valid samples stored by this batch (new or corrected streams) */
  inserted: number;
  /** valid samples identical to what was already stored */
  unchanged: number;
  rejected: Partial<Record<RejectReason, number>>;
}

/** Empties the batch's scratch partitions, so a retried or re-run batch starts clean. */
export async function resetBatch(ch: ClickHouse, batchId: string): Promise<void> {
  for (const table of ['stream_staging', 'stream_changes'] as const) {
    await ch.client.command({ query: sql.dropBatch(ch.db, table), query_params: { batchId: checkBatchId(batchId) } });
  }
}

/**
 * Checks a staged batch set-based in ClickHouse (a rejected sample is located as prefix + its position), quarantines the bad samples, and stores the streams
 * that are new or changed (a changed stream replaces the stored one whole). Idempotent: a retry redoes
 * the same work, and a re-run of an unchanged upload stores nothing.
 */
export async function promoteStagedSamples(ch: ClickHouse, batchId: string, source: string, locatorPrefix = 'line '): Promise<StreamOutcome> {
  const params = { batchId: checkBatchId(batchId), source, locatorPrefix };
  const run = (query: string) => ch.client.command({ query, query_params: params });
  const select = async <T>(query: string) => (await ch.client.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>();

  await run(sql.summarizeStagedSamples(ch.db));
  await run(sql.insertSampleRejects(ch.db));
  const [counts] = await select<{ valid: string; inserted: string; activities: string; replacing: string }>(sql.batchCounts(ch.db));
  if (Number(counts?.replacing) > 0) await run(sql.deleteReplacedSamples(ch.db));
  if (Number(counts?.activities) > 0) await run(sql.insertValidSamples(ch.db));
  await run(sql.recordUploads(ch.db));
  const rejected = await select<{ reason: string; n: string }>(sql.rejectCounts(ch.db));
  await resetBatch(ch, batchId);
  const inserted = Number(counts?.inserted ?? 0);
  return {
    inserted,
    unchanged: Number(counts?.valid ?? 0) - inserted,
    rejected: Object.fromEntries(rejected.map((r) => [r.reason, Number(r.n)])),
  };
}
