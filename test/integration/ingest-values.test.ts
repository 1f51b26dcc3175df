/**
 * Strict values and awkward files (issue 6, items 5-9, 11, 12): every value outside what its column and its
 * meaning allow is quarantined with a reason, never stored altered; files that cannot be read as data get
 * a file-level reject and the other files go on.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../clickhouse/client.js';
import { ingestFile } from '../../ingest/ingest-file.js';
import type { IngestOutcome } from '../../ingest/outcome.js';
import { classifyFile, IngestPlanError, MAX_FILES, planIngest } from '../../ingest/classify-files.js';
import { freshDatabase, rows } from '../support/clickhouse.js';
import { encodeFitActivity, encodeMultisportFit } from '../support/fit-file.js';
import { ndjson, writeFiles } from '../support/files.js';

const NOW = new Date('2025-06-01T00:00:00Z');

async function ingestDir(ch: ClickHouse, dir: string, run = 'r1', athleteId?: string): Promise<IngestOutcome[]> {
  const outcomes: IngestOutcome[] = [];
  for (const [i, file] of planIngest([dir], athleteId).entries()) {
    outcomes.push(await ingestFile(ch, file, { batchId: `${run}-${i}`, athleteId, now: NOW, onProgress: () => {} }));
  }
  return outcomes;
}

interface Reject {
  source: string;
  locator: string;
  reason_code: string;
  detail: string;
  raw_payload: string;
}
/** Rejects, their source named by the file's name (whether the table keeps the name or the whole path). */
const rejects = async (ch: ClickHouse) =>
  (
    await rows<Reject>(
      ch,
      `SELECT source, locator, reason_code, detail, raw_payload FROM ${ch.db}.ingest_rejects FINAL`,
    )
  )
    .map((r) => ({ ...r, source: path.basename(r.source) }))
    .sort((a, b) => a.source.localeCompare(b.source) || a.locator.localeCompare(b.locator));

/** The reason each rejected activity (by its id in the raw payload) got. */
async function reasonsById(ch: ClickHouse, source: string): Promise<Record<string, string>> {
  const found = (await rejects(ch)).filter((r) => r.source === source);
  return Object.fromEntries(
    found.map((r) => [
      String((JSON.parse(r.raw_payload) as { activity_id?: unknown; athlete_id?: unknown }).activity_id ?? r.locator),
      r.reason_code,
    ]),
  );
}

const athlete = { athlete_id: 'a1', name: 'Ann', sex: 'F', birth_year: 1990, time_zone: 'Europe/Paris' };
const ride = {
  activity_id: 'ok',
  athlete_id: 'a1',
  sport: 'ride',
  start_time_utc: '2025-05-01 06:00:00',
  utc_offset_min: 120,
  distance_m: 30000,
  moving_time_s: 3600,
  elapsed_time_s: 3700,
  elevation_gain_m: 300,
  avg_hr_bpm: 140,
  avg_power_w: 200,
  avg_cadence: 88,
};

