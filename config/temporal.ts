import { FEATURE_TASK_QUEUE, ML_TASK_QUEUE } from '../shared/task-queues.js';
import { throwIfProblems, type Env } from './common.js';

/** What a process needs to talk to Temporal, and nothing else: all the registrar and the CLI client need. */
export interface TemporalConfig {
  address: string;
  namespace: string;
  /** the feature worker's task queue (TEMPORAL_TASK_QUEUE) */
  taskQueue: string;
  /** the ML worker's task queue (ML_TASK_QUEUE) */
  mlTaskQueue: string;
  tls?: { certPath: string; keyPath: string };
  apiKey?: string;
}

export function loadTemporalConfig(env: Env = process.env): TemporalConfig {
  const problems: string[] = [];
  const temporal = parseTemporal(env, problems);
  throwIfProblems(problems);
  return temporal;
}

export function parseTemporal(env: Env, problems: string[]): TemporalConfig {
  const address = env.TEMPORAL_ADDRESS?.trim() || 'localhost:7233';
  if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(address)) {
    problems.push(
      `TEMPORAL_ADDRESS "${address}" must be host:port (e.g. localhost:7233 or my-ns.a1b2c.tmprl.cloud:7233).`,
    );
  }
  const namespace = env.TEMPORAL_NAMESPACE?.trim() || 'default';
  const taskQueue = env.TEMPORAL_TASK_QUEUE?.trim() || FEATURE_TASK_QUEUE;
  const mlTaskQueue = env.ML_TASK_QUEUE?.trim() || ML_TASK_QUEUE;
  const certPath = env.TEMPORAL_TLS_CERT?.trim();
  const keyPath = env.TEMPORAL_TLS_KEY?.trim();
  const apiKey = env.TEMPORAL_API_KEY?.trim();
  if (Boolean(certPath) !== Boolean(keyPath)) {
    problems.push('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together: set both (mTLS) or neither.');
  }
  if (apiKey && certPath) problems.push('Set either TEMPORAL_API_KEY or TEMPORAL_TLS_CERT/KEY, not both.');
  const tls = certPath && keyPath ? { certPath, keyPath } : undefined;
  return { address, namespace, taskQueue, mlTaskQueue, ...(tls && { tls }), ...(apiKey && { apiKey }) };
}
