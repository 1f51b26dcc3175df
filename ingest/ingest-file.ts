import fs from 'node:fs';
import path from 'node:path';
import type { ClickHouse } from '../clickhouse/client.js';
import { emptyOutcome, addRejected, type IngestOutcome } from './outcome.js';
import { IngestPlanError, type IngestFile } from './plan.js';
import { InvalidFitFileError, readFitActivity } from './readers/fit.js';
import { readCsv, readNdjson, type SourceRecord } from './readers/text.js';
import { writeRejects, type Rejected } from './rejects.js';
import { promoteStagedSamples, resetBatch, SampleStager } from './streams.js';
import { SummaryIngester } from './summary-ingester.js';
import { ingestDeletions } from './ingest-deletions.js';
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
  if (file.kind === 'fit') return ingestFit(ch, file, outcome, options);
  const records = file.format === 'csv' ? readCsv(file.path) : readNdjson(file.path);
  if (file.kind === 'streams') return ingestStreams(ch, records, outcome, options);
  if (file.kind === 'deletions') return ingestDeletions(ch, records, outcome, options.onProgress);
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
      const checked = record.fields ? parseSample(record.fields) : { ok: false as const, reason: 'malformed_record' as const, detail: record.parseError ?? '' };
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

async function ingestFit(ch: ClickHouse, file: IngestFile, outcome: IngestOutcome, options: IngestFileOptions): Promise<IngestOutcome> {
  if (!options.athleteId) throw new IngestPlanError(`${file.path}: a FIT file does not name its athlete: pass athleteId (npm run ingest -- --athlete ID FILE)`);
  const bytes = fs.readFileSync(file.path);
  let fit: ReturnType<typeof readFitActivity>;
  try {
    fit = readFitActivity(bytes, { athleteId: options.athleteId, source: outcome.source });
  } catch (error) {
    if (!(error instanceof InvalidFitFileError)) throw error;
    await writeRejects(ch, outcome.source, [{ locator: 'file', reason: 'malformed_record', detail: error.message, text: '' }]);
    addRejected(outcome, { malformed_record: 1 });
    return outcome;
  }
  const ingester = new SummaryIngester(ch, outcome, options.now);
  await ingester.add('activities', { locator: 'session', fields: fit.activity, text: JSON.stringify(fit.activity) });
  await ingester.flush();
  await resetBatch(ch, options.batchId);
  const stager = new SampleStager(ch, options.batchId);
  for (const [i, sample] of fit.samples.entries()) stager.add(sample, i + 1);
  await stager.flush();
  outcome.records += fit.samples.length;
  return promote(ch, outcome, options.batchId, 'record ');
}