describe('values outside their range are quarantined, never wrapped or clamped (item 5)', () => {
  const bad: [string, string, Record<string, unknown>][] = [
    ['offset_100000', 'invalid_value', { utc_offset_min: 100000 }],
    ['offset_fraction', 'invalid_value', { utc_offset_min: 330.5 }],
    ['moving_5e9', 'invalid_value', { moving_time_s: 5e9, elapsed_time_s: 5e9, distance_m: 1000 }],
    ['distance_1e39', 'invalid_value', { distance_m: 1e39 }],
    ['elevation_1e39', 'invalid_value', { elevation_gain_m: 1e39 }],
    ['cadence_1e39', 'invalid_value', { avg_cadence: 1e39 }],
    ['power_1e39', 'implausible_power', { avg_power_w: 1e39 }],
    ['start_1969', 'invalid_value', { start_time_utc: '1969-07-20 20:17:00' }],
    ['start_1900', 'invalid_value', { start_time_utc: '1900-01-01 00:00:00' }],
    [
      'iso_offset_out_of_range',
      'malformed_date',
      { start_time_utc: '2025-05-01T06:00:00+25:00', utc_offset_min: undefined },
    ],
    ['device_surrogate', 'invalid_value', { device: 'edge\ud800' }],
    ['id\u0007bell', 'invalid_value', {}],
  ];

  it('quarantines each with a reason and stores the valid records unaltered', async () => {
    const ch = await freshDatabase();
    const dir = writeFiles({
      'athletes.ndjson': ndjson([
        athlete,
        { ...athlete, athlete_id: 'surrogate', name: 'Bad \ud83d name' },
        { ...athlete, athlete_id: 'bom\u0000' },
        { ...athlete, athlete_id: 'future_born', birth_year: 2090 },
      ]),
      'thresholds.ndjson': ndjson([
        { athlete_id: 'a1', effective_from: '2025-01-01', ftp_w: 250, threshold_pace_s_per_km: 270 },
        { athlete_id: 'a1', effective_from: '2200-01-01', ftp_w: 260 },
        { athlete_id: 'a1', effective_from: '1969-12-31', ftp_w: 260 },
        { athlete_id: 'a1', effective_from: '2025-02-01', threshold_pace_s_per_km: 1e39 },
        { athlete_id: 'a1', effective_from: '2025-03-01', ftp_w: 0 },
      ]),
      'activities.ndjson': ndjson([ride, ...bad.map(([id, , change]) => ({ ...ride, activity_id: id, ...change }))]),
      'streams.csv': [
        'activity_id,t_s,hr_bpm,power_w,speed_mps,altitude_m,cadence,distance_m',
        'ok,0,120,200,8,100,90,0',
        'ok,1,121,200,8,1e39,90,8',
        'ok,2,122,200,8,100,90,1e39',
        'ok,3,123,200,8,100,90,24',
      ].join('\n'),
    });
    const outcomes = await ingestDir(ch, dir);
    expect(await reasonsById(ch, 'activities.ndjson')).toEqual(
      Object.fromEntries(bad.map(([id, reason]) => [id, reason])),
    );
    const found = await rejects(ch);
    const of = (source: string) => found.filter((r) => r.source === source).map((r) => [r.locator, r.reason_code]);
    expect(of('athletes.ndjson')).toEqual([
      ['line 2', 'invalid_value'],
      ['line 3', 'invalid_value'],
      ['line 4', 'invalid_value'],
    ]);
    expect(of('thresholds.ndjson')).toEqual([
      ['line 2', 'invalid_value'],
      ['line 3', 'invalid_value'],
      ['line 4', 'invalid_value'],
      ['line 5', 'implausible_power'],
    ]);
    expect(of('streams.csv')).toEqual([
      ['line 3', 'invalid_value'],
      ['line 4', 'invalid_value'],
    ]);
    expect(found.find((r) => r.raw_payload.includes('surrogate'))?.detail).toMatch(/lone UTF-16 surrogate/);
    expect(found.find((r) => r.raw_payload.includes('bom'))?.detail).toMatch(/control character U\+0000/);

    const [stored] = await rows<Record<string, unknown>>(ch, `SELECT * FROM ${ch.db}.activities FINAL`);
    expect(stored).toMatchObject({
      activity_id: 'ok',
      utc_offset_min: 120,
      moving_time_s: 3600,
      start_time_utc: '2025-05-01 06:00:00',
    });
    expect(await rows(ch, `SELECT effective_from FROM ${ch.db}.athlete_thresholds FINAL`)).toEqual([
      { effective_from: '2025-01-01' },
    ]);
    expect(await rows(ch, `SELECT t_s FROM ${ch.db}.activity_streams ORDER BY t_s`)).toEqual([{ t_s: 0 }, { t_s: 3 }]);

    // Nothing clamped means nothing that differs from its stored copy: a re-ingest writes nothing.
    const again = await ingestDir(ch, dir, 'r2');
    expect(again.map((o) => o.inserted)).toEqual([0, 0, 0, 0]);
    expect(outcomes.map((o) => o.inserted)).toEqual([1, 1, 1, 2]);
  });
});

