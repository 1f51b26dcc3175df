import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../clickhouse/client.js';
import { ingestFile } from '../../ingest/ingest-file.js';
import type { IngestOutcome } from '../../ingest/outcome.js';
import { planIngest } from '../../ingest/classify-files.js';
import { freshDatabase, rows } from '../support/clickhouse.js';
import { ndjson, writeFiles } from '../support/files.js';

const NOW = new Date('2025-06-01T00:00:00Z');

async function ingestDir(ch: ClickHouse, dir: string, run = 'r1'): Promise<IngestOutcome[]> {
  const outcomes: IngestOutcome[] = [];
  for (const [i, file] of planIngest([dir]).entries()) {
    outcomes.push(await ingestFile(ch, file, { batchId: `${run}-${i}`, now: NOW, onProgress: () => {} }));
  }
  return outcomes;
}

const athletes = [
  { athlete_id: 'a1', name: 'Ann', sex: 'F', birth_year: 1990, time_zone: 'Europe/Paris' },
  { athlete_id: 'a2', name: 'Bob', sex: 'M', birth_year: 1985, time_zone: 'America/New_York' },
  { name: 'No Id', sex: 'M', birth_year: 1985, time_zone: 'UTC' },
  { athlete_id: 'a3', name: 'Bad Zone', sex: 'M', birth_year: 1985, time_zone: 'Mars/Olympus' },
];

const thresholdsCsv = [
  'athlete_id,effective_from,ftp_w,lthr_bpm,max_hr_bpm,resting_hr_bpm,threshold_pace_s_per_km',
  'a1,2025-01-01,250,165,190,50,',
  'a2,2025-01-01,,170,195,48,270',
  'ghost,2025-01-01,250,165,190,50,',
  'a1,2025-13-01,260,165,190,50,',
].join('\n');

const ride = {
  activity_id: 'r1',
  athlete_id: 'a1',
  sport: 'ride',
  start_time_utc: '2025-05-01 06:00:00',
  utc_offset_min: 120,
  distance_m: 30000,
  moving_time_s: 3600,
  elapsed_time_s: 3700,
  elevation_gain_m: 300,
  avg_hr_bpm: 140,
  max_hr_bpm: 170,
  avg_power_w: 200,
  avg_cadence: 88,
  device: 'edge',
};
const run = {
  activity_id: 'u1',
  athlete_id: 'a2',
  sport: 'run',
  start_time_utc: '2025-05-02T11:00:00Z',
  distance_m: 10000,
  moving_time_s: 3000,
  elapsed_time_s: 3000,
  elevation_gain_m: 50,
  avg_hr_bpm: 150,
  device: 'watch',
};
const badActivities: [string, object][] = [
  ['missing_required_field', { ...ride, activity_id: undefined }],
  ['unknown_athlete', { ...ride, activity_id: 'x1', athlete_id: 'ghost' }],
  ['unknown_sport', { ...ride, activity_id: 'x2', sport: 'kayak' }],
  ['non_positive_duration', { ...ride, activity_id: 'x3', moving_time_s: 0 }],
  ['moving_time_exceeds_elapsed', { ...ride, activity_id: 'x4', moving_time_s: 4000 }],
  ['implausible_heart_rate', { ...ride, activity_id: 'x5', avg_hr_bpm: 300 }],
  ['implausible_power', { ...ride, activity_id: 'x6', avg_power_w: 4000 }],
  ['implausible_speed', { ...run, activity_id: 'x7', distance_m: 100000 }],
  ['start_in_future', { ...ride, activity_id: 'x8', start_time_utc: '2099-01-01 00:00:00' }],
  ['conflicting_duplicate', { ...ride, distance_m: 31000 }],
  ['malformed_number', { ...ride, activity_id: 'x9', distance_m: '12,5km' }],
  ['malformed_date', { ...ride, activity_id: 'x10', start_time_utc: 'yesterday' }],
];

