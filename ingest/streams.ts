import { Readable } from 'node:stream';
import type { ClickHouse } from '../clickhouse/client.js';
import type { RejectReason, StreamSample } from '../shared/records.js';
import * as sql from './streams.sql.js';
import { exclusively } from './write-lock.js';

const STAGE_BATCH_ROWS = 100_000;

/** Batch ids name staging partitions; ours are built from workflow ids, and anything else is refused. */
export function checkBatchId(batchId: string): string {
  if (!/^[A-Za-z0-9_.:@-]{1,200}$/.test(batchId)) throw new Error(`Invalid batch id "${batchId}"`);
  return batchId;
}

function tsvField(value: string | number | null): string {
  if (value === null) return '\\N';
  return typeof value === 'number'
    ? String(value)
    : !/[\\\t\n]/.test(value)
      ? value
      : value.replace(/[\\\t\n]/g, (c) => (c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\\\'));
}

/** One sample as a `stream_staging` TSV line (STAGING_COLUMNS, without the line end). */
export function stagingLine(batchId: string, seq: number, s: StreamSample): string {
  return (
    `${batchId}\t${seq}\t${tsvField(s.activity_id)}\t${s.t_s}\t${tsvField(s.hr_bpm)}\t` +
    `${tsvField(s.power_w)}\t${tsvField(s.speed_mps)}\t${tsvField(s.altitude_m)}\t${tsvField(s.cadence)}\t${tsvField(s.distance_m)}`
  );
}

export const STAGING_COLUMNS: [string, ...string[]] = ['batch_id', 'seq', ...sql.SAMPLE_FIELDS];

/** Writes `stream_staging` TSV text (lines of stagingLine, newline-terminated). */
export async function insertStagingTsv(ch: ClickHouse, tsv: string): Promise<void> {
  if (tsv === '') return;
  await ch.client.insert({
    table: `${ch.db}.stream_staging`,
    values: Readable.from([tsv], { objectMode: false }),
    format: 'TabSeparated',
    columns: STAGING_COLUMNS,
  });
}

/** Buffers samples and writes them to `stream_staging` as TSV, a bounded number of rows at a time. */
export class SampleStager {
  private lines: string[] = [];
  private readonly seqBase: number;

  /** `fileIndex`: the file's place among the stream files of its upload (its samples' seq tells it). */
  constructor(
    private readonly ch: ClickHouse,
    private readonly batchId: string,
    fileIndex = 0,
  ) {
    this.seqBase = fileIndex * sql.FILE_SEQ_FACTOR;
  }

  /** `position` (line or record number) must increase through the source; rejects are located by it. */
  add(s: StreamSample, position: number): void {
    if (position >= sql.FILE_SEQ_FACTOR)
      throw new Error(`A stream file of more than ${sql.FILE_SEQ_FACTOR} lines cannot be staged`);
    this.lines.push(stagingLine(this.batchId, this.seqBase + position, s));
  }

  get full(): boolean {
    return this.lines.length >= STAGE_BATCH_ROWS;
  }

  async flush(): Promise<void> {
    if (this.lines.length === 0) return;
    const body = `${this.lines.join('\n')}\n`;
    this.lines = [];
    await insertStagingTsv(this.ch, body);
  }
}

export interface StreamOutcome {
  /** valid samples stored by this promotion (new or corrected streams) */
  inserted: number;
  /** valid samples identical to what was already stored */
  unchanged: number;
  rejected: Partial<Record<RejectReason, number>>;
}

/** The staged samples of one upload: every stream file of it (or one FIT file, or one synthetic slice). */
export interface StagedUpload {
  /** the staging partitions, one per file, in file order: a sample's seq carries its file's index here */
  stagedIds: string[];
  /** each file's source (its path; the generator's name for synthetic samples), in the same order */
  sources: string[];
  /** the scratch partition of `stream_changes` for this promotion (unique per attempt) */
  changesId: string;
  /** rejects are located as prefix + position ('line 12'); '' locates by activity and second (generated samples) */
  locatorPrefix: string;
}

/**
 * Empties a scratch partition of both staging tables. A retried activity stages into a partition of its
 * own (the attempt is part of the batch id, so a stale attempt still running cannot mix rows into it) and
 * first drops what the attempts before it left behind.
 */
export async function resetBatch(ch: ClickHouse, batchId: string): Promise<void> {
  for (const table of ['stream_staging', 'stream_changes'] as const) {
    await ch.client.command({ query: sql.dropBatch(ch.db, table), query_params: { batchId: checkBatchId(batchId) } });
  }
}

/** This attempt's batch id, after dropping the scratch partitions of the attempts before it. */
export async function attemptBatch(ch: ClickHouse, batchId: string, attempt: number): Promise<string> {
  for (let earlier = 1; earlier <= attempt; earlier += 1) await resetBatch(ch, `${batchId}-a${earlier}`);
  return checkBatchId(`${batchId}-a${attempt}`);
}

/**
 * Checks an upload's staged samples set-based in ClickHouse, quarantines the bad samples, and stores the
 * streams that are new or changed: all the valid samples of an activity in the upload, from any of its
 * files, form its stream, and a changed stream replaces the stored one whole. Returns one outcome per file.
 *
 * Idempotent under retries, crashes and concurrent ingests of the same data. The promotion runs under the
 * ingestion write lock (write-lock.ts), so two promotions never interleave: the second compares with what
 * the first recorded and finds nothing changed. Within one promotion the upload record is written last,
 * and every write before it is a replace keyed by the activity (its stored samples, whatever wrote them,
 * are deleted before the new ones go in), so an attempt killed half-way leaves nothing a retry does not
 * replace: the retry still sees the activity as changed and rewrites it whole.
 */
export async function promoteStagedSamples(ch: ClickHouse, upload: StagedUpload): Promise<StreamOutcome[]> {
  const stagedIds = upload.stagedIds.map(checkBatchId);
  return promoteSamples(ch, upload, {
    params: { stagedIds },
    summarize: sql.summarizeStagedSamples(ch.db),
    insertValid: sql.insertValidSamples(ch.db),
    cleanup: async () => {
      for (const id of stagedIds) await resetBatch(ch, id);
    },
  });
}

/** Where a promotion's samples come from: the statements that read them, their parameters, and the scratch to drop. */
export interface SampleSource {
  params: Record<string, unknown>;
  /** INSERT INTO stream_changes: the upload's activities summarized (summarizeSamples) */
  summarize: string;
  /** INSERT INTO activity_streams: the valid samples of the changed activities */
  insertValid: string;
  /** drops the source's scratch partitions once promoted */
  cleanup(): Promise<void>;
}

/** The promotion protocol (see promoteStagedSamples), whatever holds the samples. */
export async function promoteSamples(
  ch: ClickHouse,
  upload: Omit<StagedUpload, 'stagedIds'>,
  source: SampleSource,
): Promise<StreamOutcome[]> {
  const params = { ...upload, ...source.params, changesId: checkBatchId(upload.changesId) };
  const run = (query: string) => ch.client.command({ query, query_params: params });
  const select = async <T>(query: string) =>
    (await ch.client.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>();

  const outcomes = await exclusively(ch, async () => {
    await ch.client.command({
      query: sql.dropBatch(ch.db, 'stream_changes'),
      query_params: { batchId: params.changesId },
    });
    await run(source.summarize);
    await run(sql.insertSampleRejects(ch.db));
    const [changed] = await select<{ activities: string }>(sql.changedActivityCount(ch.db));
    if (Number(changed?.activities) > 0) {
      const [stored] = await select<{ n: string }>(sql.storedSampleCount(ch.db));
      if (Number(stored?.n) > 0) await run(sql.deleteStoredSamples(ch.db));
      await run(source.insertValid);
      await run(sql.recordUploads(ch.db));
    }
    return outcomesByFile(
      upload.sources.length,
      await select(sql.countsByFile(ch.db)),
      await select(sql.rejectCountsByFile(ch.db)),
    );
  });
  await source.cleanup();
  await resetBatch(ch, params.changesId);
  return outcomes;
}

function outcomesByFile(
  files: number,
  counts: { file: number; valid: string; inserted: string }[],
  rejects: { file: number; reason: RejectReason; n: string }[],
): StreamOutcome[] {
  const outcomes: StreamOutcome[] = Array.from({ length: files }, () => ({ inserted: 0, unchanged: 0, rejected: {} }));
  for (const c of counts) {
    const outcome = outcomes[c.file]!;
    outcome.inserted = Number(c.inserted);
    outcome.unchanged = Number(c.valid) - Number(c.inserted);
  }
  for (const r of rejects) outcomes[r.file]!.rejected[r.reason] = Number(r.n);
  return outcomes;
}