describe('dates that do not exist (item 6) and values of the wrong JSON type (item 7)', () => {
  it('are malformed dates and invalid values, never rolled over or coerced', async () => {
    const ch = await freshDatabase();
    const cases: [string, string, Record<string, unknown>][] = [
      ['feb29', 'malformed_date', { start_time_utc: '2025-02-29 10:00:00' }],
      ['h24', 'malformed_date', { start_time_utc: '2025-02-28 24:00:00' }],
      ['m60', 'malformed_date', { start_time_utc: '2025-02-28T10:60:00Z' }],
      ['apr31_iso', 'malformed_date', { start_time_utc: '2025-04-31T10:00:00+02:00' }],
      ['sport_array', 'invalid_value', { sport: ['ride'] }],
      ['device_object', 'invalid_value', { device: { name: 'edge' } }],
      ['distance_bool', 'invalid_value', { distance_m: true }],
      ['moving_array', 'invalid_value', { moving_time_s: [3600] }],
      ['offset_string_array', 'invalid_value', { utc_offset_min: ['120'] }],
    ];
    const dir = writeFiles({
      'athletes.ndjson': ndjson([
        athlete,
        { ...athlete, athlete_id: 'zone_array', time_zone: ['UTC'] },
        { ...athlete, athlete_id: 'name_object', name: {} },
      ]),
      'thresholds.csv': 'athlete_id,effective_from,ftp_w\na1,2025-02-29,250\n',
      'activities.ndjson': ndjson([
        ...cases.map(([id, , change]) => ({ ...ride, activity_id: id, ...change })),
        { ...ride, activity_id: 12345 },
        { ...ride, activity_id: { id: 'x' } },
      ]),
    });
    await ingestDir(ch, dir);
    const found = await rejects(ch);
    expect(await reasonsById(ch, 'activities.ndjson')).toEqual({
      ...Object.fromEntries(cases.map(([id, reason]) => [id, reason])),
      '[object Object]': 'invalid_value',
    });
    expect(found.filter((r) => r.source === 'athletes.ndjson').map((r) => [r.locator, r.reason_code])).toEqual([
      ['line 2', 'invalid_value'],
      ['line 3', 'invalid_value'],
    ]);
    expect(found.find((r) => r.source === 'thresholds.csv')?.reason_code).toBe('malformed_date');
    expect(found.find((r) => r.raw_payload.includes('zone_array'))?.detail).toBe(
      'time_zone must be a string, got an array',
    );
    // An integer id is an id; it is stored as its decimal text.
    expect(await rows(ch, `SELECT activity_id FROM ${ch.db}.activities FINAL`)).toEqual([{ activity_id: '12345' }]);
    expect(await rows(ch, `SELECT toUInt32(count()) AS n FROM ${ch.db}.athlete_thresholds`)).toEqual([{ n: 0 }]);
  });
});

describe('awkward text files get a clear outcome (item 8)', () => {
  it('quarantines a moving time that rounds to 0 s', async () => {
    const ch = await freshDatabase();
    await ingestDir(
      ch,
      writeFiles({
        'athletes.ndjson': ndjson([athlete]),
        'activities.ndjson': ndjson([{ ...ride, moving_time_s: 0.4, elapsed_time_s: 0.4, distance_m: 1 }]),
      }),
    );
    expect(await reasonsById(ch, 'activities.ndjson')).toEqual({ ok: 'non_positive_duration' });
  });

  it('refuses a CSV file without a header, or with a column twice, in one reject that says so', async () => {
    const ch = await freshDatabase();
    const dir = writeFiles({
      'athletes.ndjson': ndjson([athlete]),
      'thresholds.csv': 'a1,2025-01-01,250\na1,2025-02-01,260\n',
      'activities.csv':
        'activity_id,athlete_id,sport,start_time_utc,distance_m,moving_time_s,distance_m\nr1,a1,ride,2025-05-01 06:00:00,1000,600,2000\n',
    });
    const outcomes = await ingestDir(ch, dir);
    const found = (await rejects(ch)).filter((r) => r.source !== 'athletes.ndjson');
    expect(found.map((r) => [r.source, r.locator, r.reason_code])).toEqual([
      ['activities.csv', 'line 1', 'malformed_header'],
      ['thresholds.csv', 'line 1', 'malformed_header'],
    ]);
    expect(found[0]!.detail).toMatch(/column "distance_m" appears twice/);
    expect(found[1]!.detail).toMatch(/lacks athlete_id, effective_from .*is the header line missing\?/);
    expect(outcomes.map((o) => [o.kind, o.inserted])).toEqual([
      ['athletes', 1],
      ['thresholds', 0],
      ['activities', 0],
    ]);
  });

  it('quarantines a line with a stray quote and keeps properly quoted fields', async () => {
    const ch = await freshDatabase();
    const header = 'athlete_id,name,sex,birth_year,time_zone';
    const dir = writeFiles({
      'athletes.csv': [
        header,
        'a1,Ann "the rock" Lee,F,1990,UTC',
        'a2,"Bob ""B"" Smith, Jr",M,1985,UTC',
        'a3,"Cy"x,M,1985,UTC',
        'a4,"open,M,1985,UTC',
      ].join('\n'),
    });
    await ingestDir(ch, dir);
    expect((await rejects(ch)).map((r) => [r.locator, r.reason_code, r.detail.split(':')[0]])).toEqual([
      ['line 2', 'malformed_record', 'stray quote in column 2'],
      ['line 4', 'malformed_record', 'text after the closing quote in column 2'],
      ['line 5', 'malformed_record', 'unclosed quote in column 2 (a quoted field may not span lines)'],
    ]);
    expect(await rows(ch, `SELECT name FROM ${ch.db}.athletes FINAL`)).toEqual([{ name: 'Bob "B" Smith, Jr' }]);
  });

  it('reads the first record of NDJSON and CSV files that start with a UTF-8 byte-order mark', async () => {
    const ch = await freshDatabase();
    const dir = writeFiles({
      'athletes.ndjson': `\ufeff${ndjson([athlete])}`,
      'activities.csv': `\ufeffactivity_id,athlete_id,sport,start_time_utc,distance_m,moving_time_s\r\nr1,a1,ride,2025-05-01 06:00:00,1000,600\r\n`,
    });
    const outcomes = await ingestDir(ch, dir);
    expect(outcomes.map((o) => [o.inserted, o.rejected])).toEqual([
      [1, {}],
      [1, {}],
    ]);
  });
});

