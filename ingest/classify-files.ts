import fs from 'node:fs';
import path from 'node:path';

export type RecordKind = 'athletes' | 'thresholds' | 'activities' | 'planned' | 'fit' | 'streams' | 'deletions';
export type FileFormat = 'ndjson' | 'csv' | 'fit';

export interface IngestFile {
  path: string;
  kind: RecordKind;
  format: FileFormat;
}

/** Dependency order: an activity needs its athlete, a sample needs its activity; deletions apply to what came before. */
const KIND_ORDER: RecordKind[] = ['athletes', 'thresholds', 'activities', 'planned', 'fit', 'streams', 'deletions'];

/**
 * What a file holds, told by how its name begins (the README's `athletes*`, `thresholds*`, `activities*`, `planned*`,
 * `streams*`): a prefix, so `activities_2025.ndjson` counts (a word boundary would not break before `_`).
 * The longer names go first: `athlete_thresholds*` is thresholds, `activity_streams*` streams.
 */
const KIND_BY_NAME: [RegExp, RecordKind][] = [
  [/^(athlete[_-]?)?thresholds?/i, 'thresholds'],
  [/^(activity[_-]?)?(streams?|samples?)/i, 'streams'],
  [/^athletes?/i, 'athletes'],
  [/^activit(y|ies)/i, 'activities'],
  [/^planned/i, 'planned'],
  [/^deletions?/i, 'deletions'],
];

const FORMAT_BY_EXT: Record<string, FileFormat> = {
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.json': 'ndjson',
  '.csv': 'csv',
  '.fit': 'fit',
};

/**
 * Files per ingest run: each is one activity, and a workflow's history is capped (51,200 events) as is the
 * plan's size (2 MB per activity result). Larger uploads are split over several runs.
 */
export const MAX_FILES = 5_000;
/** The plan travels as an activity result (Temporal refuses more than 2 MB): long paths count too. */
const MAX_PLAN_BYTES = 1_500_000;

/** Why a path cannot be ingested; the workflow fails fast on it (not retryable). */
export class IngestPlanError extends Error {}

export function classifyFile(filePath: string): IngestFile {
  const base = path.basename(filePath);
  const format = FORMAT_BY_EXT[path.extname(base).toLowerCase()];
  if (!format)
    throw new IngestPlanError(`${filePath}: unsupported file type (use .ndjson, .jsonl, .json, .csv or .fit)`);
  if (format === 'fit') return { path: filePath, kind: 'fit', format };
  const kind = KIND_BY_NAME.find(([pattern]) => pattern.test(base))?.[1];
  if (!kind) {
    throw new IngestPlanError(
      `${filePath}: cannot tell what the file holds: name it athletes*, thresholds*, activities*, planned*, streams* or deletions* (.ndjson or .csv)`,
    );
  }
  return { path: filePath, kind, format };
}

/**
 * Files (directories are walked) in the order they must be ingested, checked whole before anything is
 * written: a problem that would stop the ingest halfway (a FIT file without its athlete) stops it here.
 * Entries that exist but cannot be read as files (a FIFO, a symlink loop) are planned like any file named
 * like data: the file's own ingest refuses them with a reject row, and the other files go on.
 */
export function planIngest(paths: string[], athleteId?: string): IngestFile[] {
  const visited = new Set<string>();
  const files = paths.flatMap((p) => expand(path.resolve(p), visited, true)).map(classifyFile);
  const planBytes = JSON.stringify(files).length;
  if (files.length > MAX_FILES || planBytes > MAX_PLAN_BYTES) {
    const size =
      files.length > MAX_FILES
        ? `at most ${MAX_FILES} per run`
        : `their paths make a plan of ${(planBytes / 1e6).toFixed(1)} MB, at most ${MAX_PLAN_BYTES / 1e6} MB`;
    throw new IngestPlanError(`${files.length} files to ingest, ${size}: split the paths over several runs`);
  }
  const fit = files.filter((f) => f.kind === 'fit');
  if (fit.length > 0 && !athleteId) {
    throw new IngestPlanError(
      `${fit.length} FIT file(s) (${fit[0]!.path}${fit.length > 1 ? ', …' : ''}) do not name their athlete: pass athleteId ` +
        '(npm run ingest -- --athlete ID FILE); nothing was ingested',
    );
  }
  return files.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.path.localeCompare(b.path));
}

/** A path's files; `visited` (real paths of walked directories) stops a symlink cycle from walking forever. */
function expand(p: string, visited: Set<string>, given = false): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A path the user typed that does not exist is a typo: stop. A symlink loop is a file that cannot be read.
    if (code === 'ENOENT' && given) throw new IngestPlanError(`${p}: no such file or directory`);
    if (code === 'ENOENT' || code === 'ELOOP' || code === 'EACCES') return [p];
    throw error;
  }
  if (!stat.isDirectory()) return [p];
  const real = fs.realpathSync(p);
  if (visited.has(real)) return [];
  visited.add(real);
  return fs
    .readdirSync(p)
    .filter((name) => !name.startsWith('.'))
    .sort()
    .flatMap((name) => expand(path.join(p, name), visited));
}
