import type { Worker } from '@temporalio/worker';
import { openClickHouse } from '../clickhouse/client.js';
import { loadConfig, type AppConfig } from '../config/env.js';
import { connectWorker } from '../infra/temporal-connection.js';
import { prepareSchema } from './migrations-check.js';
import { announce, installRuntime } from './runtime.js';
import { createWorker, sharedWorkflowSource } from './worker.js';

export type WorkerRole = 'features' | 'ml';

/** The task queue each role polls. */
export function queuesOf(config: AppConfig, roles: WorkerRole[]): string[] {
  return roles.map((role) => (role === 'features' ? config.temporal.taskQueue : config.temporal.mlTaskQueue));
}

/**
 * A worker process: one Worker per task queue over one ClickHouse handle, until SIGINT/SIGTERM; then each stops
 * polling and gives its in-flight activities WORKER_SHUTDOWN_GRACE_SECONDS to finish before handing them back.
 */
export async function runWorkers(roles: WorkerRole[], config: AppConfig = loadConfig()): Promise<void> {
  installRuntime(config.worker);
  const ch = openClickHouse(config.clickhouse);
  try {
    await prepareSchema(ch, config.clickhouse.kind === 'embedded');
    const connection = await connectWorker(config.temporal);
    const source = await sharedWorkflowSource(config.worker);
    announce(
      config.worker,
      config.worker.workflowBundle
        ? `Workflow code: the prebuilt bundle ${config.worker.workflowBundle} (production mode).`
        : 'Workflow code: bundled from workflows/ at start-up (not production mode).',
      { workflowBundle: config.worker.workflowBundle ?? null },
    );
    const workers: Worker[] = [];
    for (const taskQueue of queuesOf(config, roles)) {
      workers.push(
        await createWorker(
          connection,
          { namespace: config.temporal.namespace, taskQueue },
          ch,
          config.features,
          config.worker,
          source,
        ),
      );
      announce(
        config.worker,
        `Worker polling task queue "${taskQueue}" on ${config.temporal.address} (namespace ${config.temporal.namespace}).`,
        { taskQueue, address: config.temporal.address, namespace: config.temporal.namespace, roles },
      );
    }
    await Promise.all(workers.map((worker) => worker.run()));
    await connection.close();
  } finally {
    await ch.close();
  }
}
