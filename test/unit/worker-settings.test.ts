import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/common.js';
import { loadConfig } from '../../config/env.js';
import { loadTemporalConfig } from '../../config/temporal.js';
import { parseWorker } from '../../config/worker.js';
import { workflowBundlePath, workflowSource, workflowsPath } from '../../workers/worker.js';

const staleBundle = () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'afs-bundle-')), 'workflow-bundle.js');
  fs.writeFileSync(file, "// a bundle built from yesterday's workflows\n");
  return file;
};

describe('where a worker takes its workflow code from', () => {
  it('bundles from source outside production mode, whatever lies in dist/', () => {
    expect(workflowSource(parseWorker({}, []))).toEqual({ workflowsPath });
    expect(workflowSource(parseWorker({ NODE_ENV: 'test' }, []))).toEqual({ workflowsPath });
    expect(workflowSource(parseWorker({ NODE_ENV: 'development' }, []))).toEqual({ workflowsPath });
  });

  it('loads the prebuilt bundle only when production mode names it', () => {
    const bundle = staleBundle();
    expect(workflowSource(parseWorker({ WORKFLOW_BUNDLE: bundle }, []))).toEqual({
      workflowBundle: { codePath: bundle },
    });
    expect(parseWorker({ NODE_ENV: 'production' }, []).workflowBundle).toBe(workflowBundlePath);
  });

  it('fails at start with what to do when production mode has no bundle', () => {
    const missing = path.join(os.tmpdir(), 'no-such-dir', 'workflow-bundle.js');
    expect(() => workflowSource(parseWorker({ WORKFLOW_BUNDLE: missing }, []))).toThrow(/npm run build:workflows/);
  });
});

describe('worker and registrar settings', () => {
  it('reads concurrency, grace time, metrics port and log format, JSON lines in production', () => {
    expect(parseWorker({}, [])).toEqual({
      maxConcurrentActivities: 4,
      maxConcurrentWorkflowTasks: 20,
      shutdownGraceSeconds: 30,
      logFormat: 'text',
      logLevel: 'INFO',
    });
    const production = parseWorker(
      {
        NODE_ENV: 'production',
        WORKER_MAX_ACTIVITIES: '16',
        WORKER_SHUTDOWN_GRACE_SECONDS: '120',
        METRICS_PORT: '9464',
      },
      [],
    );
    expect(production).toMatchObject({
      maxConcurrentActivities: 16,
      shutdownGraceSeconds: 120,
      metricsPort: 9464,
      logFormat: 'json',
    });
    const problems: string[] = [];
    parseWorker({ WORKER_MAX_ACTIVITIES: '0', LOG_FORMAT: 'xml', METRICS_PORT: '70000' }, problems);
    expect(problems).toHaveLength(3);
  });

  it('needs only Temporal settings for the registrar: broken ClickHouse settings do not matter to it', () => {
    const env = { CLICKHOUSE_URL: 'ftp://nowhere', TEMPORAL_TASK_QUEUE: 'q1', ML_TASK_QUEUE: 'q2' };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(loadTemporalConfig(env)).toMatchObject({ taskQueue: 'q1', mlTaskQueue: 'q2' });
  });
});
