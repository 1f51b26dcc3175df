import { log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { OrchestrationActivities } from '../activities/orchestration.js';
import type { IngestOutcome } from '../ingest/outcome.js';
import { surfacingFailure } from '../shared/failures.js';
import { checkInput, ID, ISO_TIME, type ObjectSchema } from './input.js';
import { summarize, type IngestSummary } from './ingestActivities.js';
import { dateIn, isTimeZone, nominalTime } from './nominal-time.js';

export interface IngestInboxInput {
  /** absolute folder on the worker's machine (INGEST_INBOX) */
  inbox: string;
  /** ISO time: files last modified before it are taken; default the run's nominal (scheduled) time */
  cutoff?: string;
  /** zone of the day folders under processed/ and failed/; default UTC */
  timeZone?: string;
  /** the athlete FIT files belong to */
  athleteId?: string;
}

export interface IngestInboxSummary extends IngestSummary {
  cutoff: string;
  processed: string[];
  failed: { file: string; reason: string }[];
}

const { claimInboxFiles, settleInboxFile } = proxyActivities<OrchestrationActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 5 },
});
const { ingestFile } = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 5,
    nonRetryableErrorTypes: ['InvalidInput'],
  },
});

/**
 * The scheduled inbox ingest: claims the files dropped before the cutoff, ingests them one by one in dependency
 * order, and moves each to processed/ or failed/ as soon as its outcome is known. Rejected records of a readable
 * file are quarantined (ingest_rejects) and the file counts as processed; a file that cannot be read at all fails.
 */
export async function ingestInbox(input: IngestInboxInput): Promise<IngestInboxSummary> {
  checkInput<IngestInboxInput>('ingestInbox', SCHEMA, input, '{"inbox": "/data/inbox"}');
  const cutoff = input.cutoff ?? nominalTime().toISOString();
  const day = dateIn(input.timeZone ?? 'UTC', new Date(cutoff));
  const { workflowId } = workflowInfo();
  const claim = await surfacingFailure(claimInboxFiles({ inbox: input.inbox, claimId: workflowId, cutoff }));
  const settle = (path: string, failure?: string) =>
    settleInboxFile({ inbox: input.inbox, path, day, ...(failure !== undefined && { failure }) });
  const processed: string[] = [];
  const failed: IngestInboxSummary['failed'] = [];
  for (const { path, reason } of claim.unrecognized) {
    failed.push({ file: await settle(path, reason), reason });
  }
  const outcomes: IngestOutcome[] = [];
  for (const [index, file] of claim.files.entries()) {
    try {
      outcomes.push(
        await ingestFile({
          file,
          batchId: `${workflowId}-inbox${index}`.replace(/[^A-Za-z0-9_.:@-]/g, '_'),
          athleteId: input.athleteId,
        }),
      );
      processed.push(await settle(file.path));
    } catch (error) {
      const reason = failureMessage(error);
      log.warn('Inbox file failed', { file: file.path, reason });
      failed.push({ file: await settle(file.path, reason), reason });
    }
  }
  return { ...summarize(outcomes), cutoff, processed, failed };
}

function failureMessage(error: unknown): string {
  const cause = (error as { cause?: { message?: string } }).cause?.message;
  return cause ?? (error instanceof Error ? error.message : String(error));
}

const SCHEMA: ObjectSchema = {
  inbox: { type: 'string', maxLength: 4096, valid: (t) => t.startsWith('/'), expected: 'an absolute folder path' },
  cutoff: { ...ISO_TIME, optional: true },
  timeZone: { type: 'string', maxLength: 64, valid: isTimeZone, expected: 'an IANA time zone', optional: true },
  athleteId: { ...ID, optional: true },
};
