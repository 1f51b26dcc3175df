import fs from 'node:fs';
import path from 'node:path';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import type { ClickHouse } from '../clickhouse/client.js';
import { parseFeatures, type FeatureSettings, type TemporalConfig } from '../config/env.js';
import { projectRoot } from '../infra/temporal-cli.js';

export const workflowsPath = path.join(projectRoot, 'workflows', 'index.ts');
export const workflowBundlePath = path.join(projectRoot, 'dist', 'workflow-bundle.js');

/**
 * One worker hosts every activity that touches ClickHouse: with the embedded engine only one process
 * may open the data path. It loads the prebuilt workflow bundle (`npm run build:workflows`) when there
 * is one, and bundles from source otherwise (development).
 */
export async function createWorker(
  connection: NativeConnection, temporal: TemporalConfig, ch: ClickHouse, features: FeatureSettings = parseFeatures({}, []),
): Promise<Worker> {
  const workflows = fs.existsSync(workflowBundlePath) ? { workflowBundle: { codePath: workflowBundlePath } } : { workflowsPath };
  return Worker.create({
    connection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueue,
    ...workflows,
    activities: createActivities(ch, features),
    // Lets a running activity finish (or heartbeat its way out) on SIGTERM instead of being cut off.
    shutdownGraceTime: '30s',
    // The embedded engine already uses both cores for one query; more concurrent activities only queue.
    maxConcurrentActivityTaskExecutions: 4,
  });
}
