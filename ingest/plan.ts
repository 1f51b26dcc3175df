import fs from 'node:fs';
import path from 'node:path';

export type RecordKind = 'athletes' | 'thresholds' | 'activities' | 'planned' | 'fit' | 'streams';
export type FileFormat = 'ndjson' | 'csv' | 'fit';

export interface IngestFile {
  path: string;
  kind: RecordKind;
  format: FileFormat;
}

/** Dependency order: an activity needs its athlete, a sample needs its activity. */
const KIND_ORDER: RecordKind[] = ['athletes', 'thresholds', 'activities', 'planned', 'fit', 'streams'];

const KIND_BY_NAME: [RegExp, RecordKind][] = [
  [/^athletes?\b/i, 'athletes'],
  [/^(athlete[_-]?)?thresholds?\b/i, 'thresholds'],
  [/^activit(y|ies)\b/i, 'activities'],
  [/^planned/i, 'planned'],
  [/^(activity[_-]?)?(streams?|samples?)\b/i, 'streams'],
];

const FORMAT_BY_EXT: Record<string, FileFormat> = { '.ndjson': 'ndjson', '.jsonl': 'ndjson', '.json': 'ndjson', '.csv': 'csv', '.fit': 'fit' };

/** Why a path cannot be ingested; the workflow fails fast on it (not retryable). */
export class IngestPlanError extends Error {}

export function classifyFile(filePath: string): IngestFile {
  const base = path.basename(filePath);
  const format = FORMAT_BY_EXT[path.extname(base).toLowerCase()];
  if (!format) throw new IngestPlanError(`${filePath}: unsupported file type (use .ndjson, .jsonl, .json, .csv or .fit)`);
  if (format === 'fit') return { path: filePath, kind: 'fit', format };
  const kind = KIND_BY_NAME.find(([pattern]) => pattern.test(base))?.[1];
  if (!kind) {
    throw new IngestPlanError(`${filePath}: cannot tell what the file holds: name it athletes*, thresholds*, activities*, planned* or streams* (.ndjson or .csv)`);
  }
  return { path: filePath, kind, format };
}

/** Files (directories are walked) in the order they must be ingested. */
export function planIngest(paths: string[]): IngestFile[] {
  const files = paths.flatMap((p) => expand(path.resolve(p))).map(classifyFile);
  return files.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.path.localeCompare(b.path));
}

function expand(p: string): string[] {
  if (!fs.existsSync(p)) throw new IngestPlanError(`${p}: no such file or directory`);
  if (!fs.statSync(p).isDirectory()) return [p];
  return fs.readdirSync(p).filter((name) => !name.startsWith('.')).sort().flatMap((name) => expand(path.join(p, name)));
}
