import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/env.js';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
};

describe('configuration from the environment', () => {
  it('defaults to the embedded engine in the data folder and a local dev server', () => {
    const config = loadConfig({ DATA_DIR: '/tmp/afs' });
    expect(config.clickhouse).toEqual({ kind: 'embedded', path: '/tmp/afs/clickhouse', database: 'athlete_fs' });
    expect(config.temporal).toEqual({
      address: 'localhost:7233',
      namespace: 'default',
      taskQueue: 'feature-engineering',
      mlTaskQueue: 'ml',
    });
    expect(config.features).toEqual({ timeZone: 'UTC', buckets: 2, concurrency: 2 });
  });

  it('reads a ClickHouse server URL with credentials and database', () => {
    const config = loadConfig({ CLICKHOUSE_URL: 'https://ana%40x:s%3Acret@ch.example.com:8443/features' });
    expect(config.clickhouse).toEqual({
      kind: 'server',
      url: 'https://ch.example.com:8443',
      username: 'ana@x',
      password: 's:cret',
      database: 'features',
    });
    expect(
      loadConfig({ CLICKHOUSE_URL: 'http://localhost:8123', CLICKHOUSE_DATABASE: 'other' }).clickhouse.database,
    ).toBe('other');
  });

  it('reads an embedded path from chdb://', () => {
    expect(loadConfig({ CLICKHOUSE_URL: 'chdb://./here' }).clickhouse).toMatchObject({
      kind: 'embedded',
      path: path.resolve('here'),
    });
  });

  it('reads mTLS and API-key settings for Temporal Cloud', () => {
    expect(loadConfig({ TEMPORAL_TLS_CERT: '/c.pem', TEMPORAL_TLS_KEY: '/k.pem' }).temporal.tls).toEqual({
      certPath: '/c.pem',
      keyPath: '/k.pem',
    });
    expect(
      loadConfig({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'key' }).temporal,
    ).toMatchObject({ apiKey: 'key' });
  });

  it('reports every problem at once, each saying what to fix', () => {
    const problems = problemsOf({
      TEMPORAL_ADDRESS: 'no-port',
      TEMPORAL_TLS_CERT: '/c.pem',
      CLICKHOUSE_URL: 'ftp://x',
      PIPELINE_TIME_ZONE: 'Mars/Olympus',
      FEATURE_BUCKETS: '0',
      FEATURE_CONCURRENCY: 'two',
    });
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(/TEMPORAL_ADDRESS "no-port" must be host:port/);
    expect(problems.join('\n')).toMatch(/TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together/);
    expect(problems.join('\n')).toMatch(/scheme "ftp:" is not supported/);
    expect(problems.join('\n')).toMatch(/PIPELINE_TIME_ZONE "Mars\/Olympus"/);
    expect(problems.join('\n')).toMatch(/FEATURE_BUCKETS "0" must be a whole number/);
    expect(problems.join('\n')).toMatch(/FEATURE_CONCURRENCY "two"/);
  });

  it('rejects a database name that is not an identifier, and a URL that is not one', () => {
    expect(problemsOf({ CLICKHOUSE_DATABASE: 'x; DROP TABLE y' })[0]).toMatch(/must match/);
    expect(problemsOf({ CLICKHOUSE_URL: 'not a url' })[0]).toMatch(/is not a URL/);
    expect(problemsOf({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS_CERT: 'c', TEMPORAL_TLS_KEY: 'k' })[0]).toMatch(
      /either TEMPORAL_API_KEY or/,
    );
  });
});
