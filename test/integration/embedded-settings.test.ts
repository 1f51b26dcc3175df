import { describe, expect, it } from 'vitest';
import { freshDatabase, rows } from '../support/clickhouse.js';
import type { ClickHouse } from '../../clickhouse/client.js';
import { ACTIVITY_STEP_SETTINGS, computeActivityFeatures } from '../../features/activity/compute.js';

/**
 * The embedded engine runs every query in one session, and chdb applies a query's `clickhouse_settings` as
 * session `SET`s: without isolation they stayed set for every later query of the process (issue 11).
 */
async function setting(ch: ClickHouse, name: string): Promise<string> {
  const [row] = await rows<{ v: string }>(ch, 'SELECT toString(getSetting({name:String})) AS v', { name });
  return row!.v;
}

const SPILL = 'max_bytes_before_external_group_by';

describe('settings passed with one query on the embedded engine', () => {
  it('apply to that query and are gone for the next one (query, command, exec, insert)', async () => {
    const ch = await freshDatabase({ migrated: false });
    const before = await setting(ch, SPILL);
    const settings = { [SPILL]: '123456789' };

    const during = await ch.client.query({
      query: `SELECT toString(getSetting('${SPILL}')) AS v`,
      format: 'JSONEachRow',
      clickhouse_settings: settings,
    });
    expect(await during.json()).toEqual([{ v: '123456789' }]);
    expect(await setting(ch, SPILL)).toBe(before);

    await ch.client.command({ query: `CREATE DATABASE IF NOT EXISTS ${ch.db}`, clickhouse_settings: settings });
    expect(await setting(ch, SPILL)).toBe(before);
    await ch.client.command({
      query: `CREATE TABLE ${ch.db}.t (v String) ENGINE = Memory`,
      clickhouse_settings: { max_block_size: '1000' },
    });
    await (await ch.client.exec({ query: `SELECT 1`, clickhouse_settings: settings })).stream.destroy();
    expect(await setting(ch, SPILL)).toBe(before);
    await ch.client.insert({
      table: `${ch.db}.t`,
      values: [{ v: 'a' }],
      format: 'JSONEachRow',
      clickhouse_settings: settings,
    });
    expect(await setting(ch, SPILL)).toBe(before);
    expect(await setting(ch, 'max_block_size')).not.toBe('1000');
  });

  it('restore a value the session had set before, and restore it after a failed query too', async () => {
    const ch = await freshDatabase({ migrated: false });
    await ch.client.command({ query: `SET ${SPILL} = 1000000` });
    try {
      await ch.client.query({ query: 'SELECT 1', format: 'JSONEachRow', clickhouse_settings: { [SPILL]: '2000000' } });
      expect(await setting(ch, SPILL)).toBe('1000000');
      await expect(
        ch.client.query({
          query: 'SELECT no_such_column',
          format: 'JSONEachRow',
          clickhouse_settings: { [SPILL]: '3000000' },
        }),
      ).rejects.toThrow(/no_such_column/);
      expect(await setting(ch, SPILL)).toBe('1000000');
    } finally {
      await ch.client.command({ query: `SET ${SPILL} = DEFAULT` });
    }
  });

  it('do not reach a query running at the same time without them', async () => {
    const ch = await freshDatabase({ migrated: false });
    const before = await setting(ch, SPILL);
    const [withSettings, ...others] = await Promise.all([
      ch.client
        .query({
          query: `SELECT toString(getSetting('${SPILL}')) AS v FROM numbers(3000000) WHERE sleepEachRow(0) = 0 LIMIT 1`,
          format: 'JSONEachRow',
          clickhouse_settings: { [SPILL]: '987654321' },
        })
        .then((r) => r.json<{ v: string }>()),
      setting(ch, SPILL),
      setting(ch, SPILL),
      setting(ch, SPILL),
    ]);
    expect(withSettings).toEqual([{ v: '987654321' }]);
    expect(others).toEqual([before, before, before]);
  });
});

describe('the activity step', () => {
  it('leaves none of its engine settings behind for the next query of the worker', async () => {
    const ch = await freshDatabase();
    const names = Object.keys(ACTIVITY_STEP_SETTINGS);
    const before = await Promise.all(names.map((name) => setting(ch, name)));
    expect(before).not.toEqual(Object.values(ACTIVITY_STEP_SETTINGS));
    await computeActivityFeatures(ch, { runId: 'settings-test', version: 1, bucket: 0 });
    expect(await Promise.all(names.map((name) => setting(ch, name)))).toEqual(before);
  });
});

describe('the isolated embedded connection', () => {
  it('passes the calls it does not wrap (ping) to chdb unchanged', async () => {
    const ch = await freshDatabase({ migrated: false });
    expect(await ch.client.ping()).toEqual({ success: true });
  });
});
