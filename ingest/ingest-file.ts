import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ClickHouse } from '../clickhouse/client.js';
import { emptyOutcome, addRejected, type IngestOutcome } from './outcome.js';
import { IngestPlanError, type IngestFile } from './plan.js';
import { InvalidFitFileError, readFitActivities } from './readers/fit.js';
import { openDataFile, readWhole, UnreadableFileError } from './readers/source-file.js';
import { readCsv, readNdjson, type SourceRecord } from './readers/text.js';
import { KEY_COLUMNS } from './records.js';
import { writeRejects, type Rejected } from './rejects.js';
import { promoteStagedSamples, resetBatch, SampleStager } from './streams.js';
import { SummaryIngester } from './summary-ingester.js';
import { parseSample } from './validate.js';

export interface IngestFileOptions {
  batchId: string;
  /** the athlete a FIT file belongs to (FIT files do not say) */
  athleteId?: string;
  now: Date;
  /** called after every chunk of records, for heartbeats */
  onProgress: (records: number) => void;
}

export async function ingestFile(ch: ClickHouse, file: IngestFile, options: IngestFileOptions): Promise<IngestOutcome> {
  const outcome = emptyOutcome(path.basename(file.path), file.kind);
  if (file.kind === 'fit' && !options.athleteId) throw new IngestPlanError(`${file.path}: a FIT file does not name its athlete: pass athleteId (npm run ingest -- --athlete ID FILE)`);
  let fd: number;
  try {
    fd = openDataFile(file.path);
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    return rejectWholeFile(ch, outcome, 'unreadable_file', error.message, JSON.stringify({ path: file.path }));
  }
  if (file.kind === 'fit') return ingestFit(ch, file, readWhole(fd), outcome, options);
  const records = file.format === 'csv' ? readCsv(fd, KEY_COLUMNS[file.kind]) : readNdjson(fd);
  if (file.kind === 'streams') return ingestStreams(ch, records, outcome, options);
  const ingester = new SummaryIngester(ch, outcome, options.now);
  for await (const chunk of records) {
    for (const record of chunk) await ingester.add(file.kind, record);
    options.onProgress(outcome.records);
  }
  await ingester.flush();
  return outcome;
}

async function ingestStreams(
  ch: ClickHouse, records: AsyncIterable<SourceRecord[]>, outcome: IngestOutcome, options: IngestFileOptions,
): Promise<IngestOutcome> {
  await resetBatch(ch, options.batchId);
  const stager = new SampleStager(ch, options.batchId);
  const rejects: Rejected[] = [];
  for await (const chunk of records) {
    for (const record of chunk) {
      const checked = record.fields ? parseSample(record.fields) : { ok: false as const, reason: record.rejectAs ?? 'malformed_record', detail: record.parseError ?? '' };
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
  return promote(ch, outcome, options.batchId);
}

async function promote(ch: ClickHouse, outcome: IngestOutcome, batchId: string, locatorPrefix?: string): Promise<IngestOutcome> {
  const streams = await promoteStagedSamples(ch, batchId, outcome.source, locatorPrefix);
  outcome.inserted += streams.inserted;
  outcome.unchanged += streams.unchanged;
  addRejected(outcome, streams.rejected);
  return outcome;
}

/** One reject row for a file that could not be read at all; the other files go on. */
async function rejectWholeFile(
  ch: ClickHouse, outcome: IngestOutcome, reason: 'unreadable_file' | 'malformed_record', detail: string, payload: string,
): Promise<IngestOutcome> {
  await writeRejects(ch, outcome.source, [{ locator: 'file', reason, detail, text: payload }]);
  addRejected(outcome, { [reason]: 1 });
  return outcome;
}

async function ingestFit(ch: ClickHouse, file: IngestFile, bytes: Buffer, outcome: IngestOutcome, options: IngestFileOptions): Promise<IngestOutcome> {
  let sessions: ReturnType<typeof readFitActivities>;
  try {
    sessions = readFitActivities(bytes, { athleteId: options.athleteId!, source: outcome.source });
  } catch (error) {
    if (!(error instanceof InvalidFitFileError)) throw error;
    // The bytes are not kept in the table; the path and content hash name them, so the reject can be replayed.
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return rejectWholeFile(ch, outcome, 'malformed_record', error.message, JSON.stringify({ path: file.path, sha256, bytes: bytes.length }));
  }
  const ingester = new SummaryIngester(ch, outcome, options.now);
  for (const [i, fit] of sessions.entries()) {
    await ingester.add('activities', { locator: sessions.length > 1 ? `session ${i + 1}` : 'session', fields: fit.activity, text: JSON.stringify(fit.activity) });
  }
  await ingester.flush();
  await resetBatch(ch, options.batchId);
  const stager = new SampleStager(ch, options.batchId);
  let position = 0;
  for (const fit of sessions) for (const sample of fit.samples) stager.add(sample, (position += 1));
  await stager.flush();
  outcome.records += position;
  return promote(ch, outcome, options.batchId, 'record ');
}
