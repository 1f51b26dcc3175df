import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ClickHouse } from '../clickhouse/client.js';
import { emptyOutcome, addRejected, withStreams, type IngestOutcome } from './outcome.js';
import { IngestPlanError, type IngestFile } from './classify-files.js';
import { InvalidFitFileError, readFitActivities } from './readers/fit.js';
import { openDataFile, readWhole, UnreadableFileError } from './readers/source-file.js';
import { readCsv, readNdjson } from './readers/text.js';
import { KEY_COLUMNS } from '../shared/records.js';
import { writeRejects, type Rejected } from './rejects.js';
import { attemptBatch, promoteStagedSamples, SampleStager } from './streams.js';
import { SummaryIngester } from './summary-ingester.js';
import { ingestDeletions } from './ingest-deletions.js';
import { checkSampleRecord, stageStreamFileInEngine } from './stream-file-engine.js';

export interface IngestFileOptions {
  /** names this file's scratch partitions; stable across the retries of one workflow's step */
  batchId: string;
  /** the activity attempt (1 first): each attempt stages into partitions of its own */
  attempt?: number;
  /** the athlete a FIT file belongs to (FIT files do not say) */
  athleteId?: string;
  now: Date;
  /** called after every chunk of records, for heartbeats */
  onProgress: (records: number) => void;
  /** wraps the promotion of staged samples (which may wait for another ingest's): heartbeats */
  whilePromoting?: <T>(work: () => Promise<T>) => Promise<T>;
}

/** A stream file read, checked field by field and staged, waiting for the promotion of its upload. */
export interface StagedStreamFile {
  /** the staging partition this attempt wrote */
  stagedId: string;
  /** records read and field-level rejects; the promotion adds what was stored */
  outcome: IngestOutcome;
}

/**
 * Ingests one file. Rejects name the file by its full path (two `activities.ndjson` in different folders
 * are different sources); a stream file alone is an upload of its own (the workflow stages all stream
 * files of an upload first and promotes them together: stageStreamFile, promoteStreamUpload).
 */
export async function ingestFile(ch: ClickHouse, file: IngestFile, options: IngestFileOptions): Promise<IngestOutcome> {
  if (file.kind === 'fit') return ingestFit(ch, file, emptyOutcome(file.path, file.kind), options);
  if (file.kind === 'streams') {
    const staged = await stageStreamFile(ch, file, 0, { ...options, batchId: `${options.batchId}-stage` });
    const [outcome] = await promoteStreamUpload(ch, [staged], options);
    return outcome!;
  }
  const outcome = emptyOutcome(file.path, file.kind);
  if (file.kind === 'deletions') return ingestDeletions(ch, readRecords(file), outcome, options.onProgress);
  const records = readRecords(file);
  const ingester = new SummaryIngester(ch, outcome, options.now, path.basename(file.path));
  for await (const chunk of records) {
    for (const record of chunk) await ingester.add(file.kind, record);
    options.onProgress(outcome.records);
  }
  await ingester.flush();
  return outcome;
}

function readRecords(file: IngestFile) {
  return file.format === 'csv'
    ? readCsv(file.path, KEY_COLUMNS[file.kind as keyof typeof KEY_COLUMNS])
    : readNdjson(file.path);
}

/** Reads a stream file, quarantines the samples that fail the field checks, and stages the others. */
export async function stageStreamFile(
  ch: ClickHouse,
  file: IngestFile,
  fileIndex: number,
  options: IngestFileOptions,
): Promise<StagedStreamFile> {
  const outcome = emptyOutcome(file.path, file.kind);
  const stagedId = await attemptBatch(ch, options.batchId, options.attempt ?? 1);
  if ((await stageStreamFileInEngine(ch, file, fileIndex, stagedId, outcome)) !== undefined) {
    options.onProgress(outcome.records);
    return { stagedId, outcome };
  }
  const stager = new SampleStager(ch, stagedId, fileIndex);
  const rejects: Rejected[] = [];
  for await (const chunk of readRecords(file)) {
    for (const record of chunk) {
      const checked = checkSampleRecord(record);
      if (checked.ok) stager.add(checked.row, record.line ?? 0);
      else {
        rejects.push({ locator: record.locator, reason: checked.reason, detail: checked.detail, text: record.text });
        addRejected(outcome, { [checked.reason]: 1 });
      }
    }
    outcome.records += chunk.length;
    if (stager.full) await stager.flush();
    if (rejects.length >= 1_000) await writeRejects(ch, outcome.source, rejects.splice(0));
    options.onProgress(outcome.records);
  }
  await stager.flush();
  await writeRejects(ch, outcome.source, rejects);
  return { stagedId, outcome };
}

