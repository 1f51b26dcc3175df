import type { Client, WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { EmbeddedClickHouseLockedError, openClickHouse, type ClickHouse } from '../clickhouse/client.js';
import { migrate } from '../clickhouse/migrate.js';
import type { AppConfig } from '../config/env.js';
import { connectWorker } from '../infra/temporal-connection.js';
import { createWorkers } from '../workers/worker.js';

const POLL_MS = 1_000;

/** Runs `work` while this process is the worker, with the ClickHouse handle the worker uses. */
export async function withInProcessWorker<T>(
  config: AppConfig,
  work: (ch: ClickHouse) => Promise<T>,
  ch = openClickHouse(config.clickhouse),
): Promise<T> {
  // A command prints its own results; the worker speaks up only for warnings.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  try {
    await migrate(ch);
    const connection = await connectWorker(config.temporal);
    const { namespace, taskQueue, mlTaskQueue } = config.temporal;
    // Both queues: a command's workflow may be an ML one, and with the embedded engine this process is the only worker.
    const worker = await createWorkers(
      connection,
      [
        { namespace, taskQueue },
        { namespace, taskQueue: mlTaskQueue },
      ],
      ch,
      config.features,
      config.worker,
    );
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
 * Starts a workflow (`start`) and returns its result, with a worker to execute it: the running one when
 * there is one, else this process. With the embedded engine the data lock tells: whoever holds it is the
 * worker. A process that becomes the worker serves every workflow of the task queue before it exits, not
 * just its own: other commands may have handed theirs to it meanwhile. A command that handed its workflow
 * over takes the data (and becomes the worker) if the holder exits before its workflow is done.
 */
export async function withSomeWorker<T>(
  client: Client,
  config: AppConfig,
  start: () => Promise<WorkflowHandle>,
): Promise<T> {
  const serve = async (): Promise<T> => {
    const result = (await (await start()).result()) as T;
    await drainTaskQueue(client, config);
    return result;
  };
  if (config.clickhouse.kind === 'server') {
    return (await workerIsPolling(client, config)) ? (await start()).result() : withInProcessWorker(config, serve);
  }
  const ch = tryOpenEmbedded(config);
  if (ch) {
    console.log('No worker is running: this command is the worker until its workflow, and any handed to it, are done.');
    return withInProcessWorker(config, serve, ch);
  }
  console.log('A running worker owns the embedded data: it runs this workflow.');
  return awaitOrTakeOver<T>(client, config, await start());
}

/** Waits for a handed-off workflow; takes the data and runs the worker itself if the holder exits first. */
async function awaitOrTakeOver<T>(client: Client, config: AppConfig, handle: WorkflowHandle): Promise<T> {
  const result = handle.result() as Promise<T>;
  const done = result.then(
    () => true,
    () => true,
  );
  while (!(await Promise.race([done, sleep(POLL_MS).then(() => false)]))) {
    const ch = tryOpenEmbedded(config);
    if (!ch) continue;
    console.log('The worker that held the data has exited: this command is the worker until its workflow is done.');
    return withInProcessWorker(
      config,
      async () => {
        const value = await result;
        await drainTaskQueue(client, config);
        return value;
      },
      ch,
    );
  }
  return result;
}

function tryOpenEmbedded(config: AppConfig): ClickHouse | undefined {
  try {
    return openClickHouse(config.clickhouse);
  } catch (error) {
    if (error instanceof EmbeddedClickHouseLockedError) return undefined;
    throw error;
  }
}

/**
 * Keeps the worker running while any workflow of its task queue is open (visibility lags a little behind
 * a start, hence a second look before leaving). A workflow started after the last look is not lost: the
 * command that started it takes the data over once this process has let go of it.
 */
async function drainTaskQueue(client: Client, config: AppConfig): Promise<void> {
  const query = `TaskQueue = '${config.temporal.taskQueue.replace(/['\\]/g, '\\$&')}' AND ExecutionStatus = 'Running'`;
  let announced = false;
  for (let emptyLooks = 0; emptyLooks < 2;) {
    const { count } = await client.workflow.count(query);
    if (count > 0 && !announced) {
      console.log(`Serving ${count} more workflow(s) handed to this process before exiting...`);
      announced = true;
    }
    emptyLooks = count > 0 ? 0 : emptyLooks + 1;
    if (emptyLooks < 2) await sleep(POLL_MS);
  }
}

async function workerIsPolling(client: Client, config: AppConfig): Promise<boolean> {
  const response = await client.workflowService.describeTaskQueue({
    namespace: config.temporal.namespace,
    taskQueue: { name: config.temporal.taskQueue },
  });
  return (response.pollers?.length ?? 0) > 0;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
