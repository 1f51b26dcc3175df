import type { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { EmbeddedClickHouseLockedError, openClickHouse, type ClickHouse } from '../clickhouse/client.js';
import { migrate } from '../clickhouse/migrate.js';
import type { AppConfig } from '../config/env.js';
import { connectWorker } from '../infra/temporal-connection.js';
import { createWorker } from '../workers/worker.js';

/** Runs `work` while this process is the worker, with the ClickHouse handle the worker uses. */
export async function withInProcessWorker<T>(config: AppConfig, work: (ch: ClickHouse) => Promise<T>, ch = openClickHouse(config.clickhouse)): Promise<T> {
  // A command prints its own results; the worker speaks up only for warnings.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  try {
    await migrate(ch);
    const connection = await connectWorker(config.temporal);
    const worker = await createWorker(connection, config.temporal, ch, config.features, config.worker);
    try {
      return await worker.runUntil(work(ch));
    } finally {
      await connection.close();
    }
  } finally {
    await ch.close();
  }
}

/**
 * Runs `work` (which starts a workflow) with a worker to execute it: the running one when there is one,
 * else this process. With the embedded engine the data lock tells: whoever holds it is the worker.
 */
export async function withSomeWorker<T>(client: Client, config: AppConfig, work: () => Promise<T>): Promise<T> {
  if (config.clickhouse.kind === 'server') {
    return (await workerIsPolling(client, config)) ? work() : withInProcessWorker(config, work);
  }
  let ch: ClickHouse;
  try {
    ch = openClickHouse(config.clickhouse);
  } catch (error) {
    if (!(error instanceof EmbeddedClickHouseLockedError)) throw error;
    console.log('A running worker owns the embedded data: it runs this workflow.');
    return work();
  }
  console.log('No worker is running: this command is the worker until the workflow is done.');
  return withInProcessWorker(config, work, ch);
}

async function workerIsPolling(client: Client, config: AppConfig): Promise<boolean> {
  const response = await client.workflowService.describeTaskQueue({
    namespace: config.temporal.namespace,
    taskQueue: { name: config.temporal.taskQueue },
  });
  return (response.pollers?.length ?? 0) > 0;
}
