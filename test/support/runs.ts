import { randomUUID } from 'node:crypto';
import type { Workflow } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

/** A run expected to fail: its error, its run id (the key pipeline_runs would use) and how often each of its activities was attempted. */
export async function failingRun<A>(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  workflow: (input: A) => Promise<unknown>,
  input: A,
  workflowId = `${workflow.name}-${randomUUID()}`,
) {
  const handle = await env.client.workflow.start(workflow as Workflow, { args: [input], taskQueue, workflowId });
  const error = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  const history = await handle.fetchHistory();
  const attempts = (history.events ?? []).flatMap((e) => e.activityTaskStartedEventAttributes?.attempt ?? []);
  return { error, runId: handle.firstExecutionRunId, attempts };
}
