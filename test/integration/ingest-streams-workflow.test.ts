/**
 * Streams through the ingestActivities workflow on the real dev server and embedded engine (issue 6):
 * a stream split over several files of one upload (item 3), and two ingests of the same input at once (item 1).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../clickhouse/client.js';
import { ingestActivities, type IngestInput, type IngestSummary } from '../../workflows/index.js';
import { freshDatabase, rows } from '../support/clickhouse.js';
import { ndjson, writeFiles } from '../support/files.js';
import { encodeFitActivity, type FitActivitySpec } from '../support/fit-file.js';
import { duplicateSamples, ingestTableFingerprints } from '../support/ingest-tables.js';
import { devServerForFile } from '../support/temporal.js';
import { withWorker } from '../support/worker.js';

const server = devServerForFile();

/** Runs the inputs as workflows started at the same moment on one worker (the embedded engine: one process). */
const ingestAtOnce = (ch: ClickHouse, ...inputs: IngestInput[]): Promise<IngestSummary[]> =>
  withWorker(server.env, ch, (taskQueue) =>
    Promise.all(
      inputs.map((input) =>
        server.env.client.workflow.execute(ingestActivities, {
          args: [input],
          taskQueue,
          workflowId: `ingest-${Math.random().toString(36).slice(2)}`,
        }),
      ),
    ),
  );
const ingest = async (ch: ClickHouse, input: IngestInput) => (await ingestAtOnce(ch, input))[0]!;

const athlete = { athlete_id: 'a1', name: 'Ann', sex: 'F', birth_year: 1990, time_zone: 'UTC' };
const ride = (id: string) => ({
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
const header = 'activity_id,t_s,hr_bpm,power_w,speed_mps,altitude_m,cadence,distance_m';
const samples = (id: string, from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `${id},${from + i},${120 + i},${200 + i},8,100,90,${(from + i) * 8}`);

const streamsOf = (ch: ClickHouse) =>
  rows<{ activity_id: string; n: number; first: number; last: number }>(
    ch,
    `SELECT activity_id, toUInt32(count()) AS n, min(t_s) AS first, max(t_s) AS last FROM ${ch.db}.activity_streams GROUP BY activity_id ORDER BY activity_id`,
  );

describe('a stream split over several files of one upload', () => {
  it("stores every file's samples as the one stream; rejects name their file and line; re-ingesting changes nothing", async () => {
    const ch = await freshDatabase();
    const dir = writeFiles({
      'athletes.ndjson': ndjson([athlete]),
      'activities.ndjson': ndjson([ride('r1'), ride('r2')]),
      // line 1 header, lines 2-11 r1 t=0..9, line 12 a bad heart rate, lines 13-17 r2 t=0..4
      'streams-part1.csv': [header, ...samples('r1', 0, 10), 'r1,10,300,200,8,100,90,80', ...samples('r2', 0, 5)].join(
        '\n',
      ),
      // lines 2-11 r1 t=10..19, line 12 a bad power
      'streams-part2.csv': [header, ...samples('r1', 10, 20), 'r1,20,140,5000,8,100,90,160'].join('\n'),
    });
    const part1 = path.join(dir, 'streams-part1.csv');
    const part2 = path.join(dir, 'streams-part2.csv');

    const first = await ingest(ch, { paths: [dir] });
    expect(await streamsOf(ch)).toEqual([
      { activity_id: 'r1', n: 20, first: 0, last: 19 },
      { activity_id: 'r2', n: 5, first: 0, last: 4 },
    ]);
    expect(first.sources.filter((s) => s.kind === 'streams')).toMatchObject([
      { source: part1, records: 16, inserted: 15, unchanged: 0, rejected: { implausible_heart_rate: 1 } },
      { source: part2, records: 11, inserted: 10, unchanged: 0, rejected: { implausible_power: 1 } },
    ]);
    const rejects = await rows(
      ch,
      `SELECT source, locator, reason_code FROM ${ch.db}.ingest_rejects FINAL WHERE detail LIKE 'sample%' ORDER BY source`,
    );
    expect(rejects).toEqual([
      { source: part1, locator: 'line 12', reason_code: 'implausible_heart_rate' },
      { source: part2, locator: 'line 12', reason_code: 'implausible_power' },
    ]);

    const stored = await ingestTableFingerprints(ch);
    const again = await ingest(ch, { paths: [dir] });
    expect(again.inserted).toBe(0);
    expect(again.sources.filter((s) => s.kind === 'streams').map((s) => s.unchanged)).toEqual([15, 10]);
    expect(await ingestTableFingerprints(ch)).toEqual(stored);

    // A later upload replaces the streams of the activities it holds, whole; the others stay.
    await ingest(ch, { paths: [part2] });
    expect(await streamsOf(ch)).toEqual([
      { activity_id: 'r1', n: 10, first: 10, last: 19 },
      { activity_id: 'r2', n: 5, first: 0, last: 4 },
    ]);
  });
});

const fitRide = (i: number): FitActivitySpec => ({
  sport: 'cycling',
  start: new Date(Date.UTC(2025, 4, 10 + i, 7)),
  seconds: 900 + 60 * i,
  utcOffsetMin: 0,
  serialNumber: 3000 + i,
  heartRate: (t) => 125 + (t % 15),
  power: (t) => 190 + (t % 30),
});

describe('two ingests of the same input at once', () => {
  it('leave the tables a single clean ingest leaves; a re-ingest afterwards inserts nothing and changes nothing', async () => {
    const dir = writeFiles({
      'athletes.ndjson': ndjson([athlete]),
      'activities.ndjson': ndjson([ride('r1'), ride('r2'), { ...ride('bad'), sport: 'kayak' }]),
      'streams-1.csv': [header, ...samples('r1', 0, 600), ...samples('r2', 0, 300)].join('\n'),
      'streams-2.csv': [header, ...samples('r1', 600, 1200), 'r2,5000,140,200,8,100,90,1'].join('\n'),
      // FIT files go through the batched folder path (ingestFitFiles): concurrent runs must not double them either.
      ...Object.fromEntries([0, 1, 2].map((i) => [`device-${i}.fit`, encodeFitActivity(fitRide(i))])),
    });
    const input: IngestInput = {
      paths: [dir],
      athleteId: 'a1',
      synthetic: {
        seed: 9,
        athletes: 4,
        days: 60,
        streamShare: 0.5,
        dirtyShare: 0.05,
        endDate: '2025-05-30',
        athletesPerActivity: 2,
      },
    };
    const clean = await freshDatabase();
    await ingest(clean, input);
    const expected = await ingestTableFingerprints(clean);
    expect(expected.activity_streams.rows).toBeGreaterThan(50_000);

    const ch = await freshDatabase();
    const [a, b] = await ingestAtOnce(ch, input, input);
    expect(await duplicateSamples(ch)).toBe(0);
    expect(await ingestTableFingerprints(ch)).toEqual(expected);
    // Between them they stored each record once.
    const [cleanSummary] = await ingestAtOnce(clean, input);
    expect(cleanSummary!.inserted).toBe(0);
    expect(a!.unchanged + b!.unchanged).toBeGreaterThan(0);

    const again = await ingest(ch, input);
    expect(again.inserted).toBe(0);
    expect(await ingestTableFingerprints(ch)).toEqual(expected);
  });
});
