import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '../clickhouse/client.js';
import { ingestActivities, type IngestInput } from '../workflows/index.js';
import { freshDatabase, rows } from './support/clickhouse.js';
import { encodeFitActivity } from './support/fit-file.js';
import { ndjson, writeFiles } from './support/files.js';
import { startTemporal } from './support/temporal.js';
import { withWorker } from './support/worker.js';

let env: TestWorkflowEnvironment;
let ch: ClickHouse;

beforeAll(async () => {
  env = await startTemporal();
  ch = await freshDatabase();
});
afterAll(async () => {
  await env?.teardown();
});

const ingest = (input: IngestInput) =>
  withWorker(env, ch, (taskQueue) =>
    env.client.workflow.execute(ingestActivities, { args: [input], taskQueue, workflowId: `ingest-${Date.now()}-${Math.random()}` }),
  );

describe('ingestActivities on the Temporal dev server', () => {
  it('ingests athletes and a FIT ride end to end', async () => {
    const fit = encodeFitActivity({
      sport: 'cycling', start: new Date('2025-03-02T08:00:00Z'), seconds: 900, utcOffsetMin: 60, serialNumber: 42,
      heartRate: (t) => 120 + t / 30, power: (t) => 180 + (t % 60), speed: () => 9, altitude: (t) => 100 + t / 10,
      pauseAt: { from: 400, to: 460 },
    });
    const dir = writeFiles({
      'athletes.ndjson': ndjson([{ athlete_id: 'fit-rider', name: 'Rider', sex: 'F', birth_year: 1992, time_zone: 'Europe/Berlin' }]),
      'rides/morning.fit': fit,
    });
    const summary = await ingest({ paths: [dir], athleteId: 'fit-rider' });
    expect(summary.rejected).toBe(0);
    expect(summary.sources.map((s) => s.kind)).toEqual(['athletes', 'fit']);
    const [activity] = await rows<Record<string, unknown>>(ch, `SELECT * FROM ${ch.db}.activities FINAL WHERE athlete_id = 'fit-rider'`);
    expect(activity).toMatchObject({ sport: 'ride', moving_time_s: 840, elapsed_time_s: 900, utc_offset_min: 60, start_time_utc: '2025-03-02 08:00:00' });
    const [streams] = await rows<{ n: number; first: number; last: number; gap: number }>(
      ch,
      `SELECT toUInt32(count()) AS n, min(t_s) AS first, max(t_s) AS last, toUInt32(countIf(t_s >= 400 AND t_s < 460)) AS gap
       FROM ${ch.db}.activity_streams WHERE activity_id = {id:String}`,
      { id: activity!.activity_id },
    );
    expect(streams).toEqual({ n: 840, first: 0, last: 899, gap: 0 });

    const again = await ingest({ paths: [dir], athleteId: 'fit-rider' });
    expect(again.inserted).toBe(0);
  });

  it('fails fast, without retries, on a path that does not exist', async () => {
    const error = await ingest({ paths: ['/no/such/dir'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(String((error as WorkflowFailedError).cause?.message)).toMatch(/no such file or directory/);
  });

  it('fails fast on empty input with a message that says what to pass', async () => {
    const error = await ingest({}).catch((e: unknown) => e);
    expect(String((error as WorkflowFailedError).cause?.message)).toMatch(/needs paths/);
  });
});
