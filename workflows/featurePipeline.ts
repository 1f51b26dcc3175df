import { ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities, FeatureStep, FeatureStepInput } from '../activities/index.js';
import type { TableOfStep } from '../features/catalog.js';
import type { QualityCheck } from '../features/pipeline/checks.js';
import { forEachBounded } from './concurrency.js';
import { DATA_QUALITY, INVALID_INPUT, invalidInput, surfacingFailure } from './failures.js';

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
  initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 6,
  nonRetryableErrorTypes: [INVALID_INPUT, DATA_QUALITY],
};
const { planFeatureRun, checkFeatureRun, finishFeatureRun, failFeatureRun } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes', retry,
});
const stepOptions = { startToCloseTimeout: '1 hour', heartbeatTimeout: '30 seconds', retry } as const;

/** One step for one bucket. Its id names both, so replaying a history against reordered steps fails. */
function computeFeatureStep(input: FeatureStepInput): Promise<number> {
  const activityId = `${input.step}-${input.bucket}`;
  return proxyActivities<Activities>({ ...stepOptions, activityId }).computeFeatureStep(input);
}

/** Typed by the feature-view catalog (workflows import only types): a catalog change that breaks it fails to compile. */
const TABLE_OF_STEP: TableOfStep = {
  activity: 'activity_features', daily: 'athlete_daily_features', rolling: 'athlete_rolling_features', weekly: 'athlete_weekly_features',
};

/** activity features → daily load on the date spine → rolling and weekly features in parallel → checks. */
export async function featurePipeline(input: FeaturePipelineInput = {}): Promise<FeaturePipelineSummary> {
  validate(input);
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
    const partial = { runId, asOf: plan.asOf, watermark: plan.watermark, athletesTouched: plan.athletes, buckets: plan.buckets.length, rowsWritten, secondsPerStep };
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

function validate(input: FeaturePipelineInput): void {
  const problems = [
    input.asOf !== undefined && !isStorableDate(input.asOf) &&
      `asOf "${input.asOf}" must be an existing date YYYY-MM-DD between ${FIRST_DATE} and ${LAST_DATE}`,
    input.athleteIds !== undefined && (!Array.isArray(input.athleteIds) || input.athleteIds.some((id) => typeof id !== 'string' || id === '')) &&
      'athleteIds must be a list of athlete ids',
    input.fullRecompute !== undefined && typeof input.fullRecompute !== 'boolean' && 'fullRecompute must be true or false',
  ].filter(Boolean);
  if (problems.length > 0) throw invalidInput(`Invalid featurePipeline input: ${problems.join('; ')}.`);
}

/**
 * The range of ClickHouse's Date. ClickHouse takes a date that does not exist (2025-13-45) or lies outside it
 * without an error, as another date (2025-02-30 as 2025-03-02, 2025-13-45 as 1970-01-01): the run would succeed
 * for that other day and advance the watermark past the data it never computed.
 */
const FIRST_DATE = '1970-01-01';
const LAST_DATE = '2149-06-06';

function isStorableDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === text && text >= FIRST_DATE && text <= LAST_DATE;
}
