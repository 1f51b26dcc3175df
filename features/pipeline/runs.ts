import type { ClickHouse } from '../../clickhouse/client.js';
import { updateRun } from './runs.sql.js';

export type RunStatus = 'succeeded' | 'failed';

export async function recordRunOutcome(
  ch: ClickHouse,
  runId: string,
  outcome: { status: RunStatus; summary?: unknown; checks?: unknown; error?: string },
): Promise<void> {
  await ch.client.command({
    query: updateRun(ch.db),
    query_params: {
      runId,
      status: outcome.status,
      summary: JSON.stringify(outcome.summary ?? {}),
      checks: JSON.stringify(outcome.checks ?? []),
      error: outcome.error ?? '',
    },
  });
}
