import type { ClickHouse } from '../clickhouse/client.js';
import { dropPlanBatchSql } from '../generator/synthesize-streams.sql.js';
import * as sql from './generated-streams.sql.js';
import { checkBatchId, promoteSamples, type StreamOutcome } from './streams.js';

/**
 * Checks and stores the samples of a batch of generator plans (generator_stream_plans) with the same
 * promotion as uploaded samples (idempotent, crash-safe, under the write lock), synthesizing them where
 * they are read instead of staging them (generated-streams.sql.ts says why that is the same). Rejects are
 * located by activity and second. Drops the batch's plans once done.
 */
export async function promoteGeneratedSamples(
  ch: ClickHouse,
  batch: { planBatchId: string; source: string; changesId: string },
): Promise<StreamOutcome> {
  const planBatchId = checkBatchId(batch.planBatchId);
  const [outcome] = await promoteSamples(
    ch,
    { sources: [batch.source], changesId: batch.changesId, locatorPrefix: '' },
    {
      params: { batch_id: planBatchId },
      summarize: sql.summarizeGeneratedSamples(ch.db),
      insertValid: sql.insertGeneratedSamples(ch.db),
      cleanup: async () => {
        await ch.client.command({ query: dropPlanBatchSql(ch.db), query_params: { batch_id: planBatchId } });
      },
    },
  );
  return outcome!;
}
