import { describe, expect, it } from 'vitest';
import { killPredecessors, stepQueryPrefix, withQueryIds } from '../../clickhouse/query-ids.js';
import { freshDatabase } from '../support/clickhouse.js';

describe('query ids of a feature step', () => {
  // The embedded engine has no server-side query ids (chdb only echoes the client's): a server receives them as the
  // HTTP query_id, which is what the client reports back here.
  it('every statement carries <run>-<step>-b<bucket>-a<attempt>-<n>', async () => {
    const ch = await freshDatabase({ migrated: false });
    const prefix = `${stepQueryPrefix('0193a1b2-run', 'daily', 3)}-a2`;
    expect(prefix).toBe('0193a1b2-run-daily-b3-a2');
    const step = withQueryIds(ch, prefix);
    const ids = [
      (await step.client.command({ query: `CREATE DATABASE IF NOT EXISTS ${ch.db}` })).query_id,
      (await step.client.query({ query: 'SELECT 1', format: 'JSONEachRow' })).query_id,
      (await step.client.exec({ query: 'SELECT 2' })).query_id,
    ];
    expect(ids).toEqual([`${prefix}-1`, `${prefix}-2`, `${prefix}-3`]);
    expect((await step.client.command({ query: 'SELECT 3', query_id: 'chosen' })).query_id).toBe('chosen');
    // The handle it wraps is untouched.
    expect((await ch.client.command({ query: 'SELECT 4' })).query_id).not.toMatch(/^0193a1b2/);
  });

  it('killing a predecessor is a valid statement (a no-op when nothing of it runs)', async () => {
    const ch = await freshDatabase({ migrated: false });
    await expect(killPredecessors(ch, 'run-activity-b0', 'run-activity-b0-a2')).resolves.toBeUndefined();
  });
});
