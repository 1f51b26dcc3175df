import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { PopulationOptions } from '../generator/index.js';
import type { IngestFile } from '../ingest/classify-files.js';
import type { StagedStreamFile } from '../ingest/ingest-file.js';
import type { IngestOutcome } from '../ingest/outcome.js';
import type { RejectReason } from '../shared/records.js';
import { forEachBounded } from './concurrency.js';
import { surfacingFailure } from '../shared/failures.js';
import { checkInput, failInput, STORABLE_DATES, type ObjectSchema } from './input.js';

export interface IngestInput {
  /** files or directories on the worker's machine */
  paths?: string[];
  /** the athlete FIT files belong to */
  athleteId?: string;
  /** a synthetic population to generate and ingest (endDate defaults to yesterday) */
  synthetic?: Omit<PopulationOptions, 'endDate'> & {
    endDate?: string;
    /** athletes per slice (one Temporal activity each), default 25 */
    athletesPerSlice?: number;
    /** @deprecated the old name of athletesPerSlice (a slice is one Temporal activity, not a workout): still accepted */
    athletesPerActivity?: number;
    /** YYYY-MM-DD: ingest only what is dated from this day on (append the newest days of a population) */
    since?: string;
  };
}

type SourceTotals = Pick<IngestOutcome, 'records' | 'inserted' | 'unchanged'> & { sources: number; rejected: number };

/** Bounded whatever the number of files: totals, per kind and per reject reason, and the first sources in detail. */
export interface IngestSummary {
  /** the first MAX_LISTED_SOURCES sources in ingest order */
  sources: IngestOutcome[];
  /** sources ingested but not listed in `sources` */
  sourcesNotListed: number;
  byKind: Partial<Record<IngestOutcome['kind'], SourceTotals>>;
  rejectedByReason: Partial<Record<RejectReason, number>>;
  inserted: number;
  unchanged: number;
  rejected: number;
}

/** Per-source detail kept in the result: a workflow result is limited to 2 MB, and a screen to fewer lines. */
export const MAX_LISTED_SOURCES = 50;

const SYNTHETIC_INPUT: ObjectSchema = {
  seed: { type: 'integer', min: 0, max: 2 ** 32 - 1 },
  athletes: { type: 'integer', min: 1, max: 100_000 },
  days: { type: 'integer', min: 1, max: 3_660 },
  streamShare: { type: 'number', min: 0, max: 1 },
  endDate: { type: 'date', optional: true, min: '1980-01-01', max: STORABLE_DATES.max },
  dirtyShare: { type: 'number', optional: true, min: 0, max: 1 },
  athletesPerSlice: { type: 'integer', optional: true, min: 1, max: 1_000 },
  athletesPerActivity: { type: 'integer', optional: true, min: 1, max: 1_000 },
  since: { type: 'date', optional: true, ...STORABLE_DATES },
};
const INGEST_INPUT: ObjectSchema = {
  paths: { type: 'array', optional: true, maxItems: 1_000, items: { type: 'string', maxLength: 4_096 } },
  athleteId: { type: 'string', optional: true, maxLength: 256 },
  synthetic: { type: 'object', optional: true, fields: SYNTHETIC_INPUT },
};
const INGEST_USAGE =
  '{"paths": ["/abs/dir"], "athleteId": "a1"} or {"synthetic": {"seed": 7, "athletes": 50, "days": 365, "streamShare": 0.1}}';
/** Every slice is one activity in the workflow's history, which Temporal caps (51,200 events). */
const MAX_SLICES = 5_000;
const DEFAULT_PER_SLICE = 25;
const STREAMS_OF_AN_UPLOAD = 'streams-of-an-upload-promoted-together';
const FIT_FILES_IN_BATCHES = 'fit-files-decoded-concurrently-in-batches';
/**
 * FIT files per ingestFitFiles activity: enough to amortize starting its decode threads and to promote several
 * uploads of 64 files, few enough that a retry redoes little and the outcomes stay a small result.
 */
const FIT_FILES_PER_ACTIVITY = 256;

const { planIngest } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3 },
});

const { ingestFile, ingestFitFiles, ingestSynthetic, stageStreamFile, promoteStreams } = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/**
 * Files in dependency order (athletes, thresholds, activities, FIT, streams), one activity per file, but FIT files
 * in batches (decoded concurrently) and stream files staged one by one and promoted together;
 * then the synthetic population, one activity per slice of athletes.
 */
