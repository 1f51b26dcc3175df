import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { PopulationOptions } from '../generator/index.js';
import type { StagedStreamFile } from '../ingest/ingest-file.js';
import type { IngestOutcome } from '../ingest/outcome.js';
import { forEachBounded } from './concurrency.js';
import { invalidInput, surfacingFailure } from './failures.js';

export interface IngestInput {
  /** files or directories on the worker's machine */
  paths?: string[];
  /** the athlete FIT files belong to */
  athleteId?: string;
  /** a synthetic population to generate and ingest (endDate defaults to yesterday) */
  synthetic?: Omit<PopulationOptions, 'endDate'> & {
    endDate?: string;
    athletesPerActivity?: number;
    /** YYYY-MM-DD: ingest only what is dated from this day on (append the newest days of a population) */
    since?: string;
  };
}

export interface IngestSummary {
  sources: IngestOutcome[];
  inserted: number;
  unchanged: number;
  rejected: number;
}

const STREAMS_OF_AN_UPLOAD = 'streams-of-an-upload-promoted-together';

const { planIngest } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3 },
});

const { ingestFile, ingestSynthetic, stageStreamFile, promoteStreams } = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/**
 * Files in dependency order (athletes, thresholds, activities, FIT, streams), one activity per file;
 * then the synthetic population, one activity per slice of athletes.
 */
export async function ingestActivities(input: IngestInput = {}): Promise<IngestSummary> {
  if (!input.paths?.length && !input.synthetic) {
    throw invalidInput('ingestActivities needs { paths: [...] } (files or directories to ingest) or { synthetic: { seed, athletes, days, streamShare } }.');
  }
  const sources: IngestOutcome[] = [];
  const files = input.paths?.length ? await surfacingFailure(planIngest(input.paths)) : [];
  const staged: StagedStreamFile[] = [];
  for (const [index, file] of files.entries()) {
    // All stream files of an upload form its streams: staged one by one, promoted together (histories
    // recorded before this change ran each stream file as an upload of its own: replay keeps that).
    if (file.kind === 'streams' && patched(STREAMS_OF_AN_UPLOAD)) {
      staged.push(await surfacingFailure(stageStreamFile({ file, batchId: batchId(`file${index}`), fileIndex: staged.length })));
    } else {
      sources.push(await surfacingFailure(ingestFile({ file, batchId: batchId(`file${index}`), athleteId: input.athleteId })));
    }
  }
  if (staged.length > 0) sources.push(...(await surfacingFailure(promoteStreams({ batchId: batchId('streams'), staged }))));
  if (input.synthetic) {
    const options = populationOptions(input.synthetic);
    // A slice of 25 athletes stages a few million samples: enough to amortize each statement, small enough for memory.
    const perSlice = input.synthetic.athletesPerActivity ?? 25;
    const starts = Array.from({ length: Math.ceil(options.athletes / perSlice) }, (_, i) => i * perSlice);
    const slices: IngestOutcome[] = [];
    // Two at a time: one slice's TypeScript work overlaps the other's ClickHouse statements.
    await forEachBounded(starts, 2, async (from, index) => {
      const to = Math.min(options.athletes, from + perSlice);
      slices[index] = await ingestSynthetic({ options, from, to, batchId: batchId(`synthetic${from}`), since: input.synthetic!.since });
    });
    sources.push(...slices);
  }
  return summarize(sources);
}

function batchId(part: string): string {
  return `${workflowInfo().workflowId}-${part}`.replace(/[^A-Za-z0-9_.:@-]/g, '_');
}

function populationOptions(synthetic: NonNullable<IngestInput['synthetic']>): PopulationOptions {
  const { seed, athletes, days, streamShare, dirtyShare } = synthetic;
  const problems = [
    !Number.isInteger(seed) && 'seed must be an integer',
    !(Number.isInteger(athletes) && athletes > 0) && 'athletes must be a positive integer',
    !(Number.isInteger(days) && days > 0) && 'days must be a positive integer',
    !(streamShare >= 0 && streamShare <= 1) && 'streamShare must be between 0 and 1',
    synthetic.endDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(synthetic.endDate) && 'endDate must be YYYY-MM-DD',
    synthetic.since !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(synthetic.since) && 'since must be YYYY-MM-DD',
  ].filter(Boolean);
  if (problems.length > 0) throw invalidInput(`Invalid synthetic population: ${problems.join('; ')}.`);
  // Workflow time is replay-safe; yesterday keeps every generated start in the past.
  const endDate = synthetic.endDate ?? new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  return { seed, athletes, days, streamShare, endDate, ...(dirtyShare !== undefined && { dirtyShare }) };
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
