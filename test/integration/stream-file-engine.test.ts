import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../clickhouse/client.js';
import { classifyFile } from '../../ingest/classify-files.js';
import { ingestFile, promoteStreamUpload, stageStreamFile } from '../../ingest/ingest-file.js';
import { emptyOutcome } from '../../ingest/outcome.js';
import { stageStreamFileInEngine } from '../../ingest/stream-file-engine.js';
import { freshDatabase, rows } from '../support/clickhouse.js';
import { writeFiles } from '../support/files.js';

/**
 * The engine-side reading of stream files (ingest/stream-file-engine.ts) against the Node reader it
 * replaces: for every file below, staging it with the embedded engine reading it and with Node reading it
 * (the same handle marked as a server) leaves the same staged samples, the same rejects (source, line,
 * reason, detail, payload) and the same counts.
 */
const CSV_HEADER = 'activity_id,t_s,hr_bpm,power_w,speed_mps,altitude_m,cadence,distance_m';

const csvLines = [
  'a1,0,120,200,8.5,100,90,0',
  'a1,1,,,,,,',
  'a1,2.5,121,201,8.4,100.25,90,8.4',
  'a1,3.4999,1e2,2E+2,.5,-0,1.,1e-400',
  'a1,-0.5,120,200,8,100,90,1',
  '"a1",4,120,200,8,100,90,2',
  'a1,5,"121",200,8,100,90,3',
  'a1,6,12"1,200,8,100,90,3',
  'a1,7,"121"x,200,8,100,90,3',
  'a1,8,"121,200,8,100,90,3',
  'a1,9,120,200,8,100,90',
  'a1,10,120,200,8,100,90,1,extra',
  'a1,11, 120 ,200,8,100,90,3',
  'a1,12,12,5,200,8,100,90',
  'a1,13,abc,200,8,100,90,3',
  'a1,14,1e400,200,8,100,90,3',
  'a1,15,120,200,8,10001,90,3',
  'a1,16,120,200,8,100,90,-1',
  ',17,120,200,8,100,90,3',
  'a1,,120,200,8,100,90,3',
  ' a1 ,18,120,200,8,100,90,3',
  'aé1,19,120,200,8,100,90,3',
  'a\u00011,20,120,200,8,100,90,3',
  'a1,21,120,200,8,100,90,3,',
  '   ',
  '',
  'a1,22,0x10,200,8,100,90,3',
  'a1,23,Infinity,200,8,100,90,3',
  'a1,24,1_000,200,8,100,90,3',
  `${'x'.repeat(300)},25,120,200,8,100,90,3`,
  `a1,26,${'9'.repeat(400)},200,8,100,90,3`,
  'a1,27,0.1234567890123456789,3.14159265358979323846,1e-7,99.99999999999999,254.5,9999999.999',
];