const streamHeader = 'activity_id,t_s,hr_bpm,power_w,speed_mps,altitude_m,cadence,distance_m';
const goodSamples = Array.from({ length: 10 }, (_, t) => `r1,${t},${130 + t},${200 + t},8.5,100,90,${t * 8.5}`);
const badSamples: [string, string][] = [
  ['sample_outside_activity', 'r1,5000,140,200,8,100,90,1'],
  ['non_increasing_stream_time', 'r1,3,140,200,8,100,90,1'],
  ['implausible_heart_rate', 'r1,20,300,200,8,100,90,1'],
  ['implausible_power', 'r1,21,140,5000,8,100,90,1'],
  ['implausible_speed', 'r1,22,140,200,50,100,90,1'],
  ['unknown_activity', 'nope,1,140,200,8,100,90,1'],
  ['malformed_number', 'r1,23,abc,200,8,100,90,1'],
  ['duplicate_sample_time', 'r1,30,100,100,8,100,90,1'],
];
// The later of two samples at t=30 counts; the earlier one is quarantined as a duplicate.
const streamsCsv = [
  streamHeader,
  ...goodSamples,
  ...badSamples.map(([, line]) => line),
  'r1,30,141,201,8,100,90,2',
].join('\n');

function files(overrides: Record<string, string> = {}) {
  return writeFiles({
    'athletes.ndjson': ndjson(athletes),
    'thresholds.csv': thresholdsCsv,
    'activities.ndjson': ndjson([ride, run, ...badActivities.map(([, r]) => r)]),
    'streams.csv': streamsCsv,
    ...overrides,
  });
}

const rejectsByReason = (ch: ClickHouse, source: string) =>
  rows<{ reason_code: string; n: string }>(
    ch,
    `SELECT reason_code, count() AS n FROM ${ch.db}.ingest_rejects FINAL WHERE source = {source:String} GROUP BY reason_code ORDER BY reason_code`,
    { source },
  ).then((r) => Object.fromEntries(r.map((x) => [x.reason_code, Number(x.n)])));

const snapshot = async (ch: ClickHouse) => ({
  athletes: await rows(ch, `SELECT * FROM ${ch.db}.athletes FINAL ORDER BY athlete_id`),
  thresholds: await rows(ch, `SELECT * FROM ${ch.db}.athlete_thresholds FINAL ORDER BY athlete_id, effective_from`),
  activities: await rows(ch, `SELECT * FROM ${ch.db}.activities FINAL ORDER BY activity_id`),
  streams: await rows(ch, `SELECT * FROM ${ch.db}.activity_streams ORDER BY activity_id, t_s`),
  rejects: await rows(
    ch,
    `SELECT source, locator, reason_code, detail, raw_payload FROM ${ch.db}.ingest_rejects FINAL ORDER BY source, locator`,
  ),
});

