import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import type { ClickHouse } from '../clickhouse/client.js';
import { parseFeatures, type FeatureSettings, type TemporalConfig } from '../config/env.js';
import { projectRoot } from '../infra/temporal-cli.js';

export const workflowsPath = path.join(projectRoot, 'workflows', 'index.ts');
export const workflowBundlePath = path.join(projectRoot, 'dist', 'workflow-bundle.js');

/** The ML workflows' queue: TEMPORAL_ML_TASK_QUEUE, else (hand-built configs, tests) derived from the main queue. */
export const mlTaskQueueOf = (temporal: TemporalConfig): string => temporal.mlTaskQueue ?? `${temporal.taskQueue}-ml`;

/** The workers of one process: they run and stop together. */
export interface Workers {
  run(): Promise<void>;
  runUntil<T>(work: Promise<T>): Promise<T>;
}

/**
 * One process hosts every activity that touches ClickHouse: with the embedded engine only one process may
 * open the data path. It runs two workers on one connection: feature engineering and ingestion on
 * TEMPORAL_TASK_QUEUE, the ML workflows (training, promotion, inference) on their own queue, so the two can
 * be deployed apart once ClickHouse is a server. Both load the prebuilt workflow bundle
 * (`npm run build:workflows`) when there is one, else one bundle built from source at start-up.
 */
export async function createWorker(
  connection: NativeConnection, temporal: TemporalConfig, ch: ClickHouse, features: FeatureSettings = parseFeatures({}, []),
): Promise<Workers> {
  const workflowBundle: WorkflowBundleOption = fs.existsSync(workflowBundlePath)
    ? { codePath: workflowBundlePath }
    : { code: (await bundleWorkflowCode({ workflowsPath, logger: quietBundler })).code };
  const common = { connection, namespace: temporal.namespace, workflowBundle, shutdownGraceTime: '30s' } as const;
  const main = await Worker.create({
    ...common,
    taskQueue: temporal.taskQueue,
    activities: createActivities(ch, features),
    // The embedded engine already uses both cores for one query; more concurrent activities only queue.
    maxConcurrentActivityTaskExecutions: 4,
  });
  const ml = await Worker.create({
    ...common,
    taskQueue: mlTaskQueueOf(temporal),
    activities: createActivities(ch, features),
    // Training holds a core for its whole run: one at a time, next to one scoring batch.
    maxConcurrentActivityTaskExecutions: 2,
  });
  return together([main, ml]);
}

function together(workers: Worker[]): Workers {
  const stopOthers = (error: unknown) => {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    throw error;
  };
  return {
    async run() {
      await Promise.all(workers.map((w) => w.run().catch(stopOthers)));
    },
    async runUntil<T>(work: Promise<T>) {
      const [result] = await Promise.all(workers.map((w) => w.runUntil(work).catch(stopOthers)));
      return result as T;
    },
  };
}

/** Bundling at start-up speaks only on warnings, like the workers. */
const quietBundler = {
  log: () => {}, trace: () => {}, debug: () => {}, info: () => {},
  warn: (message: string) => console.warn(message), error: (message: string) => console.error(message),
};
