import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ClickHouse } from '../../clickhouse/client.js';
import { createWorker } from '../../workers/worker.js';

/** Runs `fn` while a real worker (the production factory) polls a fresh task queue of the test server. */
export async function withWorker<T>(env: TestWorkflowEnvironment, ch: ClickHouse, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `test-${randomUUID()}`;
  const worker = await createWorker(env.nativeConnection, { address: 'test', namespace: env.namespace ?? 'default', taskQueue }, ch);
  return worker.runUntil(fn(taskQueue));
}
