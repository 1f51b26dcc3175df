import fs from 'node:fs';
import readline from 'node:readline';
import type { RejectReason } from '../../shared/records.js';
import { openDataFile, UnreadableFileError } from './source-file.js';

/** One record of a source file: its place, its fields (null when the line cannot be parsed) and its text. */
export interface SourceRecord {
  locator: string;
  /** line number in the file, increasing: a stream sample's position for the time-order check */
  line?: number;
  fields: Record<string, unknown> | null;
  text: string;
  parseError?: string;
  /** the reject reason of an unparsed record when it is not `malformed_record` */
  rejectAs?: RejectReason;
}

/** Records come in chunks: one await per chunk instead of one per line keeps multi-million-line files fast. */
const CHUNK = 2_000;

/** The record of a line (`last`: the file ends with it), or undefined for a line that holds none (a header). */
export type ParsedLine = Omit<SourceRecord, 'line'> & { last?: boolean };
export type LineParser = (text: string, locator: string) => ParsedLine | undefined;

/**
 * Lines of a data file, or, when the path cannot be read as one (a FIFO, a symlink loop…), a single
 * `unreadable_file` record saying why: every caller quarantines it like any bad record and goes on.
 */
async function* chunksOf(filePath: string, parseLine: LineParser): AsyncGenerator<SourceRecord[]> {
  let fd: number;
  try {
    fd = openDataFile(filePath);
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    yield [
      {
        locator: 'file',
        fields: null,
        text: JSON.stringify({ path: filePath }),
        parseError: error.message,
        rejectAs: 'unreadable_file',
      },
    ];
    return;
  }
  // A file stream read line by line: memory stays flat whatever the file size.
  const input = fs.createReadStream('', { fd, encoding: 'utf8' });
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let chunk: SourceRecord[] = [];
  let lineNo = 0;
  try {
    for await (const line of lines) {
      lineNo += 1;
      // Editors on Windows start UTF-8 files with a byte-order mark; it is not part of the first record.
      const text = lineNo === 1 && line.startsWith('\ufeff') ? line.slice(1) : line;
      if (text.trim() === '') continue;
      const parsed = parseLine(text, `line ${lineNo}`);
      if (parsed) {
        const { last, ...record } = parsed;
        chunk.push({ ...record, line: lineNo });
        if (last) break;
      }
      if (chunk.length >= CHUNK) {
        yield chunk;
        chunk = [];
      }
    }
  } finally {
    // Also when the reader stops early (a bad header) or its consumer fails: the descriptor is closed either way.
    lines.close();
    input.destroy();
  }
  if (chunk.length > 0) yield chunk;
}

/** The record of one NDJSON line (already without its line end and byte-order mark). */
export const ndjsonLine: LineParser = (text, locator) => {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
    return { locator, fields: parsed as Record<string, unknown>, text };
  } catch (error) {
    return { locator, fields: null, text, parseError: `invalid JSON: ${(error as Error).message}` };
  }
};

export function readNdjson(filePath: string): AsyncGenerator<SourceRecord[]> {
  return chunksOf(filePath, ndjsonLine);
}

/** A line that is not valid CSV: the record is quarantined with this message. */
export class CsvLineError extends Error {}

/**
 * CSV with a header line (RFC 4180 quoting within a line; a quoted field may not span lines). The header
 * must name `keyColumns` and name no column twice; otherwise the whole file is refused with one record
 * saying why (a file without a header would lose its first record as one, and a doubled column would
 * silently take its last value), and no line is read as data.
 */
export function readCsv(filePath: string, keyColumns: readonly string[] = []): AsyncGenerator<SourceRecord[]> {
  return chunksOf(filePath, csvLineParser(keyColumns));
}

/** Parses a CSV file's lines in order: the first line it is given is the header. */
export function csvLineParser(keyColumns: readonly string[] = [], knownHeader?: string[]): LineParser {
  let header = knownHeader;
  return (text, locator) => {
    let cells: string[];
    try {
      cells = splitCsvLine(text);
    } catch (error) {
      if (!(error instanceof CsvLineError)) throw error;
      return header
        ? { locator, fields: null, text, parseError: error.message }
        : headerError(locator, text, `CSV header: ${error.message}`);
    }
    if (!header) {
      header = cells.map((c) => c.trim());
      const problem = headerProblem(header, keyColumns);
      return problem ? headerError(locator, text, problem) : undefined;
    }
    if (cells.length !== header.length) {
      return { locator, fields: null, text, parseError: `expected ${header.length} columns, found ${cells.length}` };
    }
    const fields: Record<string, string> = {};
    for (let i = 0; i < header.length; i += 1) fields[header[i]!] = cells[i]!;
    return { locator, fields, text };
  };
}

/** One record standing for the whole file, which is not read further. */
function headerError(locator: string, text: string, problem: string): ParsedLine {
  return {
    locator,
    fields: null,
    text,
    parseError: `${problem}; the file was not read`,
    rejectAs: 'malformed_header',
    last: true,
  };
}

export function headerProblem(header: string[], keyColumns: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const [i, name] of header.entries()) {
    if (name === '') return `CSV header: column ${i + 1} has no name`;
    if (seen.has(name)) return `CSV header: column "${name.slice(0, 60)}" appears twice`;
    seen.add(name);
  }
  const missing = keyColumns.filter((c) => !seen.has(c));
  if (missing.length === 0) return undefined;
  return `CSV header lacks ${missing.join(', ')} (first line: ${JSON.stringify(header.join(',').slice(0, 80))}): is the header line missing?`;
}

/**
 * Splits one CSV line (RFC 4180). A quote inside an unquoted field, text after a closing quote or an
 * unclosed quote is an error: guessing what was meant would store something the file does not say.
 */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    const column = cells.length + 1;
    const start = skipSpaces(line, i);
    const [cell, end] = line[start] === '"' ? quotedCell(line, start, column) : plainCell(line, i, column);
    cells.push(cell);
    if (end >= line.length) return cells;
    i = end + 1;
  }
}

function skipSpaces(line: string, from: number): number {
  let i = from;
  while (line[i] === ' ' || line[i] === '\t') i += 1;
  return i;
}

function plainCell(line: string, from: number, column: number): [string, number] {
  const comma = line.indexOf(',', from);
  const end = comma < 0 ? line.length : comma;
  const cell = line.slice(from, end);
  if (cell.includes('"')) {
    throw new CsvLineError(
      `stray quote in column ${column}: a field with quotes must be quoted whole, its quotes doubled ("a ""b""")`,
    );
  }
  return [cell, end];
}

function quotedCell(line: string, start: number, column: number): [string, number] {
  let cell = '';
  let i = start + 1;
  for (;;) {
    const quote = line.indexOf('"', i);
    if (quote < 0) throw new CsvLineError(`unclosed quote in column ${column} (a quoted field may not span lines)`);
    cell += line.slice(i, quote);
    if (line[quote + 1] === '"') {
      cell += '"';
      i = quote + 2;
      continue;
    }
    const end = skipSpaces(line, quote + 1);
    if (end < line.length && line[end] !== ',')
      throw new CsvLineError(`text after the closing quote in column ${column}`);
    return [cell, end];
  }
}
