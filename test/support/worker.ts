import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ClickHouse } from '../../clickhouse/client.js';
import { createWorker, mlTaskQueueOf } from '../../workers/worker.js';

/**
 * Runs `fn` while the real workers (the production factory) poll fresh task queues of the test server: the
 * main one and the ML one (passed second).
 */
export async function withWorker<T>(env: TestWorkflowEnvironment, ch: ClickHouse, fn: (taskQueue: string, mlTaskQueue: string) => Promise<T>): Promise<T> {
  const temporal = { address: 'test', namespace: env.namespace ?? 'default', taskQueue: `test-${randomUUID()}` };
  const worker = await createWorker(env.nativeConnection, temporal, ch);
  return worker.runUntil(fn(temporal.taskQueue, mlTaskQueueOf(temporal)));
}
