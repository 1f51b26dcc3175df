/**
 * The inbox folder of the scheduled ingest. A run first *claims* the files dropped before its cutoff by renaming them
 * into `claimed/<claimId>/` (atomic on one file system: two runs never claim the same file), ingests them, then moves
 * each to `processed/<day>/` or `failed/<day>/` (with a `.reason.txt` beside it). A file is thus in exactly one place
 * at any time: never ingested twice, never lost. Every step is idempotent, so a retried activity redoes nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { classifyFile, IngestPlanError, planIngest, type IngestFile } from './classify-files.js';

export interface InboxClaim {
  /** recognized files, in ingestion (dependency) order */
  files: IngestFile[];
  /** files whose name or type cannot be ingested, with the reason */
  unrecognized: { path: string; reason: string }[];
}

export interface InboxSettlement {
  inbox: string;
  /** the claimed file */
  path: string;
  /** YYYY-MM-DD: the folder under processed/ or failed/ */
  day: string;
  /** absent: processed; present: failed, with why */
  failure?: string;
}

export const claimDir = (inbox: string, claimId: string) => path.join(inbox, 'claimed', safeName(claimId));

/** The claim's owner, kept in its folder: a run that ended without settling its files leaves them to the next run. */
const OWNER_FILE = '.claimed-by';

export async function claimInboxFiles(
  inbox: string,
  claimId: string,
  cutoff: Date,
  isAbandoned: (claimId: string) => Promise<boolean> = async () => false,
): Promise<InboxClaim> {
  if (!fs.existsSync(inbox) || !fs.statSync(inbox).isDirectory())
    throw new IngestPlanError(`inbox ${inbox}: no such directory`);
  const dir = claimDir(inbox, claimId);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, OWNER_FILE), claimId);
  await adoptAbandonedClaims(inbox, dir, isAbandoned);
  for (const name of fs.readdirSync(inbox).sort()) {
    const from = path.join(inbox, name);
    // A file still being written at the cutoff has a later mtime: it waits for the next run.
    if (name.startsWith('.') || !isFileBefore(from, cutoff)) continue;
    try {
      fs.renameSync(from, path.join(dir, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // another run took it first
    }
  }
  return classify(
    fs
      .readdirSync(dir)
      .filter((name) => !name.startsWith('.'))
      .sort()
      .map((name) => path.join(dir, name)),
  );
}

/** Files of claims whose run is over (terminated, timed out, failed mid-way) join this claim: none is lost. */
async function adoptAbandonedClaims(
  inbox: string,
  dir: string,
  isAbandoned: (claimId: string) => Promise<boolean>,
): Promise<void> {
  const claimed = path.join(inbox, 'claimed');
  for (const name of fs.readdirSync(claimed)) {
    const other = path.join(claimed, name);
    if (other === dir || !fs.existsSync(path.join(other, OWNER_FILE))) continue;
    if (!(await isAbandoned(fs.readFileSync(path.join(other, OWNER_FILE), 'utf8')))) continue;
    for (const file of fs.readdirSync(other).filter((f) => !f.startsWith('.')))
      fs.renameSync(path.join(other, file), path.join(dir, file));
    fs.rmSync(other, { recursive: true, force: true });
  }
}

function isFileBefore(file: string, cutoff: Date): boolean {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() && stat.mtime < cutoff;
  } catch {
    return false;
  }
}

function classify(paths: string[]): InboxClaim {
  const recognized: string[] = [];
  const unrecognized: InboxClaim['unrecognized'] = [];
  for (const file of paths.filter((p) => !p.endsWith('.reason.txt'))) {
    try {
      classifyFile(file);
      recognized.push(file);
    } catch (error) {
      unrecognized.push({ path: file, reason: (error as Error).message });
    }
  }
  return { files: recognized.length > 0 ? planIngest(recognized) : [], unrecognized };
}

/** Moves a claimed file to processed/ or failed/; returns where it now is. */
export function settleInboxFile(settlement: InboxSettlement): string {
  const folder = path.join(settlement.inbox, settlement.failure === undefined ? 'processed' : 'failed', settlement.day);
  fs.mkdirSync(folder, { recursive: true });
  const target = path.join(folder, path.basename(settlement.path));
  if (!fs.existsSync(settlement.path)) {
    if (fs.existsSync(target)) return target; // a retry of a move that already happened
    throw new Error(`inbox file ${settlement.path} vanished before it was settled`);
  }
  const free = freeName(target);
  if (settlement.failure !== undefined) fs.writeFileSync(`${free}.reason.txt`, `${settlement.failure}\n`);
  fs.renameSync(settlement.path, free);
  return free;
}

/** The same name dropped again on the same day is kept beside the first, never over it. */
function freeName(target: string): string {
  let candidate = target;
  for (let n = 1; fs.existsSync(candidate); n++) candidate = `${target}.${n}`;
  return candidate;
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9_.@-]/g, '_');
}
