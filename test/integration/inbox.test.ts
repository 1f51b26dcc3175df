/**
 * The inbox ingest on a real dev server and the real engine: files dropped before the cutoff are claimed, ingested
 * and moved to processed/ or failed/; a file is never ingested twice, not even by two runs at once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../clickhouse/client.js';
import { ingestInbox, type IngestInboxInput, type IngestInboxSummary } from '../../workflows/index.js';
import { freshDatabase, rows } from '../support/clickhouse.js';
import { ndjson, writeFiles } from '../support/files.js';
import { devServerForFile } from '../support/temporal.js';
import { withWorker } from '../support/worker.js';

const server = devServerForFile();

const athlete = (id: string) => ({ athlete_id: id, name: id, sex: 'F', birth_year: 1990, time_zone: 'UTC' });
const activity = (id: string, athleteId: string, day: number) => ({
  activity_id: id,
  athlete_id: athleteId,
  sport: 'run',
  start_time_utc: `2025-03-${String(day).padStart(2, '0')} 07:00:00`,
  distance_m: 10_000,
  moving_time_s: 3000,
  elapsed_time_s: 3100,
  elevation_gain_m: 50,
  avg_hr_bpm: 150,
});

const runInbox = (taskQueue: string, input: IngestInboxInput): Promise<IngestInboxSummary> =>
  server.env.client.workflow.execute(ingestInbox, { taskQueue, workflowId: `inbox-${randomUUID()}`, args: [input] });

/** Data files under `dir` (the claims' owner files excluded). */
const filesIn = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((f) => fs.statSync(path.join(dir, f)).isFile() && !path.basename(f).startsWith('.'))
        .sort()
    : [];

async function activityCount(ch: ClickHouse): Promise<number> {
  const [row] = await rows<{ n: string }>(ch, `SELECT count() AS n FROM ${ch.db}.activities`);
  return Number(row?.n);
}

describe('the inbox ingest', () => {
  it('moves every file to processed/ or failed/, leaves later files for the next run, never ingests one twice', async () => {
    const ch = await freshDatabase();
    const inbox = writeFiles({
      'athletes.ndjson': ndjson([athlete('ann'), athlete('bob')]),
      'activities-march.ndjson': ndjson([activity('r1', 'ann', 3), activity('r2', 'bob', 4)]),
      'notes.txt': 'not data\n',
    });
    // Still being written at the cutoff: it waits for the next run.
    const late = path.join(inbox, 'activities-late.ndjson');
    fs.writeFileSync(late, ndjson([activity('r3', 'ann', 5)]));
    const cutoff = new Date(Date.now() + 60_000);
    fs.utimesSync(late, new Date(cutoff.getTime() + 60_000), new Date(cutoff.getTime() + 60_000));

    await withWorker(server.env, ch, async (taskQueue) => {
      const first = await runInbox(taskQueue, { inbox, cutoff: cutoff.toISOString(), timeZone: 'UTC' });
      const day = cutoff.toISOString().slice(0, 10);
      expect(first.sources.map((s) => s.kind)).toEqual(['athletes', 'activities']);
      expect(first.inserted).toBe(4);
      expect(first.processed.map((p) => path.relative(inbox, p)).sort()).toEqual([
        `processed/${day}/activities-march.ndjson`,
        `processed/${day}/athletes.ndjson`,
      ]);
      expect(first.failed).toEqual([
        { file: path.join(inbox, 'failed', day, 'notes.txt'), reason: expect.stringMatching(/unsupported file type/) },
      ]);
      expect(fs.readFileSync(path.join(inbox, 'failed', day, 'notes.txt.reason.txt'), 'utf8')).toMatch(
        /unsupported file type/,
      );
      expect(fs.readdirSync(inbox).sort()).toEqual(['activities-late.ndjson', 'claimed', 'failed', 'processed']);
      expect(await activityCount(ch)).toBe(2);

      // The next run takes only the file left behind; nothing processed comes back.
      const second = await runInbox(taskQueue, {
        inbox,
        cutoff: new Date(cutoff.getTime() + 120_000).toISOString(),
        timeZone: 'UTC',
      });
      expect(second.sources.map((s) => path.basename(s.source))).toEqual(['activities-late.ndjson']);
      expect(second.inserted).toBe(1);
      expect(await activityCount(ch)).toBe(3);
      const third = await runInbox(taskQueue, { inbox, cutoff: new Date(cutoff.getTime() + 180_000).toISOString() });
      expect(third.sources).toEqual([]);
      expect(filesIn(path.join(inbox, 'claimed'))).toEqual([]);
      expect(filesIn(path.join(inbox, 'processed'))).toHaveLength(3);
    });
  });

  it('two runs at once share the files: each file is ingested by exactly one of them', async () => {
    const ch = await freshDatabase();
    const files = Object.fromEntries(
      Array.from({ length: 6 }, (_, i) => [`activities-${i}.ndjson`, ndjson([activity(`x${i}`, 'ann', i + 1)])]),
    );
    const inbox = writeFiles({ 'athletes.ndjson': ndjson([athlete('ann')]), ...files });
    await withWorker(server.env, ch, async (taskQueue) => {
      const cutoff = new Date(Date.now() + 60_000).toISOString();
      const [a, b] = await Promise.all([
        runInbox(taskQueue, { inbox, cutoff }),
        runInbox(taskQueue, { inbox, cutoff }),
      ]);
      const ingested = [...a.sources, ...b.sources].map((s) => path.basename(s.source)).sort();
      expect(ingested).toEqual(['athletes.ndjson', ...Object.keys(files)].sort());
      expect(filesIn(path.join(inbox, 'processed'))).toHaveLength(7);
      expect(await activityCount(ch)).toBe(6);
    });
  });

  it('adopts the files a run left claimed when it ended without settling them', async () => {
    const ch = await freshDatabase();
    const inbox = writeFiles({
      'claimed/old-run/athletes.ndjson': ndjson([athlete('cara')]),
      'claimed/old-run/.claimed-by': `terminated-${randomUUID()}`,
    });
    await withWorker(server.env, ch, async (taskQueue) => {
      const summary = await runInbox(taskQueue, { inbox, cutoff: new Date(Date.now() + 60_000).toISOString() });
      expect(summary.sources.map((s) => path.basename(s.source))).toEqual(['athletes.ndjson']);
      expect(summary.inserted).toBe(1);
      expect(fs.existsSync(path.join(inbox, 'claimed', 'old-run'))).toBe(false);
      expect(filesIn(path.join(inbox, 'claimed'))).toEqual([]);
      expect(filesIn(path.join(inbox, 'processed'))).toHaveLength(1);
    });
  });

  it('rejects unknown fields and a relative inbox at once, with the message', async () => {
    const ch = await freshDatabase({ migrated: false });
    await withWorker(server.env, ch, async (taskQueue) => {
      const error = await runInbox(taskQueue, { inbox: 'relative/inbox', cuttoff: 'x' } as IngestInboxInput).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(String((error as Error & { cause?: Error }).cause?.message)).toMatch(
        /unknown key "cuttoff" \(did you mean "cutoff"\?\).*inbox must be an absolute folder path, got "relative\/inbox"/,
      );
    });
  });
});
