import type { ClickHouse } from '../clickhouse/client.js';
import { deleteActivities, type DeletionRequest } from './deletions.js';
import { addRejected, type IngestOutcome } from './outcome.js';
import type { SourceRecord } from './readers/text.js';
import { writeRejects, type Rejected } from './rejects.js';
import { validateDeletion } from './validate.js';

const BATCH_SIZE = 5_000;

/**
 * A `deletions*` file: one activity to delete per record (`activity_id`, optionally `athlete_id`). Valid
 * requests are applied in batches (ingest/deletions.ts); malformed ones and unknown activities are
 * quarantined. `inserted` counts the activities deleted, `unchanged` those deleted before.
 */
export async function ingestDeletions(
  ch: ClickHouse,
  records: AsyncIterable<SourceRecord[]>,
  outcome: IngestOutcome,
  onProgress: (records: number) => void,
): Promise<IngestOutcome> {
  const batch: DeletionRequest[] = [];
  const apply = async () => {
    const result = await deleteActivities(ch, batch.splice(0), outcome.source);
    outcome.inserted += result.deleted.length;
    outcome.unchanged += result.alreadyDeleted.length;
    await quarantine(ch, outcome, result.rejected);
  };
  for await (const chunk of records) {
    const rejects: Rejected[] = [];
    for (const record of chunk) {
      const checked = record.fields
        ? validateDeletion(record.fields)
        : { ok: false as const, reason: 'malformed_record' as const, detail: record.parseError ?? '' };
      if (checked.ok) batch.push({ ...checked.row, locator: record.locator, text: record.text });
      else rejects.push({ locator: record.locator, reason: checked.reason, detail: checked.detail, text: record.text });
    }
    outcome.records += chunk.length;
    await quarantine(ch, outcome, rejects);
    if (batch.length >= BATCH_SIZE) await apply();
    onProgress(outcome.records);
  }
  await apply();
  return outcome;
}

async function quarantine(ch: ClickHouse, outcome: IngestOutcome, rejects: Rejected[]): Promise<void> {
  await writeRejects(ch, outcome.source, rejects);
  for (const r of rejects) addRejected(outcome, { [r.reason]: 1 });
}