describe('FIT files end to end (item 9)', () => {
  const spec = {
    sport: 'cycling',
    start: new Date('2025-03-02T08:00:00Z'),
    seconds: 300,
    utcOffsetMin: 60,
    serialNumber: 9,
    heartRate: () => 130,
    speed: () => 8,
  } as const;

  it('ingests every leg of a multisport file as its own activity, idempotently', async () => {
    const ch = await freshDatabase();
    const run = {
      ...spec,
      sport: 'running',
      start: new Date('2025-03-02T08:06:00Z'),
      seconds: 200,
      speed: () => 3,
    } as const;
    const dir = writeFiles({ 'athletes.ndjson': ndjson([athlete]), 'brick.fit': encodeMultisportFit([spec, run]) });
    const [, fit] = await ingestDir(ch, dir, 'r1', 'a1');
    expect(fit).toMatchObject({ inserted: 2 + 500, rejected: {} });
    const stored = await rows<{ activity_id: string; sport: string; n: number }>(
      ch,
      `SELECT a.activity_id AS activity_id, a.sport AS sport, (SELECT toUInt32(count()) FROM ${ch.db}.activity_streams s WHERE s.activity_id = a.activity_id) AS n
       FROM ${ch.db}.activities AS a FINAL ORDER BY activity_id`,
    );
    const base = `fit-9-${spec.start.getTime() / 1000}`;
    expect(stored).toEqual([
      { activity_id: `${base}-s1`, sport: 'ride', n: 300 },
      { activity_id: `${base}-s2`, sport: 'run', n: 200 },
    ]);
    const [, again] = await ingestDir(ch, dir, 'r2', 'a1');
    expect(again).toMatchObject({ inserted: 0, unchanged: 502 });
  });

  it('keeps a replayable reference (path and content hash) to a rejected FIT file', async () => {
    const ch = await freshDatabase();
    const bytes = encodeFitActivity(spec).slice(0, 200);
    const dir = writeFiles({ 'athletes.ndjson': ndjson([athlete]), 'cut.fit': bytes });
    await ingestDir(ch, dir, 'r1', 'a1');
    const [reject] = (await rejects(ch)).filter((r) => r.source === 'cut.fit');
    expect(reject).toMatchObject({ locator: 'file', reason_code: 'malformed_record' });
    expect(JSON.parse(reject!.raw_payload)).toEqual({
      path: path.join(dir, 'cut.fit'),
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: 200,
    });
  });
});

