import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, Runtime, Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { createOrchestrationActivities } from '../activities/orchestration.js';
import type { ClickHouse } from '../clickhouse/client.js';
import { parseFeatures, type FeatureSettings } from '../config/env.js';
import { parseWorker, type WorkerSettings } from '../config/worker.js';
import { projectRoot } from '../lib/project-root.js';

export const workflowsPath = path.join(projectRoot, 'workflows', 'index.ts');
export const workflowBundlePath = path.join(projectRoot, 'dist', 'workflow-bundle.js');

/** Where a worker polls: its namespace and one task queue. */
export interface WorkerTarget {
  namespace: string;
  taskQueue: string;
  address?: string;
}

/**
 * The prebuilt bundle only when production mode names one (NODE_ENV=production or WORKFLOW_BUNDLE), and then it
 * must exist; otherwise workflows/ is bundled from source at start-up, whatever lies in dist/.
 */
export function workflowSource(settings: Pick<WorkerSettings, 'workflowBundle'>): WorkflowSource {
  if (!settings.workflowBundle) return { workflowsPath };
  if (!fs.existsSync(settings.workflowBundle)) {
    throw new Error(
      `Production mode loads the prebuilt workflow bundle ${settings.workflowBundle}, which does not exist: ` +
        'build it with `npm run build:workflows` (or set WORKFLOW_BUNDLE to it; unset NODE_ENV to bundle from source).',
    );
  }
  return { workflowBundle: { codePath: settings.workflowBundle } };
}

type WorkflowSource = Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>;

/** One source for several workers of a process: the all-in-one worker bundles from source once, not per queue. */
export async function sharedWorkflowSource(settings: Pick<WorkerSettings, 'workflowBundle'>): Promise<WorkflowSource> {
  const source = workflowSource(settings);
  return source.workflowsPath
    ? { workflowBundle: await bundleWorkflowCode({ workflowsPath, logger: Runtime.instance().logger }) }
    : source;
}

/**
 * A worker of one task queue hosting every activity (ClickHouse ones bound to `ch`). With the embedded engine one
 * process holds the data path, so the all-in-one worker runs one of these per task queue over the same handle.
 */
export async function createWorker(
  connection: NativeConnection,
  target: WorkerTarget,
  ch: ClickHouse,
  features: FeatureSettings = parseFeatures({}, []),
  settings: WorkerSettings = parseWorker({}, []),
  source: WorkflowSource = workflowSource(settings),
): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: target.namespace,
    taskQueue: target.taskQueue,
    ...source,
    activities: { ...createActivities(ch, features), ...createOrchestrationActivities() },
    // Lets a running activity finish (or heartbeat its way out) on SIGTERM; after it, the activity is cancelled and
    // its next attempt runs on another worker.
    shutdownGraceTime: `${settings.shutdownGraceSeconds}s`,
    maxConcurrentActivityTaskExecutions: settings.maxConcurrentActivities,
    maxConcurrentWorkflowTaskExecutions: settings.maxConcurrentWorkflowTasks,
  });
}

/** The workers of one process: they run and stop together. */
export interface Workers {
  run(): Promise<void>;
  runUntil<T>(work: Promise<T>): Promise<T>;
}

/**
 * One worker per task queue over the same ClickHouse handle and one workflow bundle: the all-in-one worker (both
 * queues in one process, the only way with the embedded engine), the in-process worker of the commands, the tests.
 */
export async function createWorkers(
  connection: NativeConnection,
  targets: WorkerTarget[],
  ch: ClickHouse,
  features: FeatureSettings = parseFeatures({}, []),
  settings: WorkerSettings = parseWorker({}, []),
): Promise<Workers> {
  const source = await sharedWorkflowSource(settings);
  const workers: Worker[] = [];
  for (const target of targets) workers.push(await createWorker(connection, target, ch, features, settings, source));
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
