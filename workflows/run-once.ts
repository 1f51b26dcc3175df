import { ActivityFailure, ApplicationFailure, TimeoutFailure, type Duration } from '@temporalio/common';
import { proxyActivities } from '@temporalio/workflow';
import type { OrchestrationActivities, RunOnceInput } from '../activities/orchestration.js';
import type { FeaturePipelineSummary } from './featurePipeline.js';
import { surfacingFailure } from '../shared/failures.js';
import { FEATURE_TASK_QUEUE } from '../shared/task-queues.js';

// The runWorkflowOnce activity's failure type (workflow code may import only types from activities/).
const UPSTREAM_FAILED = 'UpstreamWorkflowFailed';
export const NOT_READY = 'UpstreamNotReady';

/**
 * Starts `workflowId` or joins the run already going, and returns its result (see the `runWorkflowOnce` activity).
 * `timeout` bounds the wait: past it the caller fails with a message naming the run it waited for.
 */
export async function runWorkflowOnce<T>(request: RunOnceInput, timeout: Duration = '6 hours'): Promise<T> {
  const { runWorkflowOnce: run } = proxyActivities<OrchestrationActivities>({
    // The whole wait, retries included, is bounded by `timeout`.
    scheduleToCloseTimeout: timeout,
    // The activity only waits; a dead worker is noticed within a minute and the wait resumes elsewhere.
    heartbeatTimeout: '1 minute',
    retry: { maximumAttempts: 5, nonRetryableErrorTypes: [UPSTREAM_FAILED] },
  });
  try {
    return (await surfacingFailure(run(request))) as T;
  } catch (error) {
    if (error instanceof ActivityFailure && error.cause instanceof TimeoutFailure) {
      throw ApplicationFailure.nonRetryable(
        `${request.workflowId} (${request.workflowType} on task queue ${request.taskQueue}) did not finish within ${String(timeout)}: ` +
          'see it in the Temporal UI; is a worker polling that task queue?',
        NOT_READY,
      );
    }
    throw error;
  }
}

export const featureRunId = (asOf: string) => `feature-pipeline-${asOf}`;

/**
 * The features for `asOf`, computed once: starts `feature-pipeline-<asOf>` or awaits the run already going (the
 * 06:00 schedule, a manual trigger), reuses one that succeeded, and fails with a clear message when it fails or
 * does not finish within `timeout`. For any workflow that needs the day's features first (batch inference).
 */
export function featuresFor(
  asOf: string,
  options: { taskQueue?: string; timeout?: Duration } = {},
): Promise<FeaturePipelineSummary> {
  return runWorkflowOnce<FeaturePipelineSummary>(
    {
      workflowType: 'featurePipeline',
      workflowId: featureRunId(asOf),
      taskQueue: options.taskQueue ?? FEATURE_TASK_QUEUE,
      args: [{ asOf }],
    },
    options.timeout ?? '3 hours',
  );
}
