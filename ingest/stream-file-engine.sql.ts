import type { Database } from '../clickhouse/sql.js';
import { RANGES } from '../shared/records.js';
import { SAMPLE_FIELDS } from './streams.sql.js';

/**
 * The engine-side reading of a stream file (stream-file-engine.ts). ClickHouse reads the file's lines as
 * raw strings (`LineAsString`, numbered by the reader) and decides per line whether it is *plainly valid*:
 * a shape whose meaning under the Node reader (ingest/readers/text.ts + parseSample) is certain, and whose
 * values SQL computes exactly as Node would. Those lines are staged here; every other line (quotes, blank,
 * invalid UTF-8, whitespace around values, a wrong JSON type, a value out of range...) is handed to the
 * Node reader, which accepts or quarantines it with exactly today's reason and detail. So the engine never
 * rejects anything itself: it only takes the common case off Node's hands.
 */

const NUMERIC = SAMPLE_FIELDS.slice(1);

/**
 * A plain decimal as fields.ts DECIMAL accepts it (groups do not capture: RE2 matches several times faster), without the surrounding whitespace (Node handles that). */
const DECIMAL = `-?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?`;
/** An id whose trim() is itself and that holds no control character: printable ASCII, no space at either end. */
const PLAIN_ID = `[!-~](?:[ -~]{0,254}[!-~])?`;

/** PLAIN_ID without the comma and the quote (0x2C, 0x22): a cell of a line with no quote. */
const CSV_ID = `[!#-+\\--~](?:[ !#-+\\--~]{0,254}[!#-+\\--~])?`;

/** Lines numbered as readline numbers them (from 1); `lone_cr`: a CR not ending the line (see below). */
const numberedLines = `
  SELECT _row_number + 1 AS line_no,
    -- readline drops the CR of a CRLF line end; a CR elsewhere ends a line for readline but not here, so
    -- such a file goes to Node whole
    countSubstrings(raw, '\\r') > endsWith(raw, '\\r') AS lone_cr,
    if(endsWith(raw, '\\r'), substring(raw, 1, length(raw) - 1), raw) AS crlf_free,
    if(line_no = 1 AND startsWith(crlf_free, '\\xEF\\xBB\\xBF'), substring(crlf_free, 4), crlf_free) AS line
  FROM file({path:String}, 'LineAsString', 'raw String', 'none')`;

/**
 * CSV: the whole line matches `{line_pattern}`, built from the header by csvLinePattern (no quote anywhere,
 * as many cells as the header, each cell the shape its field accepts), so splitting at commas is exact.
 */
const csvTexts = `
  SELECT line_no, lone_cr, line,
    isValidUTF8(line) AND match(line, {line_pattern:String}) AS shape_ok,
    splitByChar(',', line) AS cells,
    ${SAMPLE_FIELDS.map((f) => `if({i_${f}:UInt32} = 0, '', cells[greatest({i_${f}:UInt32}, 1)]) AS text_${f}`).join(',\n    ')}
  FROM (${numberedLines})
  WHERE line_no > {header_line:UInt64}`;

/**
 * NDJSON: a valid JSON object with no key twice (JSON.parse would keep the last), its members' values as
 * the engine re-serializes them (numbers in shortest round-trip form, strings quoted). A string holding a
 * backslash, a boolean, an array or an object is left to Node; so is an id that is not plain text or a
 * small integer (Node stores a safe integer as its digits, which is what the engine prints).
 */
const jsonTexts = `
  SELECT line_no, lone_cr, line, shape_ok,
    multiIf(match(member['activity_id'], '^"[^"\\\\\\\\]*"$'), substring(member['activity_id'], 2, length(member['activity_id']) - 2),
      match(member['activity_id'], '^(?:0|-?[1-9][0-9]{0,14})$'), member['activity_id'], '') AS text_activity_id,
    ${NUMERIC.map((f) => `${jsonValueText(`member['${f}']`)} AS text_${f}`).join(',\n    ')}
  FROM (
    -- a layer of its own: the members are extracted once per line, not once per use
    SELECT line_no, lone_cr, line, mapFromArrays(members.1, members.2) AS member,
      isValidUTF8(line) AND isValidJSON(line) AND startsWith(trimLeft(line), '{')
        AND length(arrayDistinct(members.1)) = length(members) AS shape_ok
    FROM (SELECT line_no, lone_cr, line, JSONExtractKeysAndValuesRaw(line) AS members
          FROM (${numberedLines}) WHERE line_no > {header_line:UInt64}))`;

/**
 * What Node's number check sees: '' for absent, null or "" (blank); a plain decimal string's content; a
 * number's text (always a plain decimal); 'x' (never a number) for any other string, a boolean, an array
 * or an object, which Node quarantines with its own reason.
 */
