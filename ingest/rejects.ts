import type { ClickHouse } from '../clickhouse/client.js';
import { formatUtcMillis } from './fields.js';
import type { RejectReason } from '../shared/records.js';

export interface Rejected {
  locator: string;
  reason: RejectReason;
  detail: string;
  text: string;
}

/** Quarantines records with their raw payload; keyed by (source, locator, reason), so a re-run adds no rows. */
export async function writeRejects(ch: ClickHouse, source: string, rejects: Rejected[]): Promise<void> {
  if (rejects.length === 0) return;
  const rejectedAt = formatUtcMillis(new Date());
  await ch.client.insert({
    table: `${ch.db}.ingest_rejects`,
    values: rejects.map((r) => ({
      source,
      locator: r.locator,
      reason_code: r.reason,
      detail: r.detail,
      raw_payload: r.text,
      rejected_at: rejectedAt,
    })),
    format: 'JSONEachRow',
  });
}
