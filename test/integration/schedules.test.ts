/**
 * The registrar and the scheduled runs against a real dev server: plans and upserts, a trigger that runs the feature
 * pipeline end to end, and a backfill over three past days that runs exactly those as-of dates.
 */
import { randomUUID } from 'node:crypto';
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { declaredSchedules } from '../../schedules/declared.js';
import { applyPlan, OWNER, planSchedules, type PlanStep } from '../../schedules/registrar.js';
import type { ScheduleSettings } from '../../schedules/settings.js';
import { ingestActivities, type FeaturePipelineSummary, type ScheduledRunSummary } from '../../workflows/index.js';
import { dateIn } from '../../workflows/nominal-time.js';
import { freshDatabase, rows } from '../support/clickhouse.js';
import { runScript } from '../support/scripts.js';
import { devServerForFile } from '../support/temporal.js';
import { withWorker } from '../support/worker.js';

const server = devServerForFile();

// A zone 13 hours ahead of UTC in November: its 06:00 is the previous UTC day, so a UTC date would be wrong.
const ZONE = 'Pacific/Auckland';

function settings(taskQueue: string, overrides: Partial<ScheduleSettings> = {}): ScheduleSettings {
  return {
    temporal: {
      address: server.env.address,
      namespace: server.env.namespace ?? 'default',
      taskQueue,
      mlTaskQueue: `${taskQueue}-ml`,
    },
    timeZone: ZONE,
    idPrefix: `t${randomUUID().slice(0, 8)}-`,
    features: { hour: 6, minute: 0 },
    inference: { hour: 6, minute: 30 },
    inbox: { path: '/srv/inbox', hour: 5, minute: 30 },
    ...overrides,
  };
}

async function apply(s: ScheduleSettings): Promise<PlanStep[]> {
  const plan = await planSchedules(server.env.client, declaredSchedules(s), s.idPrefix);
  await applyPlan(server.env.client, plan);
  return plan;
}

const ops = (plan: PlanStep[]) => Object.fromEntries(plan.map((step) => [step.id, step.op]));

