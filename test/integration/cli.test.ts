/** `npm run cli -- …` as a real process against a real dev server and worker. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { derivePlannedActivities } from '../../cli/planned-sample.js';
import { batchInference, featurePipeline, ingestActivities, trainTimeEstimator } from '../../workflows/index.js';
import { freshDatabase } from '../support/clickhouse.js';
import { ndjson, writeFiles } from '../support/files.js';
import { runScript } from '../support/scripts.js';
import { devServerForFile } from '../support/temporal.js';
import { withWorker } from '../support/worker.js';

const server = devServerForFile();

async function cli(taskQueue: string | [string, string], ...args: string[]): Promise<{ out: string; code: number }> {
  const environment = {
    ...process.env,
    TEMPORAL_ADDRESS: server.env.address,
    TEMPORAL_NAMESPACE: server.env.namespace ?? 'default',
    TEMPORAL_TASK_QUEUE: [taskQueue].flat()[0],
    ML_TASK_QUEUE: [taskQueue].flat()[1] ?? 'unused',
  };
  return runScript('cli/main.ts', args, environment, 120_000).then(
    ({ stdout, stderr }) => ({ out: stdout + stderr, code: 0 }),
    (e: { stdout: string; stderr: string; code: number }) => ({ out: e.stdout + e.stderr, code: e.code }),
  );
}

describe('npm run cli', () => {
  it('prints help for every command', async () => {
    const { out, code } = await cli('unused', 'help');
    expect(code).toBe(0);
    for (const command of ['features', 'start', 'backfill', 'runs', 'athlete', 'models', 'promote', 'rollback'])
      expect(out).toContain(`  ${command}`);
    const unknown = await cli('unused', 'frobnicate');
    expect(unknown.code).toBe(1);
    expect(unknown.out).toMatch(/unknown command "frobnicate"/);
  });

  it('runs, backfills, lists and shows features; bad input fails with its message', async () => {
    const ch = await freshDatabase();
    await withWorker(server.env, ch, async (taskQueue) => {
      await server.env.client.workflow.execute(ingestActivities, {
        taskQueue,
        workflowId: `ingest-${randomUUID()}`,
        args: [{ synthetic: { seed: 4, athletes: 2, days: 40, streamShare: 0, endDate: '2025-05-31' } }],
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
      for (const day of ['29', '30', '31'])
        expect(runs.out).toMatch(new RegExp(`feature-pipeline-2025-05-${day}\\s+featurePipeline\\s+COMPLETED`));

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
      const badInput = await cli(
        taskQueue,
        'start',
        'featurePipeline',
        '--input',
        '{"asOf": "2025-13-01"}',
        '--no-follow',
      );
      expect(badInput.code).toBe(1);
      expect(badInput.out).toMatch(/asOf must be an existing date YYYY-MM-DD, got a string "2025-13-01"/);
    });
  });

  it("lists models, promotes and rolls back, and shows an athlete's predictions", async () => {
    const ch = await freshDatabase();
    await withWorker(server.env, ch, async (taskQueue, mlTaskQueue) => {
      const queues: [string, string] = [taskQueue, mlTaskQueue];
      const run = async (workflow: string, input: unknown, queue = taskQueue) =>
        server.env.client.workflow.execute(workflow, {
          taskQueue: queue,
          workflowId: `cli-${randomUUID()}`,
          args: [input],
        }) as Promise<{ version: number; promoted: boolean }>;
      const none = await cli(queues, 'models');
      expect(none.code, none.out).toBe(0);
      expect(none.out).toContain('time_estimator: champion (none)');

      await run(ingestActivities.name, {
        synthetic: { seed: 5, athletes: 8, days: 120, streamShare: 0, endDate: '2025-06-30', dirtyShare: 0 },
      });
      await run(featurePipeline.name, { asOf: '2025-07-01' });
      const train = { asOf: '2025-07-01', testWeeks: 2, validWeeks: 2, params: { nTrees: 30 } };
      const first = await run(trainTimeEstimator.name, train, mlTaskQueue);
      const second = await run(
        trainTimeEstimator.name,
        { ...train, params: { nTrees: 3, learningRate: 0.05 } },
        mlTaskQueue,
      );
      expect([first.version, second.version]).toEqual([1, 2]);
      if (!first.promoted)
        expect((await cli(queues, 'promote', '1')).out).toMatch(/champion: \(none\) -> v1 \(promote\)/);

      const promoted = await cli(queues, 'promote', '2', '--reason', 'cli test');
      expect(promoted.code, promoted.out).toBe(0);
      expect(promoted.out).toMatch(/champion: v1 -> v2 \(promote\)/);
      const models = await cli(queues, 'models');
      expect(models.code, models.out).toBe(0);
      expect(models.out).toContain('time_estimator: champion v2');
      expect(models.out).toMatch(/v1\s+\S+ \S+\s+\d+\s+\d+\.\d/);
      expect(models.out).toMatch(/v2 \*\s/);
      expect(models.out).toMatch(/promote\s+\S+\s+v2\s+promoteModel promote-model-\d+\s+cli test/);

      const rolledBack = await cli(queues, 'rollback');
      expect(rolledBack.code, rolledBack.out).toBe(0);
      const afterRollback = await cli(queues, 'models');
      expect(afterRollback.out).toContain('time_estimator: champion v1');
      expect(afterRollback.out).toMatch(/rollback\s+v2\s+v1\s/);
      const badVersion = await cli(queues, 'promote', 'two');
      expect(badVersion.code).toBe(1);
      expect(badVersion.out).toMatch(/promote needs a model version \(a whole number from 1\), got "two"/);

      const nothingYet = await cli(queues, 'athlete', 'a0001');
      expect(nothingYet.out).toContain('(none yet: ingest planned activities and run batchInference)');
      const planned = (await derivePlannedActivities(ch, '2025-07-02', 20)).filter((p) => p.athlete_id === 'a0001');
      expect(planned.length).toBeGreaterThan(0);
      await run(ingestActivities.name, { paths: [writeFiles({ 'planned.ndjson': ndjson(planned) })] });
      await run(featurePipeline.name, { asOf: '2025-07-01' });
      await run(batchInference.name, { asOf: '2025-07-01' }, mlTaskQueue);
      const athlete = await cli(queues, 'athlete', 'a0001');
      expect(athlete.code, athlete.out).toBe(0);
      expect(athlete.out).toContain('a0001: latest predictions (batch inference as of 2025-07-01)');
      for (const p of planned)
        expect(athlete.out).toMatch(
          new RegExp(`${p.planned_id}\\s+2025-07-02\\s+${p.sport}\\s+[\\d.]+\\s+\\d+:\\d\\d:\\d\\d\\s+1`),
        );
    });
  });
});
