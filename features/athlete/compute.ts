import type { ClickHouse } from '../../clickhouse/client.js';
import type { Database } from '../../clickhouse/sql.js';
import { dailyFeaturesSql, dailyRowsWrittenSql, dailyStartsSql, dailyStateSql } from './daily.sql.js';
import { rollingFeaturesSql, rollingRowsWrittenSql, rollingStartsSql, rollingStateSql } from './rolling.sql.js';
import { weeklyFeaturesSql, weeklyRowsWrittenSql, weeklyStartsSql, weeklyStateSql } from './weekly.sql.js';
import { athletesWithStaleRows, deleteStaleRows } from './prune.sql.js';
import { narrowStateSql, startsWrittenSql, type AthleteStep } from './state.sql.js';

/** One step of one run for one bucket of athletes (the athletes are listed in feature_scope). */
export interface AthleteStepInput {
  runId: string;
  /** The run's version (UInt64); rows written carry it. */
  version: number | bigint;
  bucket: number;
  /** 'YYYY-MM-DD': the last day of the date spine. */
  asOf: string;
}

type SqlBuilder = (db: Database) => string;

/**
 * Daily rows on the date spine for the scoped athletes, from their from_date (or from where the stored
 * spine needs it) to asOf. Reads activity_features. Returns the number of (athlete, date) rows written.
 */
export async function computeDailyFeatures(ch: ClickHouse, input: AthleteStepInput): Promise<number> {
  await writeStarts(ch, input, DAILY);
  await pruneStaleRows(ch, input);
  return runStep(ch, input, DAILY);
}

/**
 * Deletes rows of the scoped athletes outside their spine: before its start (a moved or deleted first
 * activity) or after asOf (an earlier run had a later asOf). Looked up first, so an ordinary run issues no
 * mutation.
 */
async function pruneStaleRows(ch: ClickHouse, input: AthleteStepInput): Promise<void> {
  const params = stepParams(input);
  const result = await ch.client.query({
    query: athletesWithStaleRows(ch.db),
    query_params: params,
    format: 'JSONEachRow',
  });
  const stale = await result.json<{ athlete_id: string; first_date: string }>();
  if (stale.length === 0) return;
  const deleteParams = {
    ids: stale.map((s) => s.athlete_id),
    firsts: stale.map((s) => s.first_date),
    asOf: input.asOf,
  };
  // The spans first: a run that fails between the deletes must not leave a span claiming deleted rows.
  await ch.client.command({ query: narrowStateSql(ch.db), query_params: { ...params, ...deleteParams } });
  for (const query of deleteStaleRows(ch.db)) await ch.client.command({ query, query_params: deleteParams });
}

/** Rolling rows (CTL, ATL, TSB, ACWR, monotony, volumes, ...). Reads athlete_daily_features: run daily first. */
export async function computeRollingFeatures(ch: ClickHouse, input: AthleteStepInput): Promise<number> {
  await writeStarts(ch, input, ROLLING);
  return runStep(ch, input, ROLLING);
}

/** Monday-based weekly rows. Reads athlete_daily_features (run daily first) and activity_features. */
export async function computeWeeklyFeatures(ch: ClickHouse, input: AthleteStepInput): Promise<number> {
  await writeStarts(ch, input, WEEKLY);
  return runStep(ch, input, WEEKLY);
}

/**
 * A step's statements: where each athlete starts (from the state), its insert, the state row it leaves per
 * athlete (after the insert), its count.
 */
interface StepSql {
  step: AthleteStep;
  starts: SqlBuilder;
  write: SqlBuilder;
  state: SqlBuilder;
  countWritten: SqlBuilder;
}

const DAILY: StepSql = {
  step: 'daily',
  starts: dailyStartsSql,
  write: dailyFeaturesSql,
  state: dailyStateSql,
  countWritten: dailyRowsWrittenSql,
};
const ROLLING: StepSql = {
  step: 'rolling',
  starts: rollingStartsSql,
  write: rollingFeaturesSql,
  state: rollingStateSql,
  countWritten: rollingRowsWrittenSql,
};
const WEEKLY: StepSql = {
  step: 'weekly',
  starts: weeklyStartsSql,
  write: weeklyFeaturesSql,
  state: weeklyStateSql,
  countWritten: weeklyRowsWrittenSql,
};

/**
 * Where each athlete starts, written once per run, bucket and step: a retry reuses its first attempt's starts, so it
 * writes the very rows that attempt wrote even after the state moved on (the attempt's own state row, or a merge of
 * the state table that dropped the row it read). One INSERT of one block: written whole or not at all.
 */
async function writeStarts(ch: ClickHouse, input: AthleteStepInput, sql: StepSql): Promise<void> {
  const params = { ...stepParams(input), step: sql.step };
  const result = await ch.client.query({ query: startsWrittenSql(ch.db), query_params: params, format: 'JSONEachRow' });
  const [written] = await result.json<{ n: string | number }>();
  if (Number(written?.n ?? 0) > 0) return;
  await ch.client.command({ query: sql.starts(ch.db), query_params: params });
}

async function runStep(ch: ClickHouse, input: AthleteStepInput, sql: StepSql): Promise<number> {
  const params = stepParams(input);
  await ch.client.command({ query: sql.write(ch.db), query_params: params });
  await ch.client.command({ query: sql.state(ch.db), query_params: params });
  const result = await ch.client.query({ query: sql.countWritten(ch.db), query_params: params, format: 'JSONEachRow' });
  const [row] = await result.json<{ n: string | number }>();
  return Number(row?.n ?? 0);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function stepParams(input: AthleteStepInput): Record<string, string | number> {
  if (!ISO_DATE.test(input.asOf)) throw new Error(`asOf must be 'YYYY-MM-DD', got "${input.asOf}"`);
  if (!Number.isInteger(input.bucket) || input.bucket < 0 || input.bucket > 65_535) {
    throw new Error(`bucket must be a UInt16, got ${input.bucket}`);
  }
  const version = BigInt(input.version);
  if (version < 0n || version >= 2n ** 64n) throw new Error(`version must be a UInt64, got ${input.version}`);
  return { runId: input.runId, bucket: input.bucket, version: version.toString(), asOf: input.asOf };
}
