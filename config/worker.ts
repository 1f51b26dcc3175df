import path from 'node:path';
import { positiveInteger, type Env } from './common.js';

/** How a worker process runs: where its workflow code comes from, how much it runs at once, what it exposes. */
export interface WorkerSettings {
  /**
   * The prebuilt workflow bundle to load, set only in production mode (NODE_ENV=production or WORKFLOW_BUNDLE):
   * anywhere else the worker bundles workflows/ from source, so a changed workflow never runs as a stale bundle.
   */
  workflowBundle?: string;
  maxConcurrentActivities: number;
  maxConcurrentWorkflowTasks: number;
  /** seconds an in-flight activity gets to finish after SIGTERM before it is cancelled and handed back */
  shutdownGraceSeconds: number;
  /** port of the Prometheus scrape endpoint of the Temporal runtime's metrics; none when unset */
  metricsPort?: number;
  /** JSON lines (production, for log collectors) or plain text */
  logFormat: 'json' | 'text';
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}

export const DEFAULT_BUNDLE = 'dist/workflow-bundle.js';
const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

export function parseWorker(env: Env, problems: string[]): WorkerSettings {
  const production = env.NODE_ENV?.trim() === 'production';
  const bundle = env.WORKFLOW_BUNDLE?.trim() || (production ? DEFAULT_BUNDLE : undefined);
  const format = env.LOG_FORMAT?.trim() || (production ? 'json' : 'text');
  if (format !== 'json' && format !== 'text') problems.push(`LOG_FORMAT "${format}" must be json or text.`);
  const level = (env.LOG_LEVEL?.trim().toUpperCase() || 'INFO') as WorkerSettings['logLevel'];
  if (!LEVELS.includes(level)) problems.push(`LOG_LEVEL "${env.LOG_LEVEL}" must be one of ${LEVELS.join(', ')}.`);
  const metrics = env.METRICS_PORT?.trim() ? positiveInteger(env, 'METRICS_PORT', 0, 65_535, problems) : undefined;
  return {
    ...(bundle && { workflowBundle: path.resolve(bundle) }),
    // The embedded engine already uses every core for one query: more activities at once only queue.
    maxConcurrentActivities: positiveInteger(env, 'WORKER_MAX_ACTIVITIES', 4, 1000, problems),
    maxConcurrentWorkflowTasks: positiveInteger(env, 'WORKER_MAX_WORKFLOW_TASKS', 20, 1000, problems),
    shutdownGraceSeconds: positiveInteger(env, 'WORKER_SHUTDOWN_GRACE_SECONDS', 30, 3600, problems),
    ...(metrics !== undefined && { metricsPort: metrics }),
    logFormat: format === 'json' ? 'json' : 'text',
    logLevel: LEVELS.includes(level) ? level : 'INFO',
  };
}
