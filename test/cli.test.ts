/** `npm run cli -- …` as a real process against a real dev server and worker. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ingestActivities } from '../workflows/index.js';
import { freshDatabase } from './support/clickhouse.js';
import { runScript } from './support/scripts.js';
import { devServerForFile } from './support/temporal.js';
import { withWorker } from './support/worker.js';

const server = devServerForFile();

async function cli(taskQueue: string, ...args: string[]): Promise<{ out: string; code: number }> {
  const environment = { ...process.env, TEMPORAL_ADDRESS: server.env.address, TEMPORAL_NAMESPACE: server.env.namespace ?? 'default', TEMPORAL_TASK_QUEUE: taskQueue };
  return runScript('cli/main.ts', args, environment, 120_000)
    .then(({ stdout, stderr }) => ({ out: stdout + stderr, code: 0 }), (e: { stdout: string; stderr: string; code: number }) => ({ out: e.stdout + e.stderr, code: e.code }));
}

describe('npm run cli', () => {
  it('prints help for every command', async () => {
    const { out, code } = await cli('unused', 'help');
    expect(code).toBe(0);
    for (const command of ['features', 'start', 'backfill', 'runs', 'athlete']) expect(out).toContain(`  ${command}`);
    const unknown = await cli('unused', 'frobnicate');
    expect(unknown.code).toBe(1);
    expect(unknown.out).toMatch(/unknown command "frobnicate"/);
  });

  it('runs, backfills, lists and shows features; bad input fails with its message', async () => {
    const ch = await freshDatabase();
    await withWorker(server.env, ch, async (taskQueue) => {
      await server.env.client.workflow.execute(ingestActivities, {
        taskQueue, workflowId: `ingest-${randomUUID()}`, args: [{ synthetic: { seed: 4, athletes: 2, days: 40, streamShare: 0, endDate: '2025-05-31' } }],
      });
      const run = await cli(taskQueue, 'features', '--as-of', '2025-05-29');
      expect(run.code, run.out).toBe(0);
      expect(run.out).toContain('featurePipeline feature-pipeline-2025-05-29 on');
      expect(run.out).toMatch(/"asOf": "2025-05-29"/);
      const again = await cli(taskQueue, 'features', '--as-of', '2025-05-29', '--no-follow');
      expect(again.out).toContain('feature-pipeline-2025-05-29 already succeeded');

      const backfill = await cli(taskQueue, 'backfill', '--from', '2025-05-30', '--to', '2025-05-31');
      expect(backfill.code, backfill.out).toBe(0);
      expect(backfill.out).toMatch(/2025-05-30: done, 2 athletes\n[^]*2025-05-31: done/);

      const runs = await cli(taskQueue, 'runs', '--type', 'featurePipeline');
      for (const day of ['29', '30', '31']) expect(runs.out).toMatch(new RegExp(`feature-pipeline-2025-05-${day}\\s+featurePipeline\\s+COMPLETED`));

      const athlete = await cli(taskQueue, 'athlete', 'a0001');
      expect(athlete.code, athlete.out).toBe(0);
      expect(athlete.out).toMatch(/as_of_date\s+2025-05-31/);
      expect(athlete.out).toMatch(/\bctl\s+\d/);
      const unknown = await cli(taskQueue, 'athlete', 'nobody');
      expect(unknown.code).toBe(1);
      expect(unknown.out).toMatch(/Unknown athlete "nobody"/);

      const badDate = await cli(taskQueue, 'features', '--as-of', '2025-02-30');
      expect(badDate.code).toBe(1);
      expect(badDate.out).toMatch(/--as-of "2025-02-30" must be an existing date/);
      const badInput = await cli(taskQueue, 'start', 'featurePipeline', '--input', '{"asOf": "2025-13-01"}', '--no-follow');
      expect(badInput.code).toBe(1);
      expect(badInput.out).toMatch(/asOf must be an existing date YYYY-MM-DD, got a string "2025-13-01"/);
    });
  });
});
