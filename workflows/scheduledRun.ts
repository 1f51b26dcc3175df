import type { Duration } from '@temporalio/common';
import { log } from '@temporalio/workflow';
import { checkInput, STORABLE_DATES, type ObjectSchema } from './input.js';
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
  checkInput<ScheduledRunInput>('scheduledRun', SCHEMA, input, USAGE);
  const asOf = input.asOf ?? dateIn(input.timeZone, nominalTime());
  const workflowId = `${input.idPrefix}-${asOf}`;
  log.info('Scheduled run', { asOf, child: workflowId, nominalTime: nominalTime().toISOString() });
  const args = [input.passAsOf === false ? { ...input.input } : { ...input.input, asOf }];
  const result = await runWorkflowOnce(
    { workflowType: input.workflowType, workflowId, taskQueue: input.taskQueue, args },
    input.waitTimeout as Duration | undefined,
  );
  return { asOf, workflowId, result };
}

const SCHEMA: ObjectSchema = {
  workflowType: { type: 'string', maxLength: 200 },
  taskQueue: { type: 'string', maxLength: 200 },
  idPrefix: {
    type: 'string',
    maxLength: 100,
    valid: (t) => /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(t),
    expected: 'letters, digits, _ . - (e.g. feature-pipeline)',
  },
  timeZone: { type: 'string', maxLength: 64, valid: isTimeZone, expected: 'an IANA time zone (e.g. Europe/Paris)' },
  input: { type: 'object', optional: true },
  passAsOf: { type: 'boolean', optional: true },
  asOf: { type: 'date', ...STORABLE_DATES, optional: true },
  waitTimeout: {
    type: 'string',
    maxLength: 40,
    optional: true,
    expected: 'a duration such as "30 minutes" or "2h"',
    valid: (t) => /^\d+(\.\d+)?\s*(ms|s|seconds?|m|minutes?|h|hours?|d|days?)$/.test(t),
  },
};
const USAGE =
  '{"workflowType": "featurePipeline", "taskQueue": "feature-engineering", "idPrefix": "feature-pipeline", "timeZone": "UTC"}';
