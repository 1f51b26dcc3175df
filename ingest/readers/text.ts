import fs from 'node:fs';
import readline from 'node:readline';

/** One record of a source file: its place, its fields (null when the line cannot be parsed) and its text. */
export interface SourceRecord {
  locator: string;
  fields: Record<string, unknown> | null;
  text: string;
  parseError?: string;
}

function lines(filePath: string): AsyncIterable<string> {
  // Line by line from a file stream: memory stays flat whatever the file size.
  return readline.createInterface({ input: fs.createReadStream(filePath, { encoding: 'utf8' }), crlfDelay: Infinity });
}

export async function* readNdjson(filePath: string): AsyncGenerator<SourceRecord> {
  let lineNo = 0;
  for await (const text of lines(filePath)) {
    lineNo += 1;
    if (text.trim() === '') continue;
    const locator = `line ${lineNo}`;
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
      yield { locator, fields: parsed as Record<string, unknown>, text };
    } catch (error) {
      yield { locator, fields: null, text, parseError: `invalid JSON: ${(error as Error).message}` };
    }
  }
}

/** CSV with a header line (RFC 4180 quoting within a line; a quoted field may not span lines). */
export async function* readCsv(filePath: string): AsyncGenerator<SourceRecord> {
  let header: string[] | undefined;
  let lineNo = 0;
  for await (const text of lines(filePath)) {
    lineNo += 1;
    if (text.trim() === '') continue;
    const cells = splitCsvLine(text);
    if (!header) {
      header = cells.map((c) => c.trim());
      continue;
    }
    const locator = `line ${lineNo}`;
    if (!cells || cells.length !== header.length) {
      yield { locator, fields: null, text, parseError: `expected ${header.length} columns, found ${cells.length}` };
      continue;
    }
    yield { locator, fields: Object.fromEntries(header.map((h, i) => [h, cells[i]])), text };
  }
}

export function splitCsvLine(line: string): string[] {
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
