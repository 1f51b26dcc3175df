/**
 * The README's copy-paste `temporal workflow start` lines, run with the real CLI binary against a real dev server and
 * a real worker; and bad input from the CLI failing at once with its message.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/project-root.js';
import { temporalCliPath } from '../../infra/temporal-cli.js';
import * as workflows from '../../workflows/index.js';
import { freshDatabase } from '../support/clickhouse.js';
import { ndjson, writeFiles } from '../support/files.js';
import { devServerForFile } from '../support/temporal.js';
import { withWorker } from '../support/worker.js';

const run = promisify(execFile);
const server = devServerForFile();

/** The command lines of the README block, continuation lines joined, split into words like a shell would. */
function readmeCommands(): string[][] {
  const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
  const block = /<!-- manual-triggers:start -->\n```sh\n([\s\S]*?)```\n<!-- manual-triggers:end -->/.exec(readme)?.[1];
  if (!block) throw new Error('README: manual-triggers block not found');
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((line) => line.trim())
    .map(shellWords);
}

function shellWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

async function temporal(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const full = [...args, '--address', server.env.address, '--namespace', server.env.namespace ?? 'default'];
  return run(temporalCliPath(), full, { timeout: 120_000 }).then(
    ({ stdout, stderr }) => ({ stdout, stderr, code: 0 }),
    (error: { stdout: string; stderr: string; code: number }) => ({
      stdout: error.stdout,
      stderr: error.stderr,
      code: error.code,
    }),
  );
}

const athlete = { athlete_id: 'manual', name: 'Manual', sex: 'M', birth_year: 1985, time_zone: 'UTC' };
const activity = (day: number) => ({
  activity_id: `m${day}`,
  athlete_id: 'manual',
  sport: 'ride',
  start_time_utc: `2025-06-${String(day).padStart(2, '0')} 07:00:00`,
  distance_m: 40_000,
  moving_time_s: 5400,
  elapsed_time_s: 5600,
  elevation_gain_m: 300,
  avg_hr_bpm: 140,
  avg_power_w: 190,
});

/** What `npm run demo` leaves behind, in small: a trained time estimator whose version 1 is the champion. */
async function demoState(taskQueue: string, mlTaskQueue: string): Promise<void> {
  const run = <T>(type: string, input: unknown, queue = taskQueue) =>
    server.env.client.workflow.execute(type, {
      taskQueue: queue,
      workflowId: `demo-${randomUUID()}`,
      args: [input],
    }) as Promise<T>;
  await run(workflows.ingestActivities.name, {
    synthetic: { seed: 1, athletes: 8, days: 120, streamShare: 0, endDate: '2025-06-29', dirtyShare: 0 },
  });
  await run(workflows.featurePipeline.name, { asOf: '2025-06-29' });
  const trained = await run<{ version: number; promoted: boolean }>(
    workflows.trainTimeEstimator.name,
    { asOf: '2025-06-29', testWeeks: 2, validWeeks: 2 },
    mlTaskQueue,
  );
  expect(trained.version).toBe(1);
  if (!trained.promoted) await run(workflows.promoteModel.name, { version: 1 }, mlTaskQueue);
}

