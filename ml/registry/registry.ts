import { createHash } from 'node:crypto';
import type { ClickHouse } from '../../clickhouse/client.js';
import {
  aliasHistory,
  insertAliasChange,
  insertRun,
  insertVersion,
  nextVersion,
  versionList,
  versionOfRun,
  versionOnnx,
  versionRow,
} from './registry.sql.js';

export const CHAMPION = 'champion';

/** What a model version takes: the input tensor and the features in column order. */
export interface InputSchema {
  inputName: string;
  featureNames: string[];
  featureDefinitions: string[];
  featureSet: string;
}

export interface ModelVersion {
  version: number;
  sha256: string;
  inputSchema: InputSchema;
  metrics: unknown;
  runId: string;
  trainingSetId: string;
  createdAt: string;
}

export interface AliasChange {
  changeId: string;
  fromVersion: number;
  toVersion: number;
  action: 'promote' | 'rollback';
  changedBy: string;
  reason: string;
  changedAt: string;
}

async function query<T>(ch: ClickHouse, sql: string, query_params: Record<string, unknown>): Promise<T[]> {
  return (await ch.client.query({ query: sql, query_params, format: 'JSONEachRow' })).json<T>();
}

/**
 * Stores the ONNX bytes as the next version of `model`. Idempotent per training run: a retried register
 * returns the version the run already has. (Two runs registering at the same instant could race for a
 * number; runs of one model are started by one schedule or person, so this is not guarded further.)
 */
export async function registerVersion(
  ch: ClickHouse,
  v: {
    model: string;
    onnx: Uint8Array;
    inputSchema: InputSchema;
    metrics: unknown;
    runId: string;
    trainingSetId: string;
  },
): Promise<number> {
  const [existing] = await query<{ version: number }>(ch, versionOfRun(ch.db), { model: v.model, runId: v.runId });
  if (existing) return Number(existing.version);
  const [next] = await query<{ version: number }>(ch, nextVersion(ch.db), { model: v.model });
  const version = Number(next?.version ?? 1);
  await ch.client.command({
    query: insertVersion(ch.db),
    query_params: {
      model: v.model,
      version,
      onnx: Buffer.from(v.onnx).toString('base64'),
      sha256: createHash('sha256').update(v.onnx).digest('hex'),
      schema: JSON.stringify(v.inputSchema),
      metrics: JSON.stringify(v.metrics),
      runId: v.runId,
      trainingSetId: v.trainingSetId,
    },
  });
  return version;
}

interface VersionRow {
  version: number;
  sha256: string;
  input_schema: string;
  metrics: string;
  run_id: string;
  training_set_id: string;
  created_at: string;
}

const toModelVersion = (row: VersionRow): ModelVersion => ({
  version: Number(row.version),
  sha256: row.sha256,
  inputSchema: JSON.parse(row.input_schema),
  metrics: JSON.parse(row.metrics),
  runId: row.run_id,
  trainingSetId: row.training_set_id,
  createdAt: row.created_at,
});

export async function readVersion(ch: ClickHouse, model: string, version: number): Promise<ModelVersion | undefined> {
  const [row] = await query<VersionRow>(ch, versionRow(ch.db), { model, version });
  return row && toModelVersion(row);
}

/** Every registered version of `model` (metadata, not the ONNX bytes), oldest first. */
export async function listVersions(ch: ClickHouse, model: string): Promise<ModelVersion[]> {
  return (await query<VersionRow>(ch, versionList(ch.db), { model })).map(toModelVersion);
}

/** The ONNX bytes of a version, checked against their recorded sha256. */
export async function readOnnx(ch: ClickHouse, model: string, version: number): Promise<Uint8Array> {
  const [row] = await query<{ onnx: string; sha256: string }>(ch, versionOnnx(ch.db), { model, version });
  if (!row) throw new Error(`${model} v${version} is not registered`);
  const bytes = Buffer.from(row.onnx, 'base64');
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== row.sha256)
    throw new Error(`${model} v${version}: stored ONNX bytes do not match their sha256 (${digest} ≠ ${row.sha256})`);
  return new Uint8Array(bytes);
}

export async function aliasChanges(ch: ClickHouse, model: string, alias = CHAMPION): Promise<AliasChange[]> {
  const rows = await query<{
    change_id: string;
    from_version: number;
    to_version: number;
    action: AliasChange['action'];
    changed_by: string;
    reason: string;
    changed_at: string;
  }>(ch, aliasHistory(ch.db), { model, alias });
  return rows.map((r) => ({
    changeId: r.change_id,
    fromVersion: Number(r.from_version),
    toVersion: Number(r.to_version),
    action: r.action,
    changedBy: r.changed_by,
    reason: r.reason,
    changedAt: r.changed_at,
  }));
}

/** The version the alias points at now (undefined when never set). */
export async function currentAlias(ch: ClickHouse, model: string, alias = CHAMPION): Promise<number | undefined> {
  const last = (await aliasChanges(ch, model, alias)).at(-1);
  return last && last.toVersion > 0 ? last.toVersion : undefined;
}

/**
 * Points the alias at `toVersion` and records the change (from which version, by whom, why). Idempotent per
 * `changeId`: a retried change returns the recorded one instead of writing a second.
 */
export async function changeAlias(
  ch: ClickHouse,
  c: {
    model: string;
    alias?: string;
    changeId: string;
    toVersion: number;
    action: AliasChange['action'];
    changedBy: string;
    reason: string;
  },
): Promise<AliasChange> {
  const alias = c.alias ?? CHAMPION;
  const history = await aliasChanges(ch, c.model, alias);
  const recorded = history.find((h) => h.changeId === c.changeId);
  if (recorded) return recorded;
  const from = history.at(-1)?.toVersion ?? 0;
  await ch.client.command({
    query: insertAliasChange(ch.db),
    query_params: {
      model: c.model,
      alias,
      changeId: c.changeId,
      from,
      to: c.toVersion,
      action: c.action,
      changedBy: c.changedBy,
      reason: c.reason,
    },
  });
  return (await aliasChanges(ch, c.model, alias)).find((h) => h.changeId === c.changeId)!;
}

export interface MlRunRecord {
  runId: string;
  model: string;
  status: 'running' | 'succeeded' | 'failed';
  params: unknown;
  metrics: unknown;
  trainingSetId: string;
  featureSet: string;
  features: string[];
  featureRunId: string;
  featureWatermark: string;
  gitCommit: string;
  stepSeconds: Record<string, number>;
  modelVersion: number;
  promoted: boolean;
  error: string;
  startedAt: string;
}

/** Writes the run's current state (the newest write per run id wins). */
export async function recordMlRun(ch: ClickHouse, r: MlRunRecord): Promise<void> {
  await ch.client.command({
    query: insertRun(ch.db),
    query_params: {
      runId: r.runId,
      model: r.model,
      status: r.status,
      params: JSON.stringify(r.params),
      metrics: JSON.stringify(r.metrics),
      trainingSetId: r.trainingSetId,
      featureSet: r.featureSet,
      features: r.features,
      featureRunId: r.featureRunId,
      featureWatermark: r.featureWatermark,
      gitCommit: r.gitCommit,
      stepSeconds: JSON.stringify(r.stepSeconds),
      modelVersion: r.modelVersion,
      promoted: r.promoted ? 1 : 0,
      error: r.error,
      startedAt: r.startedAt,
    },
  });
}
