import { Context, log } from '@temporalio/activity';
import type { ClickHouse } from '../clickhouse/client.js';
import { killPredecessors, stepQueryPrefix, withQueryIds } from '../clickhouse/query-ids.js';
import type { FeatureSettings } from '../config/env.js';
import type { FeatureViewStep } from '../features/catalog.js';
import { computeActivityFeatures } from '../features/activity/compute.js';
import { computeDailyFeatures, computeRollingFeatures, computeWeeklyFeatures } from '../features/athlete/index.js';
import { checkFeatureTables, describeFailures, type QualityReport } from '../features/pipeline/checks.js';
import { FeatureInputError, planFeatureRun, type FeatureRunPlan } from '../features/pipeline/run-scope.js';
import { recordRunOutcome } from '../features/pipeline/runs.js';
import { syncFeatureRegistry } from '../features/registry.js';
import { todayIn } from '../shared/time-zone.js';
import { dataQualityFailure, failFastOn } from '../shared/failures.js';
import { whileHeartbeating } from './heartbeat.js';

/** The steps of the feature-view catalog. */
export type FeatureStep = FeatureViewStep;

export interface FeatureStepInput {
  step: FeatureStep;
  runId: string;
  version: number;
  bucket: number;
  asOf: string;
}

const STEPS: Record<FeatureStep, (ch: ClickHouse, input: FeatureStepInput) => Promise<number>> = {
  activity: computeActivityFeatures,
  daily: computeDailyFeatures,
  rolling: computeRollingFeatures,
  weekly: computeWeeklyFeatures,
};

export function createFeatureActivities(ch: ClickHouse, settings: FeatureSettings) {
  return {
    /** Scope and watermarks of a run; `asOf` defaults to today in PIPELINE_TIME_ZONE. */
    async planFeatureRun(input: {
      runId: string;
      version: number;
      asOf?: string;
      athleteIds?: string[];
      fullRecompute?: boolean;
    }): Promise<FeatureRunPlan & { concurrency: number }> {
      const request = {
        runId: input.runId,
        version: input.version,
        asOf: input.asOf ?? todayIn(settings.timeZone),
        athleteIds: input.athleteIds ?? [],
        fullRecompute: input.fullRecompute ?? false,
        buckets: settings.buckets,
      };
      const plan = await failFastOn(FeatureInputError, () => planFeatureRun(ch, request));
      return { ...plan, concurrency: settings.concurrency };
    },

    /** Its statements carry query ids `<run>-<step>-b<bucket>-a<attempt>-<n>`; a retry first kills its predecessor's. */
    async computeFeatureStep(input: FeatureStepInput): Promise<number> {
      const { attempt } = Context.current().info;
      const stepPrefix = stepQueryPrefix(input.runId, input.step, input.bucket);
      const attemptPrefix = `${stepPrefix}-a${attempt}`;
      if (attempt > 1) await killPredecessors(ch, stepPrefix, attemptPrefix);
      const started = Date.now();
      const rows = await whileHeartbeating({ step: input.step, bucket: input.bucket }, () =>
        STEPS[input.step](withQueryIds(ch, attemptPrefix), input),
      );
      // The SDK logger adds the workflow, run and activity ids; queryIdPrefix finds the statements in system.query_log.
      log.info('Feature step done', {
        step: input.step,
        bucket: input.bucket,
        rows,
        seconds: (Date.now() - started) / 1000,
        queryIdPrefix: attemptPrefix,
      });
      return rows;
    },

    /** Data-quality checks over the feature tables; a failure is recorded and fails the run (no retry). */
    async checkFeatureRun(input: { runId: string; version: number; summary: unknown }): Promise<QualityReport> {
      const report = await checkFeatureTables(ch, input.version);
      if (report.failed.length > 0) {
        const error = describeFailures(report.failed);
        await recordRunOutcome(ch, input.runId, {
          status: 'failed',
          summary: input.summary,
          checks: report.checks,
          error,
        });
        throw dataQualityFailure(error);
      }
      return report;
    },

    async finishFeatureRun(input: { runId: string; summary: unknown; checks: unknown }): Promise<void> {
      await syncFeatureRegistry(ch);
      await recordRunOutcome(ch, input.runId, { status: 'succeeded', summary: input.summary, checks: input.checks });
    },

    async failFeatureRun(input: { runId: string; error: string }): Promise<void> {
      await recordRunOutcome(ch, input.runId, { status: 'failed', error: input.error });
    },
  };
}
