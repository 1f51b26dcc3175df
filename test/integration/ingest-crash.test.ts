/**
 * A worker process killed (SIGKILL) while it writes activity_streams: the slice is retried on a new worker
 * process that opens the same embedded data, the workflow finishes, and every ingestion table, raw and
 * FINAL, equals a clean run's; a re-ingest afterwards inserts nothing (issue 6, item 1). Real processes,
 * real dev server, real embedded engine.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openClickHouse, type ClickHouse } from '../../clickhouse/client.js';
import { migrate } from '../../clickhouse/migrate.js';
import { databaseName } from '../../clickhouse/sql.js';
import { ingestActivities, type IngestInput } from '../../workflows/index.js';
import { duplicateSamples, ingestTableFingerprints } from '../support/ingest-tables.js';
import { withWorker } from '../support/worker.js';
import { workerProcessSuite, type WorkerExit, type WorkerProcess } from '../support/worker-process.js';

// One slice of a few million samples: its INSERT into activity_streams commits several parts, one after
// the other, so the worker can be killed after some samples are stored and before the upload is recorded.
const INPUT: IngestInput = {
  synthetic: {
    seed: 21,
    athletes: 6,
    days: 365,
    streamShare: 0.6,
    dirtyShare: 0.02,
    endDate: '2025-06-30',
    athletesPerActivity: 6,
  },
};

let ch: ClickHouse | undefined;
const database = 'crash_ingest';
const suite = workerProcessSuite('ingest-crash', { CLICKHOUSE_DATABASE: database }, () => ch?.close());
const { dataPath, taskQueue, spawnWorker } = suite;

/** Committed data parts of a table (not tmp_insert_*, which a killed insert leaves unused), read from the engine's directory. */
const parts = (table: string) => {
  try {
    return fs.readdirSync(path.join(dataPath, 'data', database, table)).filter((name) => /^all_/.test(name));
  } catch {
    return [];
  }
};

/**
 * SIGKILLs the worker as soon as the first samples are stored in activity_streams: the insert is still
 * writing its other parts, and the upload is not recorded yet (the state a retry must repair).
 */
async function killWhileStreamsAreWritten(worker: WorkerProcess): Promise<void> {
  while (parts('activity_streams').length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  worker.kill('SIGKILL');
  const atKill = { streams: parts('activity_streams'), uploads: parts('activity_stream_uploads') };
  expect(await worker.exited).toEqual<WorkerExit>({ code: null, signal: 'SIGKILL' });
  expect(atKill.streams.length).toBeGreaterThan(0);
  expect(atKill.uploads).toEqual([]);
}

describe('a worker killed while it writes activity_streams', () => {
  it(
    "retries on a new worker; the tables equal a clean run's; a re-ingest changes nothing",
    { timeout: 600_000 },
    async () => {
      const first = await spawnWorker();
      const handle = await suite.env.client.workflow.start(ingestActivities, {
        taskQueue,
        workflowId: `crash-ingest-${randomUUID()}`,
        args: [INPUT],
      });
      await killWhileStreamsAreWritten(first);

      // The kernel drops the engine's file lock with the dead process: a new worker opens the same path and
      // takes the killed slices over once their heartbeat times out.
      const second = await spawnWorker();
      const summary = await handle.result();
      const events = (await handle.fetchHistory()).events ?? [];
      expect(events.some((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1)).toBe(true);
      second.kill('SIGTERM');
      expect(await second.exited).toEqual<WorkerExit>({ code: 0, signal: null });

      ch = openClickHouse({ kind: 'embedded', path: dataPath, database });
      expect(await duplicateSamples(ch)).toBe(0);
      const afterCrash = await ingestTableFingerprints(ch);
      expect(afterCrash.activity_streams.rows).toBeGreaterThan(2_000_000);

      const clean: ClickHouse = { ...ch, db: databaseName('clean_ingest'), close: async () => {} };
      await migrate(clean);
      const cleanSummary = await withWorker(suite.env, clean, (queue) =>
        suite.env.client.workflow.execute(ingestActivities, {
          taskQueue: queue,
          workflowId: `clean-${randomUUID()}`,
          args: [INPUT],
        }),
      );
      expect(afterCrash).toEqual(await ingestTableFingerprints(clean));
      expect(summary.rejected).toBe(cleanSummary.rejected);

      const again = await withWorker(suite.env, ch, (queue) =>
        suite.env.client.workflow.execute(ingestActivities, {
          taskQueue: queue,
          workflowId: `again-${randomUUID()}`,
          args: [INPUT],
        }),
      );
      expect(again.inserted).toBe(0);
      expect(await ingestTableFingerprints(ch)).toEqual(afterCrash);
    },
  );
});
