import type { ScheduleOverlapPolicy } from '@temporalio/client';
import type { IngestInboxInput, ScheduledRunInput } from '../workflows/index.js';
import type { DayOfWeek, ScheduleSettings, TimeOfDay } from './settings.js';

/** One schedule as the registrar wants it to be. */
export interface DeclaredSchedule {
  id: string;
  /** shown as the schedule's note in the UI */
  description: string;
  at: TimeOfDay & { dayOfWeek?: DayOfWeek };
  timeZone: string;
  workflowType: 'scheduledRun' | 'ingestInbox';
  taskQueue: string;
  input: ScheduledRunInput | IngestInboxInput;
  overlap: ScheduleOverlapPolicy;
  catchupWindow: string;
}

/**
 * The product's schedules. Every daily one starts a thin workflow that turns the run's nominal time into its as-of
 * date and runs the real workflow under a deduplicating id (`feature-pipeline-2026-11-25`).
 *
 * Catch-up windows of one day: a missed run (server down, schedule paused over 06:00) is still taken when the server
 * comes back the same day; older gaps are for an explicit `temporal schedule backfill`, not a surprise burst of runs.
 */
export function declaredSchedules(s: ScheduleSettings): DeclaredSchedule[] {
  const { timeZone } = s;
  const run = (
    workflowType: string,
    taskQueue: string,
    idPrefix: string,
    extra: Partial<ScheduledRunInput> = {},
  ): ScheduledRunInput => ({ workflowType, taskQueue, idPrefix, timeZone, ...extra });
  const schedules: DeclaredSchedule[] = [
    {
      id: `${s.idPrefix}feature-pipeline-daily`,
      description: 'Daily features as of the scheduled date (activity → daily → rolling ‖ weekly → checks).',
      at: s.features,
      timeZone,
      workflowType: 'scheduledRun',
      taskQueue: s.temporal.taskQueue,
      input: run('featurePipeline', s.temporal.taskQueue, 'feature-pipeline'),
      // BUFFER_ONE: a run still going at the next 06:00 (a big backlog) finishes first, then the next day runs: two
      // pipelines never write the feature tables at once, and no day is skipped.
      overlap: 'BUFFER_ONE',
      catchupWindow: '1 day',
    },
    {
      id: `${s.idPrefix}batch-inference-daily`,
      description:
        "Daily predictions as of the scheduled date, after that date's features (it waits for feature-pipeline-<asOf>).",
      at: s.inference,
      timeZone,
      workflowType: 'scheduledRun',
      taskQueue: s.temporal.mlTaskQueue,
      input: run('batchInference', s.temporal.mlTaskQueue, 'batch-inference', {
        input: { featureTaskQueue: s.temporal.taskQueue },
      }),
      // BUFFER_ONE: it waits for its features, so it may outlast 24 h when they are late; the next day then follows.
      overlap: 'BUFFER_ONE',
      catchupWindow: '1 day',
    },
  ];
  if (s.training) {
    schedules.push({
      id: `${s.idPrefix}train-time-estimator-weekly`,
      description: 'Weekly training of the time estimator; the promotion gate decides whether it becomes champion.',
      at: s.training,
      timeZone,
      workflowType: 'scheduledRun',
      taskQueue: s.temporal.mlTaskQueue,
      // The trainer takes its own window; the id still makes one training per scheduled day.
      input: run('trainTimeEstimator', s.temporal.mlTaskQueue, 'train-time-estimator', { passAsOf: false }),
      // SKIP: a training still running a week later is stuck or far too slow; a second one would only compete for CPU.
      overlap: 'SKIP',
      catchupWindow: '1 day',
    });
  }
  if (s.inbox) {
    schedules.push({
      id: `${s.idPrefix}inbox-ingest-daily`,
      description: `Ingest the files dropped in ${s.inbox.path} before the run; each ends in processed/ or failed/.`,
      at: s.inbox,
      timeZone,
      workflowType: 'ingestInbox',
      taskQueue: s.temporal.taskQueue,
      input: { inbox: s.inbox.path, timeZone },
      // BUFFER_ONE: claims are atomic, so overlapping runs would be safe, but one after the other keeps the logs readable.
      overlap: 'BUFFER_ONE',
      catchupWindow: '1 day',
    });
  }
  return schedules;
}
