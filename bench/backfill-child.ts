import { parseArgs } from 'node:util';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { WorkflowStartOptions } from '@temporalio/client';
import { openClickHouse } from '../clickhouse/client.js';
import { parseFeatures } from '../config/env.js';
import { temporalCliPath } from '../infra/temporal-cli.js';
import { featurePipeline } from '../workflows/index.js';
import { parseWorker } from '../config/worker.js';
import { createWorker } from '../workers/worker.js';
import { peakRssMb } from './stats.js';

/**
 * One full feature backfill in a process of its own, so its peak RSS (worker and embedded engine) is the
 * backfill's alone, not the ingest's: opens the embedded data path the parent closed, starts its own Temporal
 * dev server (not timed), loads the prebuilt workflow bundle, runs featurePipeline, and prints one JSON line:
 * { seconds, summary, peakRssMb, startupRssMb } (startupRssMb: the peak before the workflow started).
 */
const { values } = parseArgs({
  options: {
    path: { type: 'string' },
    database: { type: 'string' },
    'as-of': { type: 'string' },
    bundle: { type: 'string' },
  },
});
if (!values.path || !values.database || !values['as-of'] || !values.bundle) {
  throw new Error('--path, --database, --as-of and --bundle are required');
}

Runtime.install({ logger: new DefaultLogger('WARN') });
const env = await TestWorkflowEnvironment.createLocal({
  server: { executable: { type: 'existing-path', path: temporalCliPath() } },
});
const ch = openClickHouse({ kind: 'embedded', path: values.path, database: values.database });
const taskQueue = `bench-backfill-${ch.db}`;
const worker = await createWorker(
  env.nativeConnection,
  { address: '', namespace: 'default', taskQueue },
  ch,
  parseFeatures(process.env, []),
  parseWorker(process.env, []),
  // The prebuilt workflow bundle, as a production worker loads it: bundling from source at start-up would add
  // webpack's few hundred MB to the peak RSS measured here.
  { workflowBundle: { codePath: values.bundle } },
);
const startupRssMb = peakRssMb();
const started = performance.now();
const summary = await worker.runUntil(
  env.client.workflow.execute(featurePipeline, {
    args: [{ asOf: values['as-of'] }],
    taskQueue,
    workflowId: `${taskQueue}-${Date.now()}`,
  } as WorkflowStartOptions<typeof featurePipeline>),
);
const seconds = (performance.now() - started) / 1000;
const peak = peakRssMb();
await ch.close();
await env.teardown();
console.log(JSON.stringify({ seconds, summary, peakRssMb: peak, startupRssMb }));
