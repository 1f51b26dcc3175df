import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { IngestOutcome } from '../ingest/outcome.js';
import { invalidInput, surfacingInvalidInput } from './failures.js';

export interface IngestInput {
  /** files or directories on the worker's machine */
  paths?: string[];
  /** the athlete FIT files belong to */
  athleteId?: string;
}

export interface IngestSummary {
  sources: IngestOutcome[];
  inserted: number;
  unchanged: number;
  rejected: number;
}

const { planIngest } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3 },
});

const { ingestFile } = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** Files in dependency order (athletes, thresholds, activities, FIT, streams), one activity per file. */
export async function ingestActivities(input: IngestInput = {}): Promise<IngestSummary> {
  if (!input.paths?.length) {
    throw invalidInput('ingestActivities needs { paths: [...] }: files or directories to ingest.');
  }
  const files = await surfacingInvalidInput(planIngest(input.paths));
  const sources: IngestOutcome[] = [];
  for (const [index, file] of files.entries()) {
    sources.push(await surfacingInvalidInput(ingestFile({ file, batchId: `${workflowInfo().workflowId}-${index}`, athleteId: input.athleteId })));
  }
  return summarize(sources);
}

export function summarize(sources: IngestOutcome[]): IngestSummary {
  const sum = (f: (o: IngestOutcome) => number) => sources.reduce((total, o) => total + f(o), 0);
  return {
    sources,
    inserted: sum((o) => o.inserted),
    unchanged: sum((o) => o.unchanged),
    rejected: sum((o) => Object.values(o.rejected).reduce((a, b) => a + (b ?? 0), 0)),
  };
}