const jsonLines = [
  '{"activity_id":"a1","t_s":0,"hr_bpm":120,"power_w":200,"speed_mps":8.5,"altitude_m":100,"cadence":90,"distance_m":0}',
  '{"activity_id":"a1","t_s":1}',
  '{ "activity_id" : "a1" , "t_s" : 2.5 , "hr_bpm" : null, "power_w": "" , "speed_mps": " 8 " }',
  '{"activity_id":7,"t_s":3}',
  '{"activity_id":-0,"t_s":3}',
  '{"activity_id":12.0,"t_s":3}',
  '{"activity_id":9007199254740993,"t_s":3}',
  '{"activity_id":"a1","t_s":"4"}',
  '{"activity_id":"a1","t_s":5,"hr_bpm":true}',
  '{"activity_id":"a1","t_s":6,"hr_bpm":[1]}',
  '{"activity_id":"a1","t_s":7,"hr_bpm":{"x":1}}',
  '{"activity_id":"a1","t_s":8,"t_s":9}',
  '{"activity_id":"a1","t_s":10,"hr_bpm":"abc"}',
  '{"activity_id":"a1","t_s":11,"altitude_m":-1000.5}',
  '{"activity_id":"a1","t_s":12,"distance_m":1e400}',
  '{"activity_id":"a\\u0031","t_s":13}',
  '{"activity_id":"a1","t_s":14,"note":"x,\\"t_s\\":99"}',
  '{"activity_id":"a1","t_s":15,"note":"a,\\"hr_bpm\\":1"}',
  '{"activity_id":"a1","t_s":-0}',
  '{"activity_id":"a1","t_s":16,}',
  '{"activity_id":"a1","t_s":17',
  '[1,2]',
  'null',
  '  ',
  '{"activity_id":" a1","t_s":18}',
  '{"activity_id":"","t_s":19}',
  '{"activity_id":"a1","t_s":20,"extra":{"deep":[1,2]}}',
  '{"activity_id":"a1","t_s":21,"device":"Garmin \\"Edge\\""}',
  '{"activity_id":"a1","t_s":1e2}',
  '{"activity_id":"a1","t_s":22,"cadence":"1e2"}',
  '{"activity_id":"a1","t_s":23,"Hr_bpm":1}',
  '{"activity_id":"a1","t_s":24,"hr_bpm":01}',
  '{"activity_id":"a1","t_s":25}  ',
  '{"activity_id":"a1","t_s":26} x',
  '{"activity_id":"a1","t_s":27}{"t_s":1}',
  '{"activity_id":"a1","t_s":1e-400}',
  '{"activity_id":"a1","t_s":28,"hr_bpm":12345678901234567890123}',
  '{"activity_id":"a1","t_s":29,"hr_bpm":"+1"}',
  '{"activity_id":"a1","t_s":30,"hr_bpm":"1e5"}',
  '\t{"activity_id":"a1","t_s":31}',
];

const INVALID_UTF8 = Buffer.from([0x61, 0x31, 0xff, 0xfe, 0x2c]);

/** Files by name: CSV and NDJSON, with BOM, CRLF, lone CR, invalid UTF-8, bad headers. */
function files(): Record<string, string | Uint8Array> {
  const csv = [CSV_HEADER, ...csvLines];
  const json = jsonLines;
  return {
    'plain/streams.csv': `${csv.join('\n')}\n`,
    'bom-crlf/streams.csv': `\ufeff${csv.join('\r\n')}`,
    'blank-first/streams.csv': `\n  \n${csv.join('\n')}`,
    'lone-cr/streams.csv': `${csv.slice(0, 5).join('\n')}\ra1,99,1,1,1,1,1,1\n${csv.slice(5).join('\n')}`,
    'utf8/streams.csv': Buffer.concat([
      Buffer.from(`${CSV_HEADER}\na1,0,120,200,8,100,90,0\n`),
      INVALID_UTF8,
      Buffer.from('0,120,200,8,100,90,0\na1,1,1\xff,200,8,100,90,0\na1,2,120,200,8,100,90,0\n'),
    ]),
    'dup-header/streams.csv': `activity_id,t_s,t_s\na1,1,2\n`,
    'no-header/streams.csv': `a1,0,120,200,8,100,90,0\na1,1,120,200,8,100,90,0\n`,
    'blank-column/streams.csv': `activity_id,,t_s\na1,x,1\n`,
    'quoted-header/streams.csv': `"activity_id","t_s",hr_bpm\na1,0,120\na1,1,"121"\n`,
    'reordered/streams.csv': `t_s,extra,activity_id,hr_bpm\n0,x,a1,120\n1,y,a1,\n`,
    'plain/streams.ndjson': `${json.join('\n')}\n`,
    'bom-crlf/streams.ndjson': `\ufeff${json.join('\r\n')}\r\n`,
    'utf8/streams.ndjson': Buffer.concat([
      Buffer.from('{"activity_id":"a1","t_s":0}\n{"activity_id":"a'),
      INVALID_UTF8,
      Buffer.from('","t_s":1}\n{"activity_id":"a1","t_s":2,"note":"\xff"}\n'),
    ]),
    'clean/streams.csv': [CSV_HEADER, 'a1,0,120,200,8.5,100,90,0', 'a1,1,121,,8.5,100,90,8.5'].join('\n'),
    'clean/streams.ndjson': `${jsonLines.slice(0, 2).join('\n')}\n\n\n`,
    'empty/streams.ndjson': '',
    'empty/streams.csv': '',
  };
}

