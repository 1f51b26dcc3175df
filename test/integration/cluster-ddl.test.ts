/**
 * Cluster mode without a cluster: every generated statement must be accepted by the engine's own parser
 * (`formatQuery` in the embedded engine), and the single-node DDL must stay exactly as written.
 */
import { describe, expect, it } from 'vitest';
import { clusterDml, clusterStatements, shardedTables } from '../../clickhouse/cluster.js';
import { deleteStaleRows } from '../../features/athlete/prune.sql.js';
import { dropPlanBatchSql } from '../../generator/synthesize-streams.sql.js';
import { deleteStoredSamples, dropBatch } from '../../ingest/streams.sql.js';
import { ddlFor, schemaMigrationsTable } from '../../clickhouse/migrate.js';
import { migrations } from '../../clickhouse/migrations/index.js';
import { databaseName } from '../../clickhouse/sql.js';
import { loadConfig } from '../../config/env.js';
import { freshDatabase, rows } from '../support/clickhouse.js';

const db = databaseName('athlete_fs');
const single = [
  `CREATE DATABASE IF NOT EXISTS ${db}`,
  schemaMigrationsTable(db),
  ...migrations.flatMap((m) => m.statements(db)),
];

async function parses(statement: string): Promise<string> {
  const ch = await freshDatabase({ migrated: false });
  const [row] = await rows<{ formatted: string }>(ch, 'SELECT formatQuery({statement:String}) AS formatted', {
    statement,
  });
  return row!.formatted;
}

describe('ClickHouse cluster mode', () => {
  it('leaves the single-node DDL unchanged', () => {
    expect(ddlFor({ db }, migrations, undefined)(single)).toEqual(single);
  });

  it('generates statements the engine parses: ON CLUSTER, Replicated engines, Distributed tables sharded by athlete', async () => {
    const clustered = ddlFor({ db }, migrations, 'fs_cluster')(single);
    expect(clustered.length).toBeGreaterThan(single.length);
    for (const statement of clustered) {
      const formatted = await parses(statement);
      expect(formatted, statement).toMatch(/ON CLUSTER fs_cluster/);
      // A column added by a later migration goes to the local and the Distributed table alike (ALTER … ON CLUSTER).
      expect(formatted, statement).toMatch(
        /^CREATE DATABASE|^ALTER TABLE \w+\.\w+ ON CLUSTER|ENGINE = Replicated\w*MergeTree\('\/clickhouse\/tables\/|ENGINE = Distributed\(fs_cluster/,
      );
    }
    const sharded = shardedTables(single);
    expect(sharded).toContain('athlete_rolling_features');
    expect(sharded).toContain('activity_streams');
    expect(sharded).not.toContain('pipeline_runs');
    expect(sharded).not.toContain('schema_migrations');
    const rolling = clustered.filter((s) =>
      /^CREATE TABLE IF NOT EXISTS athlete_fs\.athlete_rolling_features(_local)? /.test(s),
    );
    expect(rolling).toHaveLength(2);
    expect(rolling[0]).toMatch(
      /athlete_rolling_features_local ON CLUSTER fs_cluster .*ENGINE = ReplicatedReplacingMergeTree\('\/clickhouse\/tables\/\{shard\}\/athlete_fs\/athlete_rolling_features_local', '\{replica\}', version\)/s,
    );
    expect(rolling[1]).toBe(
      'CREATE TABLE IF NOT EXISTS athlete_fs.athlete_rolling_features ON CLUSTER fs_cluster AS athlete_fs.athlete_rolling_features_local ' +
        'ENGINE = Distributed(fs_cluster, athlete_fs, athlete_rolling_features_local, cityHash64(athlete_id))',
    );
    expect(clustered.find((s) => /pipeline_runs/.test(s))).toMatch(
      /\/clickhouse\/tables\/all\/athlete_fs\/pipeline_runs/,
    );
  });

  it('sends a column change to the local and the Distributed table', async () => {
    const sharded = new Set(['activities']);
    const statements = clusterStatements(
      `ALTER TABLE ${db}.activities ADD COLUMN IF NOT EXISTS note String`,
      'c1',
      sharded,
    );
    expect(statements).toEqual([
      'ALTER TABLE athlete_fs.activities_local ON CLUSTER c1 ADD COLUMN IF NOT EXISTS note String',
      'ALTER TABLE athlete_fs.activities ON CLUSTER c1 ADD COLUMN IF NOT EXISTS note String',
    ]);
    for (const statement of statements) expect(await parses(statement)).toMatch(/ON CLUSTER c1/);
    expect(() => clusterStatements(`CREATE VIEW ${db}.v AS SELECT 1`, 'c1', sharded)).toThrow(/cannot rewrite/);
  });

  it('is configured by CLICKHOUSE_CLUSTER, for a server only', () => {
    expect(loadConfig({ CLICKHOUSE_URL: 'http://h:8123', CLICKHOUSE_CLUSTER: 'fs_cluster' }).clickhouse).toMatchObject({
      cluster: 'fs_cluster',
    });
    expect(() => loadConfig({ CLICKHOUSE_CLUSTER: 'fs_cluster' })).toThrow(/needs a ClickHouse server/);
    expect(() => loadConfig({ CLICKHOUSE_URL: 'http://h:8123', CLICKHOUSE_CLUSTER: 'a;b' })).toThrow(
      /CLICKHOUSE_CLUSTER "a;b"/,
    );
  });
});

describe('cluster mode DML', () => {
  it('sends the DELETE and DROP PARTITION a Distributed table refuses to the local tables ON CLUSTER; the engine parses them', async () => {
    const sharded = shardedTables(single);
    const original = [
      ...deleteStaleRows(db),
      deleteStoredSamples(db),
      dropBatch(db, 'stream_changes'),
      dropPlanBatchSql(db),
    ];
    for (const statement of original) {
      const rewritten = clusterDml(statement, 'fs_cluster', sharded);
      expect(rewritten, statement).toMatch(
        /^\s*(DELETE FROM|ALTER TABLE) athlete_fs\.\w+_local ON CLUSTER fs_cluster\s/,
      );
      expect(await parses(rewritten)).toMatch(/_local ON CLUSTER fs_cluster/);
    }
    // An unsharded table (a full copy on every node, replicated) and reads stay as written.
    expect(clusterDml(dropBatch(db, 'stream_staging'), 'fs_cluster', sharded)).toBe(dropBatch(db, 'stream_staging'));
    const read = `SELECT * FROM ${db}.activities FINAL`;
    expect(clusterDml(read, 'fs_cluster', sharded)).toBe(read);
  });
});