describe('the README manual triggers', () => {
  it('every `temporal workflow start` line runs its workflow to success', async () => {
    const commands = readmeCommands();
    expect(commands.length).toBeGreaterThanOrEqual(11);
    const exportDir = writeFiles({
      'athletes.ndjson': ndjson([athlete]),
      'activities.ndjson': ndjson([1, 5, 9, 14, 20, 28].map(activity)),
    });
    const inbox = writeFiles({ 'activities-late.ndjson': ndjson([activity(29)]) });
    fs.utimesSync(
      path.join(inbox, 'activities-late.ndjson'),
      new Date(Date.now() - 60_000),
      new Date(Date.now() - 60_000),
    );
    const ch = await freshDatabase();
    await withWorker(server.env, ch, async (taskQueue, mlTaskQueue) => {
      await demoState(taskQueue, mlTaskQueue);
      const types: string[] = [];
      for (const words of commands) {
        expect(words.slice(0, 3)).toEqual(['.tools/bin/temporal', 'workflow', 'start']);
        const args = words
          .slice(1)
          .map((word) =>
            (word === 'ml' ? mlTaskQueue : word)
              .replaceAll('feature-engineering', taskQueue)
              .replaceAll('/abs/path/to/export', exportDir)
              .replaceAll('/abs/path/to/inbox', inbox),
          );
        const started = await temporal([...args, '--output', 'json']);
        expect(started.code, `${words.join(' ')}\n${started.stderr}`).toBe(0);
        const { workflowId } = JSON.parse(started.stdout) as { workflowId: string };
        await server.env.client.workflow
          .getHandle(workflowId)
          .result()
          .catch((error: Error) => {
            throw new Error(
              `${words.join(' ')}\n${error.message}: ${(error.cause as Error | undefined)?.message ?? ''}`,
            );
          });
        types.push(words[words.indexOf('--type') + 1]!);
      }
      // Every exported workflow has its line: a new workflow without one fails here.
      const exported = Object.entries(workflows)
        .filter(([, value]) => typeof value === 'function')
        .map(([name]) => name);
      expect(new Set(types)).toEqual(new Set(exported));
      expect(exported.length).toBeGreaterThanOrEqual(11);
      const models = await server.env.client.workflow.execute(workflows.modelOverview, {
        taskQueue: mlTaskQueue,
        workflowId: `models-${randomUUID()}`,
        args: [{}],
      });
      expect(models.championHistory.slice(-2).map((h) => [h.action, h.fromVersion, h.toVersion])).toEqual([
        ['promote', 1, 2],
        ['rollback', 2, 1],
      ]);
      const processed = fs.readdirSync(path.join(inbox, 'processed'), { recursive: true, encoding: 'utf8' });
      expect(processed.some((file) => file.endsWith('activities-late.ndjson'))).toBe(true);
    });
  });
});

describe('bad input from the CLI', () => {
  it('fails at once, non-retryable, with what to fix', async () => {
    const ch = await freshDatabase({ migrated: false });
    await withWorker(server.env, ch, async (taskQueue) => {
      const cases: [string, object, RegExp][] = [
        [
          'featurePipeline',
          { asOf: '2025-02-30' },
          /asOf must be an existing date YYYY-MM-DD, got a string "2025-02-30"/,
        ],
        [
          'scheduledRun',
          {
            workflowType: 'featurePipeline',
            taskQueue,
            idPrefix: 'x',
            timeZone: 'Mars/Base',
            asOf: '2025-1-1',
            extra: 1,
          },
          /unknown key "extra".*timeZone must be an IANA time zone \(e.g. Europe\/Paris\), got "Mars\/Base".*asOf must be an existing date YYYY-MM-DD, got a string "2025-1-1"/,
        ],
        [
          'ingestInbox',
          { inbox: '/tmp', cutoff: 'yesterday' },
          /cutoff must be an ISO time such as 2026-11-25T06:00:00Z, got "yesterday"/,
        ],
        ['ingestActivities', {}, /Invalid ingestActivities input: needs paths/],
        ['modelOverview', { model: 'other' }, /Invalid modelOverview input: unknown key "model"/],
      ];
      for (const [type, input, message] of cases) {
        const workflowId = `bad-${randomUUID()}`;
        const result = await temporal([
          'workflow',
          'execute',
          '--task-queue',
          taskQueue,
          '--type',
          type,
          '--workflow-id',
          workflowId,
          '--input',
          JSON.stringify(input),
        ]);
        expect(result.code, type).not.toBe(0);
        expect(`${result.stdout}\n${result.stderr}`, type).toMatch(message);
        // At once: the first workflow task fails the run; no activity was ever scheduled, nothing is retried.
        const events = (await server.env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
        expect(
          events.some((e) => e.activityTaskScheduledEventAttributes),
          type,
        ).toBe(false);
        expect(
          events.filter((e) => e.workflowTaskStartedEventAttributes),
          type,
        ).toHaveLength(1);
      }
    });
  });
});