describe('ingestion', () => {
  it('keeps the valid records and quarantines each bad one with its reason and raw payload', async () => {
    const ch = await freshDatabase();
    const dir = files();
    const outcomes = await ingestDir(ch, dir);
    expect(outcomes.map((o) => o.kind)).toEqual(['athletes', 'thresholds', 'activities', 'streams']);

    // Rejects name their file by its full path.
    expect(await rejectsByReason(ch, path.join(dir, 'athletes.ndjson'))).toEqual({
      invalid_value: 1,
      missing_required_field: 1,
    });
    expect(await rejectsByReason(ch, path.join(dir, 'thresholds.csv'))).toEqual({
      malformed_date: 1,
      unknown_athlete: 1,
    });
    expect(await rejectsByReason(ch, path.join(dir, 'activities.ndjson'))).toEqual(
      Object.fromEntries(badActivities.map(([reason]) => [reason, 1])),
    );
    const sampleReasons = Object.fromEntries(badSamples.map(([reason]) => [reason, 1]));
    expect(await rejectsByReason(ch, path.join(dir, 'streams.csv'))).toEqual(sampleReasons);
    expect(outcomes[3]!.rejected).toEqual(sampleReasons);

    const stored = await snapshot(ch);
    expect(stored.athletes.map((a) => (a as { athlete_id: string }).athlete_id)).toEqual(['a1', 'a2']);
    expect(stored.activities).toHaveLength(2);
    expect(stored.activities[0]).toMatchObject({ activity_id: 'r1', distance_m: 30000, source: 'activities.ndjson' });
    // No utc_offset_min given: the ISO 'Z' start fixes the offset at 0 (what the file says, not the zone's guess).
    expect(stored.activities[1]).toMatchObject({ activity_id: 'u1', utc_offset_min: 0 });
    expect(stored.streams).toHaveLength(11);
    expect(stored.streams.at(-1)).toMatchObject({ t_s: 30, hr_bpm: 141, power_w: 201 });
    const future = stored.rejects.find((r) => (r as { reason_code: string }).reason_code === 'start_in_future') as {
      raw_payload: string;
    };
    expect(JSON.parse(future.raw_payload)).toMatchObject({ activity_id: 'x8' });
  });

  it('ingesting the same files twice changes nothing', async () => {
    const ch = await freshDatabase();
    const dir = files();
    await ingestDir(ch, dir, 'first');
    const before = await snapshot(ch);
    const again = await ingestDir(ch, dir, 'second');
    expect(again.reduce((n, o) => n + o.inserted, 0)).toBe(0);
    expect(await snapshot(ch)).toEqual(before);
    const [raw] = await rows<{ n: string }>(ch, `SELECT count() AS n FROM ${ch.db}.activities`);
    expect(Number(raw!.n)).toBe(2);
  });

  it('a corrected re-upload replaces the older activity and its whole stream', async () => {
    const ch = await freshDatabase();
    await ingestDir(ch, files(), 'first');
    const corrected = writeFiles({
      'activities.ndjson': ndjson([{ ...ride, distance_m: 30500 }]),
      'streams.csv': [streamHeader, 'r1,0,120,180,8,100,90,0', 'r1,1,121,181,8,100,90,8'].join('\n'),
    });
    const outcomes = await ingestDir(ch, corrected, 'second');
    expect(outcomes.map((o) => o.inserted)).toEqual([1, 2]);
    const stored = await snapshot(ch);
    expect(stored.activities.find((a) => (a as { activity_id: string }).activity_id === 'r1')).toMatchObject({
      distance_m: 30500,
    });
    expect(stored.streams.map((s) => (s as { hr_bpm: number }).hr_bpm)).toEqual([120, 121]);
  });

  it('replaces a corrected stream even when a channel is empty throughout (NULLs take part in the content hash)', async () => {
    const ch = await freshDatabase();
    const noPower = (hr: number) => [streamHeader, `r1,0,${hr},,8,100,90,0`, `r1,1,${hr},,8,100,90,8`].join('\n');
    await ingestDir(ch, files({ 'streams.csv': noPower(120) }), 'first');
    await ingestDir(ch, writeFiles({ 'streams.csv': noPower(125) }), 'second');
    const stored = await rows<{ hr_bpm: number; power_w: number | null }>(
      ch,
      `SELECT hr_bpm, power_w FROM ${ch.db}.activity_streams ORDER BY t_s`,
    );
    expect(stored).toEqual([
      { hr_bpm: 125, power_w: null },
      { hr_bpm: 125, power_w: null },
    ]);
  });

  it('quarantines a stream file whose activities are all unknown', async () => {
    const ch = await freshDatabase();
    const [outcome] = await ingestDir(
      ch,
      writeFiles({ 'streams.csv': [streamHeader, 'ghost,0,120,100,8,100,90,0'].join('\n') }),
    );
    expect(outcome).toMatchObject({ inserted: 0, rejected: { unknown_activity: 1 } });
  });

  it('derives the UTC offset from the athlete time zone when the file gives none', async () => {
    const ch = await freshDatabase();
    const dir = files({
      'activities.ndjson': ndjson([{ ...ride, utc_offset_min: undefined, start_time_utc: '2025-01-15 23:30:00' }]),
    });
    await ingestDir(ch, dir);
    const [stored] = await rows<{ utc_offset_min: number; local_date: string }>(
      ch,
      `SELECT utc_offset_min, local_date FROM ${ch.db}.activities FINAL`,
    );
    expect(stored).toEqual({ utc_offset_min: 60, local_date: '2025-01-16' });
  });

  it('rejects unreadable lines as malformed records', async () => {
    const ch = await freshDatabase();
    const dir = writeFiles({ 'athletes.ndjson': `${JSON.stringify(athletes[0])}\n{not json\n[1,2]\n` });
    const [outcome] = await ingestDir(ch, dir);
    expect(outcome).toMatchObject({ inserted: 1, rejected: { malformed_record: 2 } });
  });
});
