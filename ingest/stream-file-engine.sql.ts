import type { Database } from '../clickhouse/sql.js';
import { RANGES } from '../shared/records.js';

/**
 * The engine-side reading of a stream file (stream-file-engine.ts). ClickHouse reads the file's lines as
 * raw strings (`LineAsString`, numbered in file order) and decides per line whether it is *plainly valid*:
 * a shape whose meaning under the Node reader (ingest/readers/text.ts + parseSample) is certain, and whose
 * values SQL computes exactly as Node would. Those lines are staged here; every other line (quotes, blank,
 * invalid UTF-8, whitespace around values, a wrong type, a value out of range...) is handed to the Node
 * reader, which accepts or quarantines it with exactly today's reason and detail. So the engine never
 * rejects anything itself: it only takes the common case off Node's hands.
 */

/** Lines in file order: one thread, so `rowNumberInAllBlocks` numbers them as the file does. */
const numberedLines = `
  SELECT rowNumberInAllBlocks() + 1 AS line_no,
    -- readline drops the CR of a CRLF line end (a CR elsewhere sends the whole file to Node: see loneCr)
    if(endsWith(raw, '\\r'), substring(raw, 1, length(raw) - 1), raw) AS crlf_free,
    if(line_no = 1 AND startsWith(crlf_free, '\\xEF\\xBB\\xBF'), substring(crlf_free, 4), crlf_free) AS line,
    countSubstrings(raw, '\\r') > if(endsWith(raw, '\\r'), 1, 0) AS lone_cr
  FROM file({path:String}, 'LineAsString', 'raw String', 'none')`;

/** A plain decimal as fields.ts DECIMAL accepts it, without the surrounding whitespace (Node handles that). */
const DECIMAL = `'^-?([0-9]+\\\\.?[0-9]*|\\\\.[0-9]+)([eE][-+]?[0-9]+)?$'`;
/** An id whose trim() is itself and that holds no control character: printable ASCII, no space at either end. */
const PLAIN_ID = `'^[!-~]([ -~]{0,254}[!-~])?$'`;

/**
 * Number(text) for a plain decimal; -0 becomes 0 as String(-0) does in Node's staging. NaN (never NULL)
 * when the engine cannot read it, so every test on it is plainly false and the line goes to Node.
 */
const number = (text: string) => `(ifNull(toFloat64OrNull(${text}), nan) + 0)`;
/** A value Node would read as this number: blank (NULL) or a plain finite decimal. */
const plainNumber = (text: string) => `(${text} = '' OR (match(${text}, ${DECIMAL}) AND isFinite(${number(text)})))`;
const nullable = (text: string) => `if(${text} = '', NULL, ${number(text)})`;
/** Math.round: halves up (ClickHouse's round() would round them to even). */
const mathRound = (x: string) => `(floor(${x}) + (${x} - floor(${x}) >= 0.5))`;
const within = (text: string, range: { min: number; max: number }) =>
  `(${text} = '' OR ${number(text)} BETWEEN ${range.min} AND ${range.max})`;

const NUMERIC = ['t_s', 'hr_bpm', 'power_w', 'speed_mps', 'altitude_m', 'cadence', 'distance_m'] as const;

/** The fields of a line as the text Node would see for each, by format. */
interface FieldTexts {
  /** the line is of the plain shape this format's fast path understands */
  shape: string;
  activityId: string;
  value: (field: (typeof NUMERIC)[number]) => string;
}

/**
 * CSV: no quote anywhere (quoting is Node's), exactly as many cells as the header names. A cell's text is
 * the cell itself; `{i_field:UInt32}` is the field's 1-based column, 0 when the header lacks it ('' = blank).
 */
const csvFields: FieldTexts = {
  shape: `position(line, '"') = 0 AND length(cells) = {columns:UInt32}`,
  activityId: cell('activity_id'),
  value: cell,
};
function cell(field: string): string {
  return `if({i_${field}:UInt32} = 0, '', cells[greatest({i_${field}:UInt32}, 1)])`;
}
const csvCells = `splitByChar(',', line) AS cells`;

