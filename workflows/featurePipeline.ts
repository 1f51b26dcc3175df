import { ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities, FeatureStep, FeatureStepInput } from '../activities/index.js';
import type { TableOfStep } from '../features/catalog.js';
import type { QualityCheck } from '../features/pipeline/checks.js';
import { forEachBounded } from './concurrency.js';
import { DATA_QUALITY, INVALID_INPUT, surfacingFailure } from '../shared/failures.js';
import { checkInput, STORABLE_DATES, type ObjectSchema } from './input.js';

export interface FeaturePipelineInput {
  /** 'YYYY-MM-DD'; default: today in PIPELINE_TIME_ZONE */
  asOf?: string;
  /** only these athletes; default: all */
  athleteIds?: string[];
  /** recompute every athlete from the first activity instead of what changed since the last run */
  fullRecompute?: boolean;
}

export interface FeaturePipelineSummary {
  runId: string;
  asOf: string;
  /** raw rows ingested up to here are in the features */
  watermark: string;
  athletesTouched: number;
  buckets: number;
  /** rows written by this run, per table */
  rowsWritten: Record<string, number>;
  secondsPerStep: Record<string, number>;
  checks: QualityCheck[];
}

const retry = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 6,
  nonRetryableErrorTypes: [INVALID_INPUT, DATA_QUALITY],
};
const { planFeatureRun, checkFeatureRun, finishFeatureRun, failFeatureRun } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry,
});
const stepOptions = { startToCloseTimeout: '1 hour', heartbeatTimeout: '30 seconds', retry } as const;

/** One step for one bucket. Its id names both, so replaying a history against reordered steps fails. */
function computeFeatureStep(input: FeatureStepInput): Promise<number> {
  const activityId = `${input.step}-${input.bucket}`;
  return proxyActivities<Activities>({ ...stepOptions, activityId }).computeFeatureStep(input);
}

/** Typed by the feature-view catalog (workflows import only types): a catalog change that breaks it fails to compile. */
const TABLE_OF_STEP: TableOfStep = {
  activity: 'activity_features',
  daily: 'athlete_daily_features',
  rolling: 'athlete_rolling_features',
  weekly: 'athlete_weekly_features',
};

/** activity features → daily load on the date spine → rolling and weekly features in parallel → checks. */
export async function featurePipeline(rawInput: FeaturePipelineInput = {}): Promise<FeaturePipelineSummary> {
  const input = checkInput<FeaturePipelineInput>('featurePipeline', FEATURE_INPUT, rawInput, FEATURE_USAGE);
  const { runId, runStartTime } = workflowInfo();
  const plan = await surfacingFailure(planFeatureRun({ ...input, runId, version: runStartTime.getTime() }));
  const rowsWritten: Record<string, number> = {};
  const secondsPerStep: Record<string, number> = {};

  const runStep = async (step: FeatureStep) => {
    const started = Date.now();
    let rows = 0;
    await forEachBounded(plan.buckets, plan.concurrency, async (bucket) => {
      const written = await computeFeatureStep({ step, runId, version: plan.version, bucket, asOf: plan.asOf });
      rows += written;
    });
    rowsWritten[TABLE_OF_STEP[step]] = rows;
    secondsPerStep[step] = (Date.now() - started) / 1000;
  };

  try {
    await runStep('activity');
    await runStep('daily');
    await Promise.all([runStep('rolling'), runStep('weekly')]);
    const partial = {
      runId,
      asOf: plan.asOf,
      watermark: plan.watermark,
      athletesTouched: plan.athletes,
      buckets: plan.buckets.length,
      rowsWritten,
      secondsPerStep,
    };
    const report = await surfacingFailure(checkFeatureRun({ runId, version: plan.version, summary: partial }));
    const summary = { ...partial, checks: report.checks };
    await finishFeatureRun({ runId, summary, checks: report.checks });
    return summary;
  } catch (error) {
    // Failed checks are already recorded with their figures.
    const recorded = error instanceof ApplicationFailure && error.type === DATA_QUALITY;
    if (!recorded) await failFeatureRun({ runId, error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

/**
 * asOf within ClickHouse's Date range: ClickHouse takes a date that does not exist (2025-13-45) or lies
 * outside it without an error, as another date: the run would succeed for that other day and advance the
 * watermark past the data it never computed.
 */
const FEATURE_INPUT: ObjectSchema = {
  asOf: { type: 'date', optional: true, ...STORABLE_DATES },
  athleteIds: { type: 'array', optional: true, maxItems: 100_000, items: { type: 'string', maxLength: 256 } },
  fullRecompute: { type: 'boolean', optional: true },
};
const FEATURE_USAGE = '{} or {"asOf": "2025-06-30", "athleteIds": ["a0001"], "fullRecompute": false}';
