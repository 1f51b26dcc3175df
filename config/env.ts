import path from 'node:path';
import { isValidIdentifier } from '../shared/identifier.js';
import { parseTimeZone, positiveInteger, throwIfProblems, type Env } from './common.js';
import { parseTemporal, type TemporalConfig } from './temporal.js';
import { parseWorker, type WorkerSettings } from './worker.js';

export { ConfigError, isValidTimeZone } from './common.js';
export type { TemporalConfig } from './temporal.js';
export type { WorkerSettings } from './worker.js';

export type ClickHouseConfig =
  | { kind: 'embedded'; path: string; database: string }
  | { kind: 'server'; url: string; username: string; password: string; database: string; cluster?: string };

export interface AppConfig {
  dataDir: string;
  temporal: TemporalConfig;
  clickhouse: ClickHouseConfig;
  features: FeatureSettings;
  worker: WorkerSettings;
}

export interface FeatureSettings {
  /** IANA zone that decides what "today" is for scheduled runs */
  timeZone: string;
  /** athletes are split into this many buckets, one activity per bucket and step */
  buckets: number;
  /** buckets computed at once */
  concurrency: number;
}

const DEFAULT_DATABASE = 'athlete_fs';

/** Everything a worker or a command that opens ClickHouse needs (the registrar needs only `loadTemporalConfig`). */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const dataDir = path.resolve(env.DATA_DIR?.trim() || 'data');
  const temporal = parseTemporal(env, problems);
  const clickhouse = parseClickHouse(env, dataDir, problems);
  const features = parseFeatures(env, problems);
  const worker = parseWorker(env, problems);
  throwIfProblems(problems);
  return { dataDir, temporal, clickhouse: clickhouse!, features, worker };
}

export function parseFeatures(env: Env, problems: string[]): FeatureSettings {
  const timeZone = parseTimeZone(env, problems);
  return {
    timeZone,
    buckets: positiveInteger(env, 'FEATURE_BUCKETS', 2, 1024, problems),
    concurrency: positiveInteger(env, 'FEATURE_CONCURRENCY', 2, 64, problems),
  };
}

function parseClickHouse(env: Env, dataDir: string, problems: string[]): ClickHouseConfig | undefined {
  const raw = env.CLICKHOUSE_URL?.trim() || `chdb://${path.join(dataDir, 'clickhouse')}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(
      `CLICKHOUSE_URL "${raw}" is not a URL: use http(s)://user:password@host:port/database or chdb://PATH.`,
    );
    return undefined;
  }
  const fromPath = url.protocol === 'chdb:' ? '' : decodeURIComponent(url.pathname.replace(/^\//, ''));
  const database = env.CLICKHOUSE_DATABASE?.trim() || fromPath || DEFAULT_DATABASE;
  if (!isValidIdentifier(database)) {
    problems.push(
      `ClickHouse database "${database}" must match [A-Za-z_][A-Za-z0-9_]* (from CLICKHOUSE_DATABASE or the URL path).`,
    );
  }
  const cluster = env.CLICKHOUSE_CLUSTER?.trim() || undefined;
  if (cluster && !isValidIdentifier(cluster))
    problems.push(`CLICKHOUSE_CLUSTER "${cluster}" must match [A-Za-z_][A-Za-z0-9_]*.`);
  if (url.protocol === 'chdb:') {
    if (cluster)
      problems.push(
        'CLICKHOUSE_CLUSTER needs a ClickHouse server (CLICKHOUSE_URL=http(s)://...), not the embedded engine.',
      );
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
    ...(cluster && { cluster }),
  };
}
