import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Workflow } from '@temporalio/common';
import type { WorkflowStartOptions } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { openClickHouse, type ClickHouse } from '../clickhouse/client.js';
import { parseFeatures } from '../config/env.js';
import { parseWorker } from '../config/worker.js';
import { migrate } from '../clickhouse/migrate.js';
import { databaseName } from '../clickhouse/sql.js';
import { temporalCliPath } from '../infra/temporal-cli.js';
import { createWorker } from '../workers/worker.js';

/** A real Temporal dev server and one embedded ClickHouse data path for a benchmark, torn down by close(). */
export async function benchEnvironment() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: temporalCliPath() } },
  });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'afs-bench-'));
  // FEATURE_BUCKETS / FEATURE_CONCURRENCY and the worker settings (WORKFLOW_BUNDLE...) apply to benchmarks as to workers.
  const features = parseFeatures(process.env, []);
  const workerSettings = parseWorker(process.env, []);
  const enginePath = path.join(dataDir, 'clickhouse');
  const open = () => openClickHouse({ kind: 'embedded', path: enginePath, database: 'bench' });
  let shared: ClickHouse | undefined = open();
  const engine = () => {
    if (!shared) throw new Error('the embedded engine is released (call resumeEngine first)');
    return shared;
  };

  return {
    async database(name: string): Promise<ClickHouse> {
      // The client is looked up on each use, so a handle survives releaseEngine/resumeEngine.
      const ch: ClickHouse = {
        get client() {
          return engine().client;
        },
        db: databaseName(name),
        embedded: true,
        close: () => engine().close(),
      };
      await ch.client.command({ query: `DROP DATABASE IF EXISTS ${ch.db}` });
      await migrate(ch);
      return ch;
    },

    /** Runs one workflow to completion on a worker bound to `ch`; returns its result and wall seconds. */
    async run<W extends Workflow>(
      ch: ClickHouse,
      workflow: W,
      args: Parameters<W>,
    ): Promise<{ result: Awaited<ReturnType<W>>; seconds: number }> {
      const taskQueue = `bench-${ch.db}`;
      const worker = await createWorker(
        env.nativeConnection,
        { address: '', namespace: 'default', taskQueue },
        ch,
        features,
        workerSettings,
      );
      const started = performance.now();
      const result = await worker.runUntil(
        env.client.workflow.execute(workflow, {
          args,
          taskQueue,
          workflowId: `${taskQueue}-${Date.now()}`,
        } as unknown as WorkflowStartOptions<W>),
      );
      return { result: result as Awaited<ReturnType<W>>, seconds: (performance.now() - started) / 1000 };
    },

    async count(ch: ClickHouse, table: string): Promise<number> {
      const result = await ch.client.query({
        query: `SELECT count() AS n FROM ${ch.db}.${table}`,
        format: 'JSONEachRow',
      });
      return Number((await result.json<{ n: string }>())[0]?.n);
    },

    dataDir,
    enginePath,

    /** Closes the embedded engine so that a child process can open its data path (one process at a time). */
    async releaseEngine(): Promise<void> {
      await shared?.close();
      shared = undefined;
    },

    resumeEngine(): void {
      shared ??= open();
    },

    async close(): Promise<void> {
      await shared?.close();
      await env.teardown();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function machine(): string {
  return `${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}
