import type { Duration } from '@temporalio/common';
import { log } from '@temporalio/workflow';
import { checkInput, isIsoDate, isNonEmptyString, isPlainObject } from './input-checks.js';
import { dateIn, isTimeZone, nominalTime } from './nominal-time.js';
import { runWorkflowOnce } from './run-once.js';

export interface ScheduledRunInput {
  /** the workflow to run, e.g. featurePipeline, batchInference */
  workflowType: string;
  /** its task queue */
  taskQueue: string;
  /** its id is `<idPrefix>-<asOf>`: one run per as-of date, however often it is triggered */
  idPrefix: string;
  /** IANA zone in which the nominal time's date is the as-of date */
  timeZone: string;
  /** the workflow's input; `asOf` is added unless passAsOf is false */
  input?: Record<string, unknown>;
  /** default true */
  passAsOf?: boolean;
  /** YYYY-MM-DD instead of the nominal date (a manual trigger for a given day) */
  asOf?: string;
  /** how long to wait for the run before failing, e.g. "2 hours"; default 6 hours */
  waitTimeout?: string;
}

export interface ScheduledRunSummary {
  asOf: string;
  workflowId: string;
  result: unknown;
}

/**
 * What a schedule starts: the as-of date from the run's nominal (scheduled) time, then the real workflow under a
 * deduplicating id. A backfill over past days therefore runs exactly those days, and a second trigger of the same
 * day joins (or reuses) the first run instead of computing again.
 */
export async function scheduledRun(input: ScheduledRunInput): Promise<ScheduledRunSummary> {
  validate(input);
  const asOf = input.asOf ?? dateIn(input.timeZone, nominalTime());
  const workflowId = `${input.idPrefix}-${asOf}`;
  log.info('Scheduled run', { asOf, child: workflowId, nominalTime: nominalTime().toISOString() });
  const args = [input.passAsOf === false ? { ...input.input } : { ...input.input, asOf }];
  const result = await runWorkflowOnce({ workflowType: input.workflowType, workflowId, taskQueue: input.taskQueue, args }, input.waitTimeout as Duration | undefined);
  return { asOf, workflowId, result };
}

function validate(input: ScheduledRunInput): void {
  checkInput('scheduledRun', input, [
    ['workflowType', isNonEmptyString, 'a workflow type name'],
    ['taskQueue', isNonEmptyString, 'a task queue name'],
    ['idPrefix', (v) => typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(v), 'letters, digits, _ . - (e.g. feature-pipeline)'],
    ['timeZone', isTimeZone, 'an IANA time zone (e.g. Europe/Paris)'],
    ['input', isPlainObject, 'a JSON object'],
    ['passAsOf', (v) => typeof v === 'boolean', 'true or false'],
    ['asOf', isIsoDate, 'an existing date YYYY-MM-DD'],
    ['waitTimeout', (v) => typeof v === 'string' && /^\d+(\.\d+)?\s*(ms|s|seconds?|m|minutes?|h|hours?|d|days?)$/.test(v), 'a duration such as "30 minutes" or "2h"'],
  ], ['workflowType', 'taskQueue', 'idPrefix', 'timeZone']);
}