export async function ingestActivities(rawInput: IngestInput = {}): Promise<IngestSummary> {
  const input = checkIngestInput(rawInput);
  const sources: IngestOutcome[] = [];
  const files = input.paths?.length ? await surfacingFailure(planIngest(input.paths, input.athleteId)) : [];
  const staged: StagedStreamFile[] = [];
  const promoteStaged = async () => {
    if (staged.length > 0)
      sources.push(
        ...(await surfacingFailure(promoteStreams({ batchId: batchId('streams'), staged: staged.splice(0) }))),
      );
  };
  const fits: { file: IngestFile; index: number }[] = [];
  const ingestFits = async () => {
    for (let start = 0; start < fits.length; start += FIT_FILES_PER_ACTIVITY) {
      const batch = fits.slice(start, start + FIT_FILES_PER_ACTIVITY);
      sources.push(
        ...(await surfacingFailure(
          ingestFitFiles({
            files: batch.map((f) => f.file),
            batchId: batchId(`fit${batch[0]!.index}`),
            athleteId: input.athleteId,
          }),
        )),
      );
    }
    fits.splice(0);
  };
  for (const [index, file] of files.entries()) {
    // The FIT files of an upload (adjacent in the plan) in batches, decoded concurrently; histories recorded
    // before this change ran one ingestFile per FIT file: replay keeps that.
    if (file.kind === 'fit' && patched(FIT_FILES_IN_BATCHES)) {
      await promoteStaged();
      fits.push({ file, index });
      continue;
    }
    await ingestFits();
    // All stream files of an upload form its streams: staged one by one, promoted together (histories
    // recorded before this change ran each stream file as an upload of its own: replay keeps that).
    if (file.kind === 'streams' && patched(STREAMS_OF_AN_UPLOAD)) {
      staged.push(
        await surfacingFailure(stageStreamFile({ file, batchId: batchId(`file${index}`), fileIndex: staged.length })),
      );
    } else {
      // Deletions come after streams: the upload's streams are stored before they apply.
      await promoteStaged();
      sources.push(
        await surfacingFailure(ingestFile({ file, batchId: batchId(`file${index}`), athleteId: input.athleteId })),
      );
    }
  }
  await ingestFits();
  await promoteStaged();
  if (input.synthetic) {
    const options = populationOptions(input.synthetic);
    // A slice of 25 athletes stages a few million samples: enough to amortize each statement, small enough for memory.
    const perSlice = athletesPerSlice(input.synthetic);
    const starts = Array.from({ length: Math.ceil(options.athletes / perSlice) }, (_, i) => i * perSlice);
    const slices: IngestOutcome[] = [];
    // Two at a time: one slice's TypeScript work overlaps the other's ClickHouse statements.
    await forEachBounded(starts, 2, async (from, index) => {
      const to = Math.min(options.athletes, from + perSlice);
      slices[index] = await ingestSynthetic({
        options,
        from,
        to,
        batchId: batchId(`synthetic${from}`),
        since: input.synthetic!.since,
      });
    });
    sources.push(...slices);
  }
  return summarize(sources);
}

function batchId(part: string): string {
  return `${workflowInfo().workflowId}-${part}`.replace(/[^A-Za-z0-9_.:@-]/g, '_');
}

function checkIngestInput(raw: unknown): IngestInput {
  const input = checkInput<IngestInput>('ingestActivities', INGEST_INPUT, raw, INGEST_USAGE);
  const synthetic = input.synthetic;
  const slices = synthetic ? Math.ceil(synthetic.athletes / athletesPerSlice(synthetic)) : 0;
  const sliceField = synthetic?.athletesPerActivity !== undefined ? 'athletesPerActivity' : 'athletesPerSlice';
  failInput(
    'ingestActivities',
    [
      !input.paths?.length &&
        !synthetic &&
        'needs paths (files or directories to ingest) or synthetic (a population to generate)',
      synthetic?.athletesPerSlice !== undefined &&
        synthetic.athletesPerActivity !== undefined &&
        'synthetic.athletesPerSlice and synthetic.athletesPerActivity (its deprecated name) are one setting: give athletesPerSlice only',
      slices > MAX_SLICES &&
        `synthetic.athletes / ${sliceField} makes ${slices} slices, at most ${MAX_SLICES}: raise ${sliceField}`,
      synthetic?.endDate !== undefined &&
        synthetic.endDate > today() &&
        `synthetic.endDate ${synthetic.endDate} is after today (${today()}): every activity would start in the future`,
    ].filter((p): p is string => typeof p === 'string'),
    INGEST_USAGE,
  );
  return input;
}

/** athletesPerSlice, or its deprecated name athletesPerActivity, or the default. */
function athletesPerSlice(synthetic: NonNullable<IngestInput['synthetic']>): number {
  return synthetic.athletesPerSlice ?? synthetic.athletesPerActivity ?? DEFAULT_PER_SLICE;
}

/** Workflow time is replay-safe. */
function today(): string {
  return new Date(Date.now()).toISOString().slice(0, 10);
}

function populationOptions(synthetic: NonNullable<IngestInput['synthetic']>): PopulationOptions {
  const { seed, athletes, days, streamShare, dirtyShare } = synthetic;
  // Yesterday keeps every generated start in the past.
  const endDate = synthetic.endDate ?? new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  return { seed, athletes, days, streamShare, endDate, ...(dirtyShare !== undefined && { dirtyShare }) };
}

export function summarize(sources: IngestOutcome[]): IngestSummary {
  const summary: IngestSummary = {
    sources: sources.slice(0, MAX_LISTED_SOURCES),
    sourcesNotListed: Math.max(0, sources.length - MAX_LISTED_SOURCES),
    byKind: {},
    rejectedByReason: {},
    inserted: 0,
    unchanged: 0,
    rejected: 0,
  };
  for (const o of sources) {
    const rejected = Object.values(o.rejected).reduce((a, b) => a + (b ?? 0), 0);
    const kind = (summary.byKind[o.kind] ??= { sources: 0, records: 0, inserted: 0, unchanged: 0, rejected: 0 });
    kind.sources += 1;
    kind.records += o.records;
    kind.inserted += o.inserted;
    kind.unchanged += o.unchanged;
    kind.rejected += rejected;
    for (const [reason, n] of Object.entries(o.rejected) as [RejectReason, number][]) {
      summary.rejectedByReason[reason] = (summary.rejectedByReason[reason] ?? 0) + n;
    }
    summary.inserted += o.inserted;
    summary.unchanged += o.unchanged;
    summary.rejected += rejected;
  }
  return summary;
}