async function stageWith(ch: ClickHouse, filePath: string) {
  const { stagedId, outcome } = await stageStreamFile(ch, classifyFile(filePath), 0, {
    batchId: 'engine-test',
    now: new Date(),
    onProgress: () => {},
  });
  const staged = await rows(
    ch,
    `SELECT seq, activity_id, t_s, hr_bpm, power_w, speed_mps, altitude_m, cadence, distance_m
     FROM ${ch.db}.stream_staging WHERE batch_id = {stagedId:String} ORDER BY seq`,
    { stagedId },
  );
  // Then stored: what the promotion makes of the staged rows must be the same too.
  await ingestFile(ch, classifyFile(path.join(summaries, 'athletes.csv')), {
    batchId: 'a',
    now: new Date(),
    onProgress: () => {},
  });
  await ingestFile(ch, classifyFile(path.join(summaries, 'activities.csv')), {
    batchId: 'b',
    now: new Date(),
    onProgress: () => {},
  });
  const [promoted] = await promoteStreamUpload(ch, [{ stagedId, outcome }], { batchId: 'engine-test' });
  return {
    outcome: promoted,
    staged,
    stored: await rows(ch, `SELECT * FROM ${ch.db}.activity_streams ORDER BY activity_id, t_s`),
    rejects: await rows(
      ch,
      `SELECT locator, reason_code, detail, raw_payload FROM ${ch.db}.ingest_rejects FINAL
       WHERE source = {source:String} ORDER BY toUInt64OrZero(substring(locator, 6)), reason_code`,
      { source: filePath },
    ),
  };
}

/** The athlete and the activities the samples belong to (a1 and a2, long enough for every sample). */
const summaries = writeFiles({
  'athletes.csv': 'athlete_id,name,sex,birth_year,time_zone\nx1,X,F,1990,UTC\n',
  'activities.csv': [
    'activity_id,athlete_id,sport,start_time_utc,distance_m,moving_time_s,elapsed_time_s',
    'a1,x1,ride,2025-01-01 06:00:00,1000,100000,100000',
    'a2,x1,run,2025-01-02 06:00:00,1000,100000,100000',
    '42,x1,run,2025-01-03 06:00:00,1000,100000,100000',
  ].join('\n'),
});

describe('stream files read by the engine', () => {
  const dir = writeFiles(files());
  it.each(Object.keys(files()))('%s: the same staged samples, rejects and counts as the Node reader', async (name) => {
    const filePath = path.join(dir, name);
    const engine = await freshDatabase();
    const node: ClickHouse = { ...(await freshDatabase()), embedded: false };
    const viaEngine = await stageWith(engine, filePath);
    const viaNode = await stageWith(node, filePath);
    expect(viaEngine).toEqual(viaNode);
  });

  it.each([
    ['random.csv', randomCsv],
    ['random.ndjson', randomNdjson],
  ])('%s: randomized lines, the same as the Node reader', async (name, make) => {
    const filePath = path.join(writeFiles({ [`streams-${name}`]: make(2_000) }), `streams-${name}`);
    const viaEngine = await stageWith(await freshDatabase(), filePath);
    const viaNode = await stageWith({ ...(await freshDatabase()), embedded: false }, filePath);
    expect(viaEngine.staged.length).toBeGreaterThan(100);
    expect(viaEngine.stored.length).toBeGreaterThan(10);
    expect(viaEngine.rejects.length).toBeGreaterThan(100);
    expect(viaEngine).toEqual(viaNode);
  });

  it('the differential is not vacuous: the engine stages plain lines itself, and leaves lone-CR files to Node', async () => {
    const ch = await freshDatabase();
    const stagedBy = (name: string) =>
      stageStreamFileInEngine(
        ch,
        classifyFile(path.join(dir, name)),
        0,
        `t-${name.replace(/\W/g, '_')}`,
        emptyOutcome(name, 'streams'),
      );
    expect(await stagedBy('plain/streams.csv')).toBeGreaterThan(5);
    expect(await stagedBy('plain/streams.ndjson')).toBeGreaterThan(5);
    expect(await stagedBy('clean/streams.csv')).toBe(2);
    expect(await stagedBy('lone-cr/streams.csv')).toBeUndefined();
    expect(await stagedBy('dup-header/streams.csv')).toBeUndefined();
  });
});

