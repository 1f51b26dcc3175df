import { createHash } from 'node:crypto';
import path from 'node:path';
import { InvalidFitFileError, readFitActivities } from './readers/fit.js';
import { openDataFile, readWhole, UnreadableFileError } from './readers/source-file.js';
import { stagingLine } from './streams.js';
import { FILE_SEQ_FACTOR } from './streams.sql.js';

export interface FitDecodeTask {
  path: string;
  athleteId: string;
  /** the file's place in its staging batch: its samples' seq carries it */
  fileIndex: number;
  stagedId: string;
}

export type FitDecoded =
  | {
      ok: true;
      path: string;
      /** each session's activity record, located as ingestFile locates it */
      sessions: { locator: string; fields: Record<string, unknown> }[];
      /** the samples as stream_staging TSV lines (newline-terminated), positions 1.. as ingestFile numbers them */
      tsv: string;
      samples: number;
    }
  | { ok: false; path: string; reason: 'unreadable_file' | 'malformed_record'; detail: string; payload: string };

/** One FIT file read and decoded exactly as ingestFile reads it, its refusals included. */
export function decodeFitFile(task: FitDecodeTask): FitDecoded {
  let bytes: Buffer;
  try {
    bytes = readWhole(openDataFile(task.path));
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    const payload = JSON.stringify({ path: task.path });
    return { ok: false, path: task.path, reason: 'unreadable_file', detail: error.message, payload };
  }
  let sessions: ReturnType<typeof readFitActivities>;
  try {
    sessions = readFitActivities(bytes, { athleteId: task.athleteId, source: path.basename(task.path) });
  } catch (error) {
    if (!(error instanceof InvalidFitFileError)) throw error;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const payload = JSON.stringify({ path: task.path, sha256, bytes: bytes.length });
    return { ok: false, path: task.path, reason: 'malformed_record', detail: error.message, payload };
  }
  const lines: string[] = [];
  const seqBase = task.fileIndex * FILE_SEQ_FACTOR;
  for (const fit of sessions)
    for (const sample of fit.samples) lines.push(stagingLine(task.stagedId, seqBase + lines.length + 1, sample));
  return {
    ok: true,
    path: task.path,
    sessions: sessions.map((fit, i) => ({
      locator: sessions.length > 1 ? `session ${i + 1}` : 'session',
      fields: fit.activity,
    })),
    tsv: lines.length > 0 ? `${lines.join('\n')}\n` : '',
    samples: lines.length,
  };
}
