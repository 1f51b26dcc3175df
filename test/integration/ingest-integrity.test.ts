/**
 * Ingestion never loses valid data to a neighbour's bad value and never lets two sources overwrite each
 * other's quarantine rows (issue 6, items 2 and 10). Real embedded engine.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../clickhouse/client.js';
import { ingestFile, promoteStreamUpload, stageStreamFile } from '../../ingest/ingest-file.js';
import { totalRejected, type IngestOutcome } from '../../ingest/outcome.js';
import { planIngest } from '../../ingest/classify-files.js';
import { ingestSyntheticSlice } from '../../ingest/synthetic.js';
import { freshDatabase, rows } from '../support/clickhouse.js';
import { ndjson, writeFiles } from '../support/files.js';

const NOW = new Date('2025-06-01T00:00:00Z');

async function ingestPaths(ch: ClickHouse, paths: string[], run: string): Promise<IngestOutcome[]> {
  const outcomes: IngestOutcome[] = [];
  for (const [i, file] of planIngest(paths).entries()) {
    outcomes.push(await ingestFile(ch, file, { batchId: `${run}-${i}`, now: NOW, onProgress: () => {} }));
  }
  return outcomes;
}

const athlete = { athlete_id: 'a1', name: 'Ann', sex: 'F', birth_year: 1990, time_zone: 'UTC' };
const activity = (id: string) => ({
  activity_id: id,
  athlete_id: 'a1',
  sport: 'ride',
  start_time_utc: '2025-05-01 06:00:00',
  distance_m: 30000,
  moving_time_s: 3600,
  elapsed_time_s: 3700,
  elevation_gain_m: 300,
  device: 'edge',
});

const storedRejects = (ch: ClickHouse) =>
  rows<{ source: string; locator: string; reason_code: string; detail: string }>(
    ch,
    `SELECT source, locator, reason_code, detail FROM ${ch.db}.ingest_rejects FINAL ORDER BY source, locator`,
  );

describe('a row the engine refuses', () => {
  it('is quarantined alone (invalid_value, the engine message as detail); the rest of its batch is stored', async () => {
    const ch = await freshDatabase();
    // Makes the real engine refuse specific rows, whatever the validators let through.
    await ch.client.command({
      query: `ALTER TABLE ${ch.db}.activities ADD CONSTRAINT poison CHECK NOT startsWith(activity_id, 'poison')`,
    });
    const ids = Array.from({ length: 40 }, (_, i) => (i === 7 || i === 31 ? `poison-${i}` : `ok-${i}`));
    const dir = writeFiles({ 'athletes.ndjson': ndjson([athlete]), 'activities.ndjson': ndjson(ids.map(activity)) });

    const [, activities] = await ingestPaths(ch, [dir], 'first');
    expect(activities).toMatchObject({ records: 40, inserted: 38, rejected: { invalid_value: 2 } });
    const stored = await rows<{ activity_id: string }>(
      ch,
      `SELECT activity_id FROM ${ch.db}.activities FINAL ORDER BY activity_id`,
    );
    expect(stored.map((r) => r.activity_id)).toEqual(ids.filter((id) => id.startsWith('ok')).sort());
    const rejects = await storedRejects(ch);
    expect(rejects.map((r) => [r.locator, r.reason_code])).toEqual([
      ['line 32', 'invalid_value'],
      ['line 8', 'invalid_value'],
    ]);
    expect(rejects[0]!.detail).toMatch(/ClickHouse refused the record: .*poison/);

    // The refused rows were not stored: a re-run refuses them again and stores nothing twice.
    const [, again] = await ingestPaths(ch, [dir], 'second');
    expect(again).toMatchObject({ inserted: 0, unchanged: 38, rejected: { invalid_value: 2 } });
  });

  it('a failure that is not about the data fails the file instead of quarantining valid records', async () => {
    const ch = await freshDatabase();
    const dir = writeFiles({ 'athletes.ndjson': ndjson([athlete]), 'activities.ndjson': ndjson([activity('ok-1')]) });
    await ingestPaths(ch, [path.join(dir, 'athletes.ndjson')], 'first');
    await ch.client.command({ query: `DROP TABLE ${ch.db}.activities` });
    await expect(ingestPaths(ch, [path.join(dir, 'activities.ndjson')], 'second')).rejects.toThrow(/activities/);
    expect(await storedRejects(ch)).toEqual([]);
  });
});

describe('reject keys', () => {
  it('two files of the same name in different folders keep their own rejects', async () => {
    const ch = await freshDatabase();
    const dir = writeFiles({
      'athletes.ndjson': ndjson([athlete]),
      'spring/activities.ndjson': ndjson([{ ...activity('s1'), sport: 'kayak' }]),
      'autumn/activities.ndjson': ndjson([{ ...activity('a1'), sport: 'canoe' }]),
    });
    const outcomes = await ingestPaths(ch, [dir], 'first');
    expect(outcomes.reduce((n, o) => n + totalRejected(o), 0)).toBe(2);
    expect(await storedRejects(ch)).toMatchObject([
      { source: path.join(dir, 'autumn', 'activities.ndjson'), locator: 'line 1', reason_code: 'unknown_sport' },
      { source: path.join(dir, 'spring', 'activities.ndjson'), locator: 'line 1', reason_code: 'unknown_sport' },
    ]);
  });

  it('a synthetic population stores every reject it reports; generated samples are located by activity', async () => {
    const ch = await freshDatabase();
    const options = { seed: 5, athletes: 4, days: 40, streamShare: 1, dirtyShare: 0.2, endDate: '2025-05-30' };
    const outcomes = [];
    for (const [from, to] of [
      [0, 2],
      [2, 4],
    ] as const) {
      outcomes.push(await ingestSyntheticSlice(ch, { options, from, to, batchId: `slice${from}` }, NOW, () => {}));
    }
    const reported = outcomes.reduce((n, o) => n + totalRejected(o), 0);
    const rejects = await storedRejects(ch);
    expect(reported).toBeGreaterThan(20);
    expect(rejects).toHaveLength(reported);
    const samples = rejects.filter((r) => r.detail.startsWith('sample '));
    expect(samples.length).toBeGreaterThan(10);
    for (const r of samples)
      expect(r.locator).toMatch(new RegExp(`^activity ${/of activity (\S+)$/.exec(r.detail)![1]} sample \\d+$`));
  });
});

describe('the stream files of one upload', () => {
  it('are read one after the other in plan order: a sample earlier than one in a previous file is out of order', async () => {
    const ch = await freshDatabase();
    const header = 'activity_id,t_s,hr_bpm,power_w,speed_mps,altitude_m,cadence,distance_m';
    const lines = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => `r1,${from + i},130,200,8,100,90,${(from + i) * 8}`);
    const dir = writeFiles({
      'athletes.ndjson': ndjson([athlete]),
      'activities.ndjson': ndjson([activity('r1')]),
      'streams-a.csv': [header, ...lines(100, 110)].join('\n'),
      // lines 2-3: t = 105, 106, earlier than file a's last sample; line 4: t = 109 again, the later of two at one
      // second (file a's line 11 is the earlier); lines 5-9: t = 110..114
      'streams-b.csv': [header, ...lines(105, 107), 'r1,109,131,201,8,100,90,872', ...lines(110, 115)].join('\n'),
    });
    const files = planIngest([dir]);
    for (const [i, file] of files.filter((f) => f.kind !== 'streams').entries())
      await ingestFile(ch, file, { batchId: `s${i}`, now: NOW, onProgress: () => {} });
    const streamFiles = files.filter((f) => f.kind === 'streams');
    const staged = [];
    for (const [i, file] of streamFiles.entries())
      staged.push(await stageStreamFile(ch, file, i, { batchId: `f${i}`, now: NOW, onProgress: () => {} }));
    const outcomes = await promoteStreamUpload(ch, staged, { batchId: 'upload' });

    expect(outcomes.map((o) => [o.inserted, o.rejected])).toEqual([
      [9, { duplicate_sample_time: 1 }],
      [6, { non_increasing_stream_time: 2 }],
    ]);
    const rejects = await rows<{ source: string; locator: string; reason_code: string }>(
      ch,
      `SELECT source, locator, reason_code FROM ${ch.db}.ingest_rejects FINAL ORDER BY source, locator`,
    );
    expect(rejects).toEqual([
      { source: streamFiles[0]!.path, locator: 'line 11', reason_code: 'duplicate_sample_time' },
      { source: streamFiles[1]!.path, locator: 'line 2', reason_code: 'non_increasing_stream_time' },
      { source: streamFiles[1]!.path, locator: 'line 3', reason_code: 'non_increasing_stream_time' },
    ]);
    const [stored] = await rows<{ n: number; first: number; last: number; hr: number }>(
      ch,
      `SELECT toUInt32(count()) AS n, min(t_s) AS first, max(t_s) AS last, anyIf(hr_bpm, t_s = 109) AS hr FROM ${ch.db}.activity_streams`,
    );
    expect(stored).toEqual({ n: 15, first: 100, last: 114, hr: 131 });
  });
});