async function exists(client: Client, id: string): Promise<boolean> {
  try {
    await client.schedule.getHandle(id).describe();
    return true;
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return false;
    throw error;
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

async function listed(id: string): Promise<boolean> {
  for await (const summary of server.env.client.schedule.list()) if (summary.scheduleId === id) return true;
  return false;
}

describe('the schedule registrar', () => {
  it('creates, leaves alone on a second apply, updates a changed spec, deletes an undeclared one, spares the foreign', async () => {
    const s = settings(`q-${randomUUID()}`);
    const [features, inference, inbox] = declaredSchedules(s).map((d) => d.id) as [string, string, string];
    // Not the registrar's: one with its prefix but no memo, one with another prefix.
    const foreign = [`${s.idPrefix}hand-made`, `other-${randomUUID()}`];
    for (const scheduleId of foreign) {
      await server.env.client.schedule.create({
        scheduleId,
        spec: { calendars: [{ hour: 3 }] },
        state: { paused: true },
        action: { type: 'startWorkflow', workflowType: 'featurePipeline', taskQueue: 'nowhere', args: [{}] },
      });
    }

    expect(ops(await apply(s))).toEqual({ [features]: 'create', [inference]: 'create', [inbox]: 'create' });
    const before = await server.env.client.schedule.getHandle(features).describe();
    expect(before.memo).toEqual({ managedBy: OWNER });
    expect(before.spec.timezone).toBe(ZONE);
    expect(before.action).toMatchObject({
      workflowType: 'scheduledRun',
      taskQueue: s.temporal.taskQueue,
      args: [{ workflowType: 'featurePipeline', idPrefix: 'feature-pipeline', timeZone: ZONE }],
    });
    expect(before.policies).toMatchObject({ overlap: 'BUFFER_ONE', catchupWindow: 86_400_000 });

    // Applying twice changes nothing.
    expect(ops(await apply(s))).toEqual({ [features]: 'unchanged', [inference]: 'unchanged', [inbox]: 'unchanged' });
    expect((await server.env.client.schedule.getHandle(features).describe()).info.lastUpdatedAt).toEqual(
      before.info.lastUpdatedAt,
    );

    // A changed spec (time and action input) is updated, and only that schedule.
    const changed = {
      ...s,
      features: { hour: 7, minute: 15 },
      inbox: { path: '/srv/other-inbox', hour: 5, minute: 30 },
    };
    expect(ops(await apply(changed))).toEqual({ [features]: 'update', [inference]: 'unchanged', [inbox]: 'update' });
    const after = await server.env.client.schedule.getHandle(features).describe();
    expect(after.spec.calendars?.[0]).toMatchObject({
      hour: [{ start: 7, end: 7, step: 1 }],
      minute: [{ start: 15, end: 15, step: 1 }],
    });
    expect((await server.env.client.schedule.getHandle(inbox).describe()).action).toMatchObject({
      args: [{ inbox: '/srv/other-inbox' }],
    });
    expect(ops(await apply(changed))[features]).toBe('unchanged');

    // An edit made by hand (the UI) is put back.
    await server.env.client.schedule
      .getHandle(inference)
      .update((previous) => ({ ...previous, action: { ...previous.action, args: [{ hacked: true }] } }));
    expect(ops(await apply(changed))[inference]).toBe('update');
    expect((await server.env.client.schedule.getHandle(inference).describe()).action).toMatchObject({
      args: [{ workflowType: 'batchInference' }],
    });

    // No longer declared: deleted (once the list shows it), while the foreign ones survive.
    await until('the inbox schedule to be listed', async () => ((await listed(inbox)) ? true : undefined));
    const withoutInbox = { ...changed, inbox: undefined };
    expect(ops(await apply(withoutInbox))).toEqual({
      [features]: 'unchanged',
      [inference]: 'unchanged',
      [inbox]: 'delete',
    });
    expect(await exists(server.env.client, inbox)).toBe(false);
    for (const id of foreign) expect(await exists(server.env.client, id)).toBe(true);

    // A schedule it does not own under a declared id is reported and left alone.
    const squatted = settings(`q-${randomUUID()}`, { inbox: undefined });
    const squattedId = declaredSchedules(squatted)[0]!.id;
    await server.env.client.schedule.create({
      scheduleId: squattedId,
      spec: { calendars: [{ hour: 3 }] },
      state: { paused: true },
      action: { type: 'startWorkflow', workflowType: 'featurePipeline', taskQueue: 'nowhere', args: [{}] },
    });
    expect(ops(await apply(squatted))[squattedId]).toBe('foreign');
    expect((await server.env.client.schedule.getHandle(squattedId).describe()).action).toMatchObject({
      workflowType: 'featurePipeline',
    });
  });
});

const POPULATION = { seed: 11, athletes: 3, days: 40, streamShare: 0 };

describe('scheduled feature runs', () => {
  it('a trigger runs the feature pipeline end to end for the nominal date, once under feature-pipeline-<asOf>', async () => {
    const ch = await freshDatabase();
    await withWorker(server.env, ch, async (taskQueue) => {
      await server.env.client.workflow.execute(ingestActivities, {
        taskQueue,
        workflowId: `ingest-${randomUUID()}`,
        args: [{ synthetic: POPULATION }],
      });
      const s = settings(taskQueue, { inbox: undefined });
      await apply(s);
      const handle = server.env.client.schedule.getHandle(declaredSchedules(s)[0]!.id);
      const triggeredAt = new Date();
      await handle.trigger();
      const asOf = dateIn(ZONE, triggeredAt);
      const summary = await until('the triggered run', () =>
        resultOf<FeaturePipelineSummary>(`feature-pipeline-${asOf}`),
      );
      expect(summary.asOf).toBe(asOf);
      expect(summary.athletesTouched).toBe(POPULATION.athletes);
      expect(summary.checks.every((c) => c.passed)).toBe(true);
      const [latest] = await rows<{ d: string }>(
        ch,
        `SELECT toString(max(as_of_date)) AS d FROM ${ch.db}.athlete_rolling_features FINAL`,
      );
      expect(latest?.d).toBe(asOf);

      // A second trigger of the same day joins or reuses that run: nothing is computed twice.
      await handle.trigger();
      await until('the second scheduled run', async () => {
        const actions = (await handle.describe()).info.recentActions;
        return actions.length >= 2 ? actions : undefined;
      });
      const second = (await handle.describe()).info.recentActions[1]!;
      const wrapper = (await server.env.client.workflow
        .getHandle(second.action.workflow.workflowId)
        .result()) as ScheduledRunSummary;
      expect(wrapper).toMatchObject({ asOf, workflowId: `feature-pipeline-${asOf}` });
      expect((wrapper.result as FeaturePipelineSummary).runId).toBe(summary.runId);
      const [runs] = await rows<{ n: string }>(ch, `SELECT count() AS n FROM ${ch.db}.pipeline_runs FINAL`);
      expect(Number(runs?.n)).toBe(1);
    });
  });

  it('a backfill over three past days runs exactly those as-of dates', async () => {
    const ch = await freshDatabase();
    await withWorker(server.env, ch, async (taskQueue) => {
      await server.env.client.workflow.execute(ingestActivities, {
        taskQueue,
        workflowId: `ingest-${randomUUID()}`,
        args: [{ synthetic: POPULATION }],
      });
      const s = settings(taskQueue, { inbox: undefined });
      await apply(s);
      const handle = server.env.client.schedule.getHandle(declaredSchedules(s)[0]!.id);
      // Exactly 72 h: a daily schedule fires exactly three times in it. The window ends before the last scheduled
      // time: the trigger test above ran today's date on this server, and the dedup id feature-pipeline-<asOf> would
      // reuse that run (which wrote another database) instead of computing this one.
      const next = (await handle.describe()).info.nextActionTimes[0]!;
      const end = new Date(next.getTime() - 86_400_000 - 3_600_000);
      const start = new Date(end.getTime() - 72 * 3_600_000);
      const fireTimes = [1, 2, 3, 4, 5]
        .map((k) => new Date(next.getTime() - k * 86_400_000))
        .filter((t) => t >= start && t < end);
      expect(fireTimes).toHaveLength(3);
      const expected = fireTimes.map((t) => dateIn(ZONE, t)).sort();

      await handle.backfill([{ start, end, overlap: 'BUFFER_ALL' }]);
      const actions = await until('three backfilled runs', async () => {
        const recent = (await handle.describe()).info.recentActions;
        return recent.length >= 3 ? recent : undefined;
      });
      expect(actions).toHaveLength(3);
      const summaries = await Promise.all(
        actions.map(
          (a) =>
            server.env.client.workflow.getHandle(a.action.workflow.workflowId).result() as Promise<ScheduledRunSummary>,
        ),
      );
      expect(summaries.map((r) => r.asOf).sort()).toEqual(expected);
      expect(summaries.map((r) => r.workflowId).sort()).toEqual(expected.map((d) => `feature-pipeline-${d}`));
      for (const r of summaries) expect((r.result as FeaturePipelineSummary).asOf).toBe(r.asOf);
      const dates = await rows<{ d: string }>(
        ch,
        `SELECT DISTINCT toString(as_of) AS d FROM ${ch.db}.pipeline_runs FINAL ORDER BY d`,
      );
      expect(dates.map((r) => r.d)).toEqual(expected);
    });
  });
});

describe('npm run schedules:apply', () => {
  it('needs only Temporal settings; --dry-run prints the plan and changes nothing; then it applies', async () => {
    const prefix = `dry${randomUUID().slice(0, 6)}-`;
    const environment = {
      ...process.env,
      TEMPORAL_ADDRESS: server.env.address,
      TEMPORAL_NAMESPACE: server.env.namespace ?? 'default',
      SCHEDULE_ID_PREFIX: prefix,
      PIPELINE_TIME_ZONE: 'Europe/Paris',
      TRAINING_SCHEDULE: 'sun 04:00',
      CLICKHOUSE_URL: 'ftp://not-even-valid',
    };
    const registrar = (...args: string[]) => runScript('schedules/apply.ts', args, environment);
    const dry = await registrar('--dry-run');
    expect(dry.stdout).toMatch(new RegExp(`create\\s+${prefix}feature-pipeline-daily\\s+daily 06:00 Europe/Paris`));
    expect(dry.stdout).toMatch(new RegExp(`create\\s+${prefix}train-time-estimator-weekly\\s+weekly SUNDAY 04:00`));
    expect(dry.stdout).toContain('dry run: nothing changed');
    expect(await exists(server.env.client, `${prefix}feature-pipeline-daily`)).toBe(false);
    expect((await registrar()).stdout).toContain('3 change(s) applied');
    expect((await registrar()).stdout).toContain('0 change(s) applied');
  });
});

describe('a run that waits for another', () => {
  it('fails with a message naming the run it waited for and why that failed', async () => {
    const ch = await freshDatabase({ migrated: false });
    await withWorker(server.env, ch, async (taskQueue) => {
      const error = await server.env.client.workflow
        .execute('scheduledRun', {
          taskQueue,
          workflowId: `wrapper-${randomUUID()}`,
          args: [
            {
              workflowType: 'featurePipeline',
              taskQueue,
              idPrefix: `fp-${randomUUID().slice(0, 8)}`,
              timeZone: 'UTC',
              asOf: '2025-01-31',
              input: { athleteIds: 'a0001' },
            },
          ],
        })
        .then(
          () => undefined,
          (e: unknown) => e as Error & { cause?: Error },
        );
      expect(error?.cause?.message).toMatch(
        /^fp-\w+-2025-01-31 \(featurePipeline\) failed: Invalid featurePipeline input: athleteIds must be a list/,
      );
    });
  });

  it('fails with a clear message when the run does not finish within the wait timeout (no worker on its queue)', async () => {
    const ch = await freshDatabase({ migrated: false });
    await withWorker(server.env, ch, async (taskQueue) => {
      const nobody = `nobody-${randomUUID()}`;
      const error = await server.env.client.workflow
        .execute('scheduledRun', {
          taskQueue,
          workflowId: `wrapper-${randomUUID()}`,
          args: [
            {
              workflowType: 'featurePipeline',
              taskQueue: nobody,
              idPrefix: `fp-${randomUUID().slice(0, 8)}`,
              timeZone: 'UTC',
              asOf: '2025-01-31',
              waitTimeout: '3s',
            },
          ],
        })
        .then(
          () => undefined,
          (e: unknown) => e as Error & { cause?: Error },
        );
      expect(error?.cause?.message).toMatch(
        new RegExp(
          `^fp-\\w+-2025-01-31 \\(featurePipeline on task queue ${nobody}\\) did not finish within 3s: .*is a worker polling that task queue\\?`,
        ),
      );
    });
  });
});

async function resultOf<T>(workflowId: string): Promise<T | undefined> {
  try {
    const description = await server.env.client.workflow.getHandle(workflowId).describe();
    if (description.status.name === 'RUNNING') return undefined;
    return (await server.env.client.workflow.getHandle(workflowId).result()) as T;
  } catch (error) {
    if ((error as Error).name === 'WorkflowNotFoundError') return undefined;
    throw error;
  }
}
