import path from 'node:path';
import { isValidIdentifier } from '../clickhouse/sql.js';

/** Every problem found in the environment, reported together so one fix-and-retry is enough. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  /** task queue of the ML workflows (training, promotion, inference) */
  mlTaskQueue?: string;
  tls?: { certPath: string; keyPath: string };
  apiKey?: string;
}

export type ClickHouseConfig =
  | { kind: 'embedded'; path: string; database: string }
  | { kind: 'server'; url: string; username: string; password: string; database: string };

export interface AppConfig {
  dataDir: string;
  temporal: TemporalConfig;
  clickhouse: ClickHouseConfig;
  features: FeatureSettings;
}

export interface FeatureSettings {
  /** IANA zone that decides what "today" is for scheduled runs */
  timeZone: string;
  /** athletes are split into this many buckets, one activity per bucket and step */
  buckets: number;
  /** buckets computed at once */
  concurrency: number;
}

type Env = Record<string, string | undefined>;

const DEFAULT_DATABASE = 'athlete_fs';

export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const dataDir = path.resolve(env.DATA_DIR?.trim() || 'data');
  const temporal = parseTemporal(env, problems);
  const clickhouse = parseClickHouse(env, dataDir, problems);
  const features = parseFeatures(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return { dataDir, temporal: temporal!, clickhouse: clickhouse!, features };
}

export function parseFeatures(env: Env, problems: string[]): FeatureSettings {
  const timeZone = env.PIPELINE_TIME_ZONE?.trim() || 'UTC';
  if (!isValidTimeZone(timeZone)) problems.push(`PIPELINE_TIME_ZONE "${timeZone}" is not an IANA time zone (e.g. Europe/Paris).`);
  return {
    timeZone,
    buckets: positiveInteger(env, 'FEATURE_BUCKETS', 2, 1024, problems),
    concurrency: positiveInteger(env, 'FEATURE_CONCURRENCY', 2, 64, problems),
  };
}

function positiveInteger(env: Env, name: string, fallback: number, max: number, problems: string[]): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) problems.push(`${name} "${raw}" must be a whole number from 1 to ${max}.`);
  return value;
}

function parseTemporal(env: Env, problems: string[]): TemporalConfig | undefined {
  const address = env.TEMPORAL_ADDRESS?.trim() || 'localhost:7233';
  if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(address)) {
    problems.push(`TEMPORAL_ADDRESS "${address}" must be host:port (e.g. localhost:7233 or my-ns.a1b2c.tmprl.cloud:7233).`);
  }
  const namespace = env.TEMPORAL_NAMESPACE?.trim() || 'default';
  const taskQueue = env.TEMPORAL_TASK_QUEUE?.trim() || 'athlete-feature-store';
  const mlTaskQueue = env.TEMPORAL_ML_TASK_QUEUE?.trim() || 'ml';
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

function parseClickHouse(env: Env, dataDir: string, problems: string[]): ClickHouseConfig | undefined {
  const raw = env.CLICKHOUSE_URL?.trim() || `chdb://${path.join(dataDir, 'clickhouse')}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`CLICKHOUSE_URL "${raw}" is not a URL: use http(s)://user:password@host:port/database or chdb://PATH.`);
    return undefined;
  }
  const fromPath = url.protocol === 'chdb:' ? '' : decodeURIComponent(url.pathname.replace(/^\//, ''));
  const database = env.CLICKHOUSE_DATABASE?.trim() || fromPath || DEFAULT_DATABASE;
  if (!isValidIdentifier(database)) {
    problems.push(`ClickHouse database "${database}" must match [A-Za-z_][A-Za-z0-9_]* (from CLICKHOUSE_DATABASE or the URL path).`);
  }
  if (url.protocol === 'chdb:') {
    const embeddedPath = path.resolve(raw.slice('chdb://'.length) || path.join(dataDir, 'clickhouse'));
    return { kind: 'embedded', path: embeddedPath, database };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push(`CLICKHOUSE_URL scheme "${url.protocol}" is not supported: use http:, https: or chdb:.`);
    return undefined;
  }
  return {
    kind: 'server',
    url: `${url.protocol}//${url.host}`,
    username: decodeURIComponent(url.username) || 'default',
    password: decodeURIComponent(url.password),
    database,
  };
}

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