/** A JSON value the fast path reads: a number, a string without escapes, null or a boolean. */
const JSON_VALUE = `(-?(0|[1-9][0-9]*)(\\\\.[0-9]+)?([eE][-+]?[0-9]+)?|"[^"\\\\\\\\\\\\x00-\\\\x1f]*"|null|true|false)`;
const JSON_KEY = `"[A-Za-z0-9_]+"`;
const JSON_MEMBER = `${JSON_KEY}[ \\\\t]*:[ \\\\t]*${JSON_VALUE}[ \\\\t]*`;
/** A flat JSON object of such values with plain keys, and no key twice (JSON.parse would keep the last). */
const jsonShape = `match(line, '^[ \\\\t]*\\\\{[ \\\\t]*(${JSON_MEMBER}(,[ \\\\t]*${JSON_MEMBER})*)?\\\\}[ \\\\t]*$')
    AND length(arrayDistinct(keys)) = length(keys)`;
/** Keys: a string value holds no quote, so `"key":` only ever matches a member's key. */
const jsonKeys = `extractAll(line, '"([A-Za-z0-9_]+)"[ \\\\t]*:') AS keys`;
const token = (field: string) => `extract(line, '"${field}"[ \\\\t]*:[ \\\\t]*${JSON_VALUE}')`;
/**
 * The text Node's checks see: a string's content; a number's token (JSON.parse gives Number(token)); ''
 * for absent, null and blank strings; and an impossible text for booleans (Node rejects those as invalid_value).
 */
const jsonText = (field: string) =>
  `multiIf(${token(field)} IN ('', 'null'), '', startsWith(${token(field)}, '"'), trim(BOTH ' ' FROM substring(${token(field)}, 2, length(${token(field)}) - 2)), ${token(field)} IN ('true', 'false'), 'x', ${token(field)})`;
const jsonFields: FieldTexts = {
  shape: jsonShape,
  // A string id, or an integer id Node writes as its digits (String(n) is the token when |n| < 2^53 and not -0).
  activityId: `multiIf(startsWith(${token('activity_id')}, '"'), substring(${token('activity_id')}, 2, length(${token('activity_id')}) - 2), match(${token('activity_id')}, '^(0|-?[1-9][0-9]{0,14})$'), ${token('activity_id')}, '')`,
  value: jsonText,
};

function plainSamples(fields: FieldTexts, extraColumns: string): string {
  const v = fields.value;
  return `
  SELECT line_no, line, lone_cr, ${extraColumns},
    ${fields.activityId} AS activity_id_text,
    lone_cr = 0 AND isValidUTF8(line) AND ${fields.shape}
      AND match(activity_id_text, ${PLAIN_ID})
      AND ${v('t_s')} != '' AND ${NUMERIC.map((f) => plainNumber(v(f))).join(' AND ')}
      AND ${within(v('altitude_m'), RANGES.altitudeM)} AND ${within(v('distance_m'), RANGES.sampleDistanceM)} AS plain
  FROM (${numberedLines})
  WHERE line_no > {header_line:UInt64}`;
}

const format = { csv: [csvFields, csvCells], ndjson: [jsonFields, jsonKeys] } as const;

/** The plainly valid samples of the file, staged as Node's stager would stage them. */
export const stagePlainSamples = (db: Database, kind: 'csv' | 'ndjson') => {
  const [fields, extra] = format[kind];
  const v = fields.value;
  return `
  INSERT INTO ${db}.stream_staging (batch_id, seq, activity_id, t_s, hr_bpm, power_w, speed_mps, altitude_m, cadence, distance_m)
  SELECT {batch_id:String}, {seq_base:UInt64} + line_no, activity_id_text, ${mathRound(number(v('t_s')))},
    ${nullable(v('hr_bpm'))}, ${nullable(v('power_w'))}, ${nullable(v('speed_mps'))}, ${nullable(v('altitude_m'))},
    ${nullable(v('cadence'))}, ${nullable(v('distance_m'))}
  FROM (${plainSamples(fields, extra)})
  WHERE plain
  SETTINGS max_threads = 1`;
};

/**
 * The lines left to Node (few in a clean file), as base64 so invalid UTF-8 reaches Node's decoder as the
 * file holds it; `lone_cr`: the engine's line numbers are not readline's and the file goes to Node whole.
 */
export const linesLeftToNode = (kind: 'csv' | 'ndjson') => {
  const [fields, extra] = format[kind];
  return `
  SELECT line_no, base64Encode(line) AS line_base64, lone_cr
  FROM (${plainSamples(fields, extra)})
  WHERE NOT plain
  ORDER BY line_no
  LIMIT {max_lines:UInt64}
  SETTINGS max_threads = 1`;
};

export const stagedCount = (db: Database) =>
  `SELECT count() AS n FROM ${db}.stream_staging WHERE batch_id = {batch_id:String}`;
