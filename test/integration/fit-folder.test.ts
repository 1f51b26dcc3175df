import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../clickhouse/client.js';
import { planIngest } from '../../ingest/classify-files.js';
import { ingestFitFiles } from '../../ingest/fit-folder.js';
import { ingestFile } from '../../ingest/ingest-file.js';
import { freshDatabase } from '../support/clickhouse.js';
import { writeFiles } from '../support/files.js';
import { encodeFitActivity, type FitActivitySpec } from '../support/fit-file.js';
import { ingestTableFingerprints } from '../support/ingest-tables.js';

/**
 * The FIT folder ingest (concurrent decode, batched uploads) against ingestFile on each file in order: the
 * same tables, row for row, and the same outcomes, for a folder with good files, an implausible sample,
 * a corrupt file, a file that is not FIT at all, and (in the second case) one activity exported twice
 * with different content (the batch falls back to file by file).
 */
const spec = (i: number, over: Partial<FitActivitySpec> = {}): FitActivitySpec => ({
  sport: i % 2 ? 'running' : 'cycling',
  start: new Date(Date.UTC(2025, 2, 1 + i, 7)),
  seconds: 300 + 37 * i,
  utcOffsetMin: 60,
  serialNumber: 1000 + i,
  heartRate: (t) => 120 + (t % 20),
  power: i % 2 ? undefined : (t) => 180 + (t % 40),
  speed: (t) => 5 + (t % 3),
  altitude: (t) => 100 + t / 10,
  ...over,
});

function folder(withRepeat: boolean): Record<string, Uint8Array | string> {
  const files: Record<string, Uint8Array | string> = {};
  for (let i = 0; i < 7; i += 1) files[`a-${i}.fit`] = encodeFitActivity(spec(i));
  files['b-spike.fit'] = encodeFitActivity(spec(9, { heartRate: (t) => (t === 30 ? 251 : 130) }));
  const good = encodeFitActivity(spec(10));
  files['c-corrupt.fit'] = good.slice(0, good.length - 40);
  files['d-not-fit.fit'] = 'hello, not a FIT file';
  if (withRepeat) files['e-again.fit'] = encodeFitActivity(spec(3, { heartRate: (t) => 140 + (t % 5) }));
  return files;
}

async function withAthlete(ch: ClickHouse): Promise<ClickHouse> {
  await ch.client.insert({
    table: `${ch.db}.athletes`,
    values: [{ athlete_id: 'f1', name: 'F', sex: 'F', birth_year: 1990, time_zone: 'Europe/Paris' }],
    format: 'JSONEachRow',
  });
  return ch;
}

async function both(files: Record<string, Uint8Array | string>) {
  const dir = writeFiles(files);
  const plan = planIngest([dir], 'f1');
  const options = { batchId: 'fit', now: new Date(), onProgress: () => {}, athleteId: 'f1' };
  const sequential = await withAthlete(await freshDatabase());
  const seqOutcomes = [];
  for (const [i, file] of plan.entries())
    seqOutcomes.push(await ingestFile(sequential, file, { ...options, batchId: `s${i}` }));
  const folderDb = await withAthlete(await freshDatabase());
  const folderOutcomes = await ingestFitFiles(folderDb, plan, { ...options, threads: 2 });
  fs.rmSync(dir, { recursive: true });
  return { sequential, seqOutcomes, folderDb, folderOutcomes };
}

describe('a folder of FIT files', () => {
  it.each([false, true])(
    'stores what ingestFile file by file stores (an activity exported twice: %s)',
    async (repeat) => {
      const { sequential, seqOutcomes, folderDb, folderOutcomes } = await both(folder(repeat));
      expect(folderOutcomes).toEqual(seqOutcomes);
      const tables = await ingestTableFingerprints(folderDb);
      expect(tables).toEqual(await ingestTableFingerprints(sequential));
      expect(tables.activity_streams.rows).toBeGreaterThan(2_000);
      expect(tables.ingest_rejects.rows).toBeGreaterThanOrEqual(3);
    },
  );
});

describe('a retried FIT batch', () => {
  it.each(['before', 'after'])(
    'writes the rows of one clean run when the attempt before it failed %s promoting',
    async (when) => {
      const dir = writeFiles(folder(false));
      const plan = planIngest([dir], 'f1');
      const options = { batchId: 'retry', now: new Date(), onProgress: () => {}, athleteId: 'f1', threads: 2 };
      const clean = await withAthlete(await freshDatabase());
      await ingestFitFiles(clean, plan, options);
      const retried = await withAthlete(await freshDatabase());
      const failing = async <T>(promote: () => Promise<T>): Promise<T> => {
        if (when === 'after') await promote();
        throw new Error('the worker died');
      };
      await expect(ingestFitFiles(retried, plan, { ...options, whilePromoting: failing })).rejects.toThrow(/died/);
      const outcomes = await ingestFitFiles(retried, plan, { ...options, attempt: 2 });
      fs.rmSync(dir, { recursive: true });
      expect(await ingestTableFingerprints(retried)).toEqual(await ingestTableFingerprints(clean));
      expect(outcomes.map((o) => o.inserted + o.unchanged).reduce((a, b) => a + b)).toBeGreaterThan(2_000);
    },
  );
});

describe('a cancelled FIT batch', () => {
  it('stops between files with the reason of its signal and leaves no staged samples behind after a retry', async () => {
    const dir = writeFiles(folder(false));
    const plan = planIngest([dir], 'f1');
    const ch = await withAthlete(await freshDatabase());
    const controller = new AbortController();
    const options = { batchId: 'cancel', now: new Date(), onProgress: () => {}, athleteId: 'f1', threads: 2 };
    const cancelled = ingestFitFiles(ch, plan, {
      ...options,
      signal: controller.signal,
      onFileDecoded: (files) => files === 3 && controller.abort(new Error('the worker is shutting down')),
    });
    await expect(cancelled).rejects.toThrow('the worker is shutting down');
    await ingestFitFiles(ch, plan, { ...options, attempt: 2 });
    fs.rmSync(dir, { recursive: true });
    const tables = await ingestTableFingerprints(ch);
    expect(tables.stream_staging.rows).toBe(0);
    expect(tables.activity_streams.rows).toBeGreaterThan(2_000);
  });
});
