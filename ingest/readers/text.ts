import fs from 'node:fs';
import readline from 'node:readline';

/** One record of a source file: its place, its fields (null when the line cannot be parsed) and its text. */
export interface SourceRecord {
  locator: string;
  /** line number in the file, increasing: a stream sample's position for the time-order check */
  line?: number;
  fields: Record<string, unknown> | null;
  text: string;
  parseError?: string;
}

/** Records come in chunks: one await per chunk instead of one per line keeps multi-million-line files fast. */
const CHUNK = 2_000;

type LineParser = (text: string, locator: string) => Omit<SourceRecord, 'line'> | undefined;

async function* chunksOf(filePath: string, parseLine: LineParser): AsyncGenerator<SourceRecord[]> {
  // A file stream read line by line: memory stays flat whatever the file size.
  const lines = readline.createInterface({ input: fs.createReadStream(filePath, { encoding: 'utf8' }), crlfDelay: Infinity });
  let chunk: SourceRecord[] = [];
  let lineNo = 0;
  for await (const text of lines) {
    lineNo += 1;
    if (text.trim() === '') continue;
    const record = parseLine(text, `line ${lineNo}`);
    if (record) chunk.push({ ...record, line: lineNo });
    if (chunk.length >= CHUNK) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

export function readNdjson(filePath: string): AsyncGenerator<SourceRecord[]> {
  return chunksOf(filePath, (text, locator) => {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
      return { locator, fields: parsed as Record<string, unknown>, text };
    } catch (error) {
      return { locator, fields: null, text, parseError: `invalid JSON: ${(error as Error).message}` };
    }
  });
}

/** CSV with a header line (RFC 4180 quoting within a line; a quoted field may not span lines). */
export function readCsv(filePath: string): AsyncGenerator<SourceRecord[]> {
  let header: string[] | undefined;
  return chunksOf(filePath, (text, locator) => {
    const cells = splitCsvLine(text);
    if (!header) {
      header = cells.map((c) => c.trim());
      return undefined;
    }
    if (cells.length !== header.length) {
      return { locator, fields: null, text, parseError: `expected ${header.length} columns, found ${cells.length}` };
    }
    const fields: Record<string, string> = {};
    for (let i = 0; i < header.length; i += 1) fields[header[i]!] = cells[i]!;
    return { locator, fields, text };
  });
}

export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}
