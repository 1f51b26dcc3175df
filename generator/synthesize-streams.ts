import type { ClickHouse } from '../clickhouse/client.js';
import { dropPlanBatchSql, streamRowCount, synthesizeStreamsSql } from './synthesize-streams.sql.js';
import type { StreamPlan } from './types.js';

/** Stores the plans of one batch (its own partition of generator_stream_plans). */
export async function insertStreamPlans(ch: ClickHouse, batchId: string, plans: StreamPlan[]): Promise<void> {
  if (plans.length === 0) return;
  await ch.client.insert({
    table: `${ch.db}.generator_stream_plans`,
    values: plans.map((plan) => ({ batch_id: batchId, ...plan })),
    format: 'JSONEachRow',
  });
}

/**
 * Writes the batch's 1 Hz samples into stream_staging (same batch_id) with one INSERT … SELECT,
 * then drops the batch's plans. Returns the number of samples written.
 */
export async function synthesizeStreams(ch: ClickHouse, batchId: string): Promise<number> {
  const query_params = { batch_id: batchId };
  const counted = await ch.client.query({ query: streamRowCount(ch.db), query_params, format: 'JSONEachRow' });
  const [{ samples } = { samples: '0' }] = await counted.json<{ samples: string }>();
  await ch.client.command({ query: synthesizeStreamsSql(ch.db), query_params });
  await ch.client.command({ query: dropPlanBatchSql(ch.db), query_params });
  return Number(samples);
}