describe('file kinds by name (item 11)', () => {
  it('takes the README prefixes, with or without a separator after them', () => {
    const kinds = [
      'activities_2025.ndjson',
      'athletes_x.ndjson',
      'athletes.csv',
      'athlete_thresholds_2024.csv',
      'thresholds-q1.jsonl',
      'activity_streams_01.csv',
      'samples-a.csv',
      'streams.csv',
      'activities2025.json',
      'Activity.CSV',
      'ride.fit',
    ].map((n) => classifyFile(`/x/${n}`).kind);
    expect(kinds).toEqual([
      'activities',
      'athletes',
      'athletes',
      'thresholds',
      'thresholds',
      'streams',
      'streams',
      'streams',
      'activities',
      'activities',
      'fit',
    ]);
    expect(() => classifyFile('/x/rides.ndjson')).toThrow(/cannot tell what the file holds/);
  });
});

describe('the plan and the files that cannot be read (item 12)', () => {
  it('refuses a FIT file without an athlete before anything is written', () => {
    const dir = writeFiles({
      'athletes.ndjson': ndjson([athlete]),
      'ride.fit': encodeFitActivity({ ...encodeSpec() }),
    });
    expect(() => planIngest([dir])).toThrow(IngestPlanError);
    expect(() => planIngest([dir])).toThrow(/do not name their athlete: pass athleteId .*nothing was ingested/);
    expect(planIngest([dir], 'a1').map((f) => f.kind)).toEqual(['athletes', 'fit']);
  });

  it('refuses more files than one run can record, with a message that says what to do', () => {
    const dir = writeFiles({});
    for (let i = 0; i <= MAX_FILES; i += 1) fs.writeFileSync(path.join(dir, `activities_${i}.ndjson`), '');
    expect(() => planIngest([dir])).toThrow(
      `${MAX_FILES + 1} files to ingest, at most ${MAX_FILES} per run: split the paths over several runs`,
    );
    fs.rmSync(path.join(dir, 'activities_0.ndjson'));
    expect(planIngest([dir])).toHaveLength(MAX_FILES);
  });

  it('refuses a plan whose paths would not fit in an activity result', () => {
    const deep = path.join(writeFiles({}), ...Array.from({ length: 14 }, (_, i) => `${i}${'d'.repeat(240)}`));
    fs.mkdirSync(deep, { recursive: true });
    for (let i = 0; i < 450; i += 1) fs.writeFileSync(path.join(deep, `activities_${i}.ndjson`), '');
    expect(() => planIngest([deep])).toThrow(
      /^450 files to ingest, their paths make a plan of 1\.\d MB, at most 1\.5 MB: split the paths/,
    );
  });

  it('gives a FIFO and a symlink loop named like data a file-level reject, and ingests the other files', async () => {
    const ch = await freshDatabase();
    const dir = writeFiles({ 'athletes.ndjson': ndjson([athlete]), 'activities.ndjson': ndjson([ride]) });
    execFileSync('mkfifo', [path.join(dir, 'streams.csv')]);
    fs.symlinkSync('activities_b.ndjson', path.join(dir, 'activities_a.ndjson'));
    fs.symlinkSync('activities_a.ndjson', path.join(dir, 'activities_b.ndjson'));
    // A directory linked into itself is walked once.
    fs.mkdirSync(path.join(dir, 'more'));
    fs.symlinkSync('..', path.join(dir, 'more', 'up'));

    const outcomes = await ingestDir(ch, dir);
    expect(outcomes.map((o) => [path.basename(o.source), o.inserted, o.rejected])).toEqual([
      ['athletes.ndjson', 1, {}],
      ['activities_a.ndjson', 0, { unreadable_file: 1 }],
      ['activities_b.ndjson', 0, { unreadable_file: 1 }],
      ['activities.ndjson', 1, {}],
      ['streams.csv', 0, { unreadable_file: 1 }],
    ]);
    const details = (await rejects(ch)).map((r) => [r.source, r.reason_code, r.detail.replace(dir, 'DIR')]);
    expect(details).toEqual([
      [
        'activities_a.ndjson',
        'unreadable_file',
        'DIR/activities_a.ndjson is a symlink loop (too many levels of symbolic links)',
      ],
      [
        'activities_b.ndjson',
        'unreadable_file',
        'DIR/activities_b.ndjson is a symlink loop (too many levels of symbolic links)',
      ],
      ['streams.csv', 'unreadable_file', 'DIR/streams.csv is a FIFO (named pipe), not a regular file: skipped'],
    ]);
  });
});

function encodeSpec() {
  return {
    sport: 'cycling',
    start: new Date('2025-03-02T08:00:00Z'),
    seconds: 60,
    utcOffsetMin: 0,
    serialNumber: 1,
  } as const;
}
