import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ClickHouse } from '../../clickhouse/client.js';
import { createWorkers } from '../../workers/worker.js';

/**
 * Runs `fn` while the real workers (the production factory) poll fresh task queues of the test server: the
 * feature one and the ML one (passed second), as the all-in-one worker does.
 */
export async function withWorker<T>(
  env: TestWorkflowEnvironment,
  ch: ClickHouse,
  fn: (taskQueue: string, mlTaskQueue: string) => Promise<T>,
): Promise<T> {
  const namespace = env.namespace ?? 'default';
  const taskQueue = `test-${randomUUID()}`;
  const mlTaskQueue = `${taskQueue}-ml`;
  const workers = await createWorkers(
    env.nativeConnection,
    [
      { namespace, taskQueue },
      { namespace, taskQueue: mlTaskQueue },
    ],
    ch,
  );
  return workers.runUntil(fn(taskQueue, mlTaskQueue));
}