/** Promotes the staged stream files of one upload together; one outcome per file, in the order given. */
export async function promoteStreamUpload(
  ch: ClickHouse,
  staged: StagedStreamFile[],
  options: Pick<IngestFileOptions, 'batchId' | 'attempt' | 'whilePromoting'>,
): Promise<IngestOutcome[]> {
  const changesId = await attemptBatch(ch, `${options.batchId}-promote`, options.attempt ?? 1);
  const promote = () =>
    promoteStagedSamples(ch, {
      stagedIds: staged.map((s) => s.stagedId),
      sources: staged.map((s) => s.outcome.source),
      changesId,
      locatorPrefix: 'line ',
    });
  const streams = await (options.whilePromoting ? options.whilePromoting(promote) : promote());
  return staged.map((s, i) => withStreams({ ...s.outcome, rejected: { ...s.outcome.rejected } }, streams[i]!));
}

/** One reject row for a file that could not be read at all; the other files go on. */
async function rejectWholeFile(
  ch: ClickHouse,
  outcome: IngestOutcome,
  reason: 'unreadable_file' | 'malformed_record',
  detail: string,
  payload: string,
): Promise<IngestOutcome> {
  await writeRejects(ch, outcome.source, [{ locator: 'file', reason, detail, text: payload }]);
  addRejected(outcome, { [reason]: 1 });
  return outcome;
}

async function ingestFit(
  ch: ClickHouse,
  file: IngestFile,
  outcome: IngestOutcome,
  options: IngestFileOptions,
): Promise<IngestOutcome> {
  if (!options.athleteId)
    throw new IngestPlanError(
      `${file.path}: a FIT file does not name its athlete: pass athleteId (npm run ingest -- --athlete ID FILE)`,
    );
  let bytes: Buffer;
  try {
    bytes = readWhole(openDataFile(file.path));
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    return rejectWholeFile(ch, outcome, 'unreadable_file', error.message, JSON.stringify({ path: file.path }));
  }
  let sessions: ReturnType<typeof readFitActivities>;
  try {
    sessions = readFitActivities(bytes, { athleteId: options.athleteId, source: path.basename(file.path) });
  } catch (error) {
    if (!(error instanceof InvalidFitFileError)) throw error;
    // The bytes are not kept in the table; the path and content hash name them, so the reject can be replayed.
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return rejectWholeFile(
      ch,
      outcome,
      'malformed_record',
      error.message,
      JSON.stringify({ path: file.path, sha256, bytes: bytes.length }),
    );
  }
  const ingester = new SummaryIngester(ch, outcome, options.now, path.basename(file.path));
  for (const [i, fit] of sessions.entries()) {
    await ingester.add('activities', {
      locator: sessions.length > 1 ? `session ${i + 1}` : 'session',
      fields: fit.activity,
      text: JSON.stringify(fit.activity),
    });
  }
  await ingester.flush();
  const attempt = options.attempt ?? 1;
  const stagedId = await attemptBatch(ch, `${options.batchId}-stage`, attempt);
  const stager = new SampleStager(ch, stagedId);
  let position = 0;
  for (const fit of sessions) for (const sample of fit.samples) stager.add(sample, (position += 1));
  await stager.flush();
  outcome.records += position;
  const changesId = await attemptBatch(ch, `${options.batchId}-promote`, attempt);
  const promote = () =>
    promoteStagedSamples(ch, { stagedIds: [stagedId], sources: [outcome.source], changesId, locatorPrefix: 'record ' });
  const [streams] = await (options.whilePromoting ? options.whilePromoting(promote) : promote());
  return withStreams(outcome, streams!);
}