function jsonValueText(value: string): string {
  return `multiIf(${value} IN ('', 'null', '""'), '',
      startsWith(${value}, '"'), if(match(${value}, '^"${DECIMAL.replaceAll('\\', '\\\\')}"$'), substring(${value}, 2, length(${value}) - 2), 'x'),
      substring(${value}, 1, 1) IN ('-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'), ${value}, 'x')`;
}

/** One CSV line as the fast path accepts it: a pattern per header column, joined by commas. */
export function csvLinePattern(header: string[]): string {
  const cell = (name: string) =>
    name === 'activity_id'
      ? CSV_ID
      : name === 't_s'
        ? `(?:${DECIMAL})`
        : (NUMERIC as readonly string[]).includes(name)
          ? `(?:${DECIMAL})?`
          : '[^,"]*';
  return `^${header.map(cell).join(',')}$`;
}

/**
 * Number(text) for a plain decimal, and -0 becomes 0 as String(-0) does in Node's staging; NaN (never
 * NULL) when the engine cannot read it, so every test on it is false and the line goes to Node.
 */
const number = (f: string) => `(ifNull(toFloat64OrNull(text_${f}), nan) + 0)`;
const finiteOrBlank = (f: string) => `(text_${f} = '' OR isFinite(number_${f}))`;
const within = (f: string, range: { min: number; max: number }) =>
  `(text_${f} = '' OR number_${f} BETWEEN ${range.min} AND ${range.max})`;

function plainSamples(texts: string): string {
  return `
  SELECT line_no, line, lone_cr, ${SAMPLE_FIELDS.map((f) => `text_${f}`).join(', ')},
    ${NUMERIC.map((f) => `${number(f)} AS number_${f}`).join(', ')},
    lone_cr = 0 AND shape_ok AND match(text_activity_id, '^${PLAIN_ID}$') AND text_t_s != ''
      AND ${NUMERIC.map(finiteOrBlank).join(' AND ')}
      AND ${within('altitude_m', RANGES.altitudeM)} AND ${within('distance_m', RANGES.sampleDistanceM)} AS plain
  FROM (${texts})`;
}

const texts = { csv: csvTexts, ndjson: jsonTexts };

/**
 * Settings of the statements that read the file. `pread`: the engine's default for file() maps the file
 * into memory, and mapped pages count in the process's RSS, which then grows with the file. Short-circuit
 * evaluation off: with it, the shared values (a line's JSON members) are computed again in every branch
 * that uses them, which made reading the lines left to Node 50× slower.
 */
const FLAT = `storage_file_read_method = 'pread', short_circuit_function_evaluation = 'disable'`;

/** Math.round: halves up (ClickHouse's round() would round them to even). */
const mathRound = (x: string) => `floor(${x}) + (${x} - floor(${x}) >= 0.5)`;
/** NULL for a blank value, stored as Node stages it (\N): a NULL over NaN would break the promotion's casts. */
const nullable = (f: string) => `(toFloat64OrNull(text_${f}) + 0)`;

/** The plainly valid samples of the file, staged as Node's stager would stage them. */
export const stagePlainSamples = (db: Database, kind: 'csv' | 'ndjson') => `
  INSERT INTO ${db}.stream_staging (batch_id, seq, activity_id, t_s, hr_bpm, power_w, speed_mps, altitude_m, cadence, distance_m)
  SELECT {batch_id:String}, {seq_base:UInt64} + line_no, text_activity_id, ${mathRound('number_t_s')},
    ${NUMERIC.slice(1).map(nullable).join(', ')}
  FROM (${plainSamples(texts[kind])})
  WHERE plain
  -- parts of at most 256 k rows: the insert's sort buffer does not grow with the file
  SETTINGS ${FLAT}, max_insert_block_size = 262144, min_insert_block_size_rows = 262144,
    min_insert_block_size_bytes = 0`;

/** Lines of the file (the header's included): when the engine staged all but the header, none is left. */
export const lineCount = `SELECT count() AS n FROM file({path:String}, 'LineAsString', 'raw String', 'none')
  SETTINGS storage_file_read_method = 'pread'`;

/**
 * The lines left to Node (few in a clean file), as base64 so invalid UTF-8 reaches Node's decoder as the
 * file holds it; `lone_cr`: the engine's line numbers are not readline's and the file goes to Node whole.
 */
export const linesLeftToNode = (kind: 'csv' | 'ndjson') => `
  SELECT line_no, base64Encode(line) AS line_base64, lone_cr
  FROM (${plainSamples(texts[kind])})
  WHERE NOT plain
  ORDER BY line_no
  LIMIT {max_lines:UInt64}
  SETTINGS ${FLAT}`;

export const stagedCount = (db: Database) =>
  `SELECT count() AS n FROM ${db}.stream_staging WHERE batch_id = {batch_id:String}`;