/** A seeded generator (mulberry32): the same lines on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NUMBERS = [
  '0',
  '1',
  '-1',
  '2.5',
  '-0.5',
  '1e2',
  '1E-2',
  '.5',
  '5.',
  '-0',
  '01',
  '1e400',
  '',
  ' ',
  ' 7',
  '7 ',
  'abc',
  '0x1f',
  '1,5',
  '12345678901234567890',
  '0.1',
  '99.95',
  '254.5',
  '255.5',
  '-1000.5',
  '10000',
  '9999999',
  '10000001',
  '250',
  '2600',
  'NaN',
  'Infinity',
  '1_0',
  '+1',
  '1e',
  'é',
];
const IDS = ['a1', 'a2', ' a1', 'a1 ', '', 'a"1', 'aé', 'a\u00011', 'x'.repeat(257), '42', 'a,1'];

const GOOD_NUMBERS = ['0', '1', '2.5', '120', '8.25', '100', '90', '1234.5', ''];

/** Mostly plausible values (so that many lines are valid), now and then any of the others. */
function cellValue(next: () => number, good: readonly string[], any: readonly string[]): string {
  return next() < 0.9 ? pick(next, good) : pick(next, any);
}

function pick<T>(next: () => number, values: readonly T[]): T {
  return values[Math.floor(next() * values.length)]!;
}

function randomCsv(lines: number): string {
  const next = random(11);
  const quoteSome = (cell: string) => (next() < 0.08 ? `"${cell.replace(/"/g, '""')}"` : cell);
  const out = [CSV_HEADER];
  for (let i = 0; i < lines; i += 1) {
    const r = next();
    if (r < 0.03) out.push(pick(next, ['', '  ', ',,,', 'a1', '"', '"a1,0']));
    else {
      const cells = [
        cellValue(next, ['a1', 'a2'], IDS),
        // mostly in time order, so that many samples are stored
        cellValue(next, [String(i), `${i}.4`], NUMBERS),
        ...Array.from({ length: 6 }, () => cellValue(next, GOOD_NUMBERS, NUMBERS)),
      ].map(quoteSome);
      if (next() < 0.03) cells.pop();
      out.push(cells.join(','));
    }
  }
  return `${out.join(next() < 0.5 ? '\n' : '\r\n')}\n`;
}

function randomNdjson(lines: number): string {
  const next = random(7);
  const fields = ['activity_id', 't_s', 'hr_bpm', 'power_w', 'speed_mps', 'altitude_m', 'cadence', 'distance_m'];
  let line = 0;
  const value = (field: string): string => {
    const r = next();
    if (field === 't_s' && r < 0.8) return String(line);
    if (field === 'activity_id') return r < 0.85 ? '"a1"' : r < 0.9 ? '42' : JSON.stringify(pick(next, IDS));
    if (r < 0.85)
      return pick(
        next,
        GOOD_NUMBERS.filter((n) => n !== ''),
      );
    if (r < 0.8) return pick(next, ['0', '1', '-1', '2.5', '1e2', '-0', '1e400', '254.5', '10001', '-1000', '0.1']);
    if (r < 0.93) return JSON.stringify(pick(next, NUMBERS));
    return pick(next, ['null', 'true', 'false', '[]', '{}', '{"a":1}', '"\\u0031"', '01', '.5']);
  };
  const out: string[] = [];
  for (let i = 0; i < lines; i += 1) {
    if (next() < 0.03) {
      out.push(pick(next, ['', ' ', '[]', 'null', '{', '{}', '"x"']));
      continue;
    }
    line += 1;
    const members = fields
      .filter((f) => f === 't_s' || next() < 0.85)
      .map((f) => `${JSON.stringify(f)}${pick(next, [':', ' : '])}${value(f)}`);
    if (next() < 0.05) members.push(`"t_s":${value('t_s')}`);
    out.push(`{${members.join(pick(next, [',', ', ']))}}`);
  }
  return `${out.join('\n')}\n`;
}
