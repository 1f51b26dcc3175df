import fs from 'node:fs';
import path from 'node:path';
import type { ClickHouse } from '../clickhouse/client.js';
import { KEY_COLUMNS, type RejectReason } from '../shared/records.js';
import type { IngestFile } from './classify-files.js';
import { addRejected, type IngestOutcome } from './outcome.js';
import { csvLineParser, ndjsonLine, splitCsvLine, type LineParser, type SourceRecord } from './readers/text.js';
import { openDataFile, UnreadableFileError } from './readers/source-file.js';
import { writeRejects, type Rejected } from './rejects.js';
import * as sql from './stream-file-engine.sql.js';
import { FILE_SEQ_FACTOR, SAMPLE_FIELDS } from './streams.sql.js';
import { resetBatch, SampleStager } from './streams.js';
import { parseSample, type Checked } from './validate.js';
import type { StreamSample } from '../shared/records.js';

/**
 * Above this many lines left to Node, the file is read by Node whole instead: the engine hands those lines
 * over in one result, and a file of mostly irregular lines must not be held in memory at once.
 */
const MAX_LINES_LEFT_TO_NODE = 100_000;
/** The CSV header must lie in the file's first bytes (after blank lines, if any). */
const HEAD_BYTES = 1 << 20;

/** A record of a source file, checked field by field: the sample to stage, or the reject. */
export function checkSampleRecord(record: Omit<SourceRecord, 'line'>): Checked<StreamSample> {
  return record.fields
    ? parseSample(record.fields)
    : { ok: false, reason: record.rejectAs ?? 'malformed_record', detail: record.parseError ?? '' };
}

/**
 * Stages a CSV or NDJSON stream file with the embedded engine reading it (stream-file-engine.sql.ts): the
 * engine parses and stages the plainly valid lines, Node checks the rest with the reader of every other
 * file, so rejects and staged values are exactly those of the Node path. Returns how many samples the
 * engine staged itself, or undefined, having staged nothing, when Node must read the file whole: a
 * ClickHouse server (it cannot read this machine's files), a path `file()` would read as a glob, a path
 * that is not a regular file, a file whose engine line numbers would not be readline's (a lone CR), a CSV
 * header Node refuses or cannot find in the file's first megabyte, or too many irregular lines.
 */
export async function stageStreamFileInEngine(
  ch: ClickHouse,
  file: IngestFile,
  fileIndex: number,
  stagedId: string,
  outcome: IngestOutcome,
): Promise<number | undefined> {
  if (!ch.embedded || (file.format !== 'csv' && file.format !== 'ndjson')) return undefined;
  const filePath = path.resolve(file.path);
  if (/[*?{}[\]]/.test(filePath)) return undefined;
  const head = readHead(filePath);
  if (head === undefined) return undefined;
  const header = file.format === 'csv' ? csvHeader(head) : { line: 0, columns: [] };
  if (!header) return undefined;
  const params = {
    path: filePath,
    batch_id: stagedId,
    seq_base: fileIndex * FILE_SEQ_FACTOR,
    header_line: header.line,
    line_pattern: sql.csvLinePattern(header.columns),
    ...Object.fromEntries(SAMPLE_FIELDS.map((c) => [`i_${c}`, header.columns.indexOf(c) + 1])),
  };
  await ch.client.command({ query: sql.stagePlainSamples(ch.db, file.format), query_params: params });
  const byEngine = await count(ch, sql.stagedCount(ch.db), params);
  outcome.records += byEngine;
  // A clean file: every line after the header staged, nothing left for Node (no second pass over the file).
  if (byEngine === (await count(ch, sql.lineCount, params)) - header.line) return byEngine;
  const left = await (
    await ch.client.query({
      query: sql.linesLeftToNode(file.format),
      query_params: { ...params, max_lines: MAX_LINES_LEFT_TO_NODE + 1 },
      format: 'JSONEachRow',
    })
  ).json<{ line_no: number; line_base64: string; lone_cr: number }>();
  if (left.length > MAX_LINES_LEFT_TO_NODE || left.some((l) => l.lone_cr)) {
    await resetBatch(ch, stagedId);
    outcome.records -= byEngine;
    return undefined;
  }
  const parser = file.format === 'csv' ? csvLineParser(KEY_COLUMNS.streams, header.columns) : ndjsonLine;
  await checkInNode(ch, left, parser, new SampleStager(ch, stagedId, fileIndex), outcome);
  return byEngine;
}

async function count(ch: ClickHouse, query: string, params: Record<string, unknown>): Promise<number> {
  const [row] = await (
    await ch.client.query({ query, query_params: params, format: 'JSONEachRow' })
  ).json<{ n: string }>();
  return Number(row?.n ?? 0);
}

/** The lines the engine left, read as the Node reader reads every line (blank lines are skipped). */
async function checkInNode(
  ch: ClickHouse,
  lines: { line_no: number; line_base64: string }[],
  parseLine: LineParser,
  stager: SampleStager,
  outcome: IngestOutcome,
): Promise<void> {
  const rejects: Rejected[] = [];
  for (const { line_no: lineNo, line_base64: base64 } of lines) {
    const text = Buffer.from(base64, 'base64').toString('utf8');
    if (text.trim() === '') continue;
    const record = parseLine(text, `line ${lineNo}`);
    if (!record) continue;
    outcome.records += 1;
    const checked = checkSampleRecord(record);
    if (checked.ok) stager.add(checked.row, lineNo);
    else {
      rejects.push({ locator: record.locator, reason: checked.reason, detail: checked.detail, text: record.text });
      addRejected(outcome, { [checked.reason]: 1 } as Partial<Record<RejectReason, number>>);
    }
    if (stager.full) await stager.flush();
  }
  await stager.flush();
  await writeRejects(ch, outcome.source, rejects);
}

/** The file's first bytes, or undefined when it is not a regular file (Node quarantines it saying why). */
function readHead(filePath: string): string | undefined {
  try {
    const fd = openDataFile(filePath);
    try {
      const buffer = Buffer.alloc(HEAD_BYTES);
      return buffer.subarray(0, fs.readSync(fd, buffer, 0, HEAD_BYTES, 0)).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    if (error instanceof UnreadableFileError) return undefined;
    throw error;
  }
}

/**
 * The CSV header as the Node reader finds it (the first non-blank line, its byte-order mark dropped), or
 * undefined when Node must read the file: the header is refused (Node quarantines the file with the
 * reason), not found in the first megabyte, or preceded by a lone CR (line numbers would differ).
 */
function csvHeader(head: string): { line: number; columns: string[] } | undefined {
  const lines = head.split('\n');
  for (let i = 0; i < lines.length - 1; i += 1) {
    const crlfFree = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    if (crlfFree.includes('\r')) return undefined;
    const text = i === 0 && crlfFree.startsWith('\ufeff') ? crlfFree.slice(1) : crlfFree;
    if (text.trim() === '') continue;
    if (csvLineParser(KEY_COLUMNS.streams)(text, `line ${i + 1}`)) return undefined;
    return { line: i + 1, columns: splitCsvLine(text).map((c) => c.trim()) };
  }
  return undefined;
}
