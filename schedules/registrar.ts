import { ScheduleNotFoundError, type Client, type ScheduleDescription, type ScheduleOptions } from '@temporalio/client';
import type { DeclaredSchedule } from './declared.js';

/** The memo that marks a schedule as the registrar's (with the id prefix): only such schedules are updated or deleted. */
export const OWNER = 'athlete-feature-store/schedules';

export type PlanStep =
  | { op: 'create' | 'update' | 'unchanged'; id: string; schedule: DeclaredSchedule; why?: string }
  | { op: 'delete'; id: string }
  | { op: 'foreign'; id: string; why: string };

/**
 * What applying `declared` would do. Declared schedules are looked up by id (strongly consistent); owned schedules
 * no longer declared are found through the list (visibility: one that was created a moment ago may show up only on
 * the next apply).
 */
export async function planSchedules(
  client: Client,
  declared: DeclaredSchedule[],
  idPrefix: string,
): Promise<PlanStep[]> {
  const steps: PlanStep[] = [];
  for (const schedule of declared) steps.push(await planOne(client, schedule));
  const wanted = new Set(declared.map((s) => s.id));
  for await (const summary of client.schedule.list()) {
    if (wanted.has(summary.scheduleId) || !summary.scheduleId.startsWith(idPrefix)) continue;
    if (summary.memo?.managedBy === OWNER) steps.push({ op: 'delete', id: summary.scheduleId });
  }
  return steps;
}

async function planOne(client: Client, schedule: DeclaredSchedule): Promise<PlanStep> {
  let description: ScheduleDescription;
  try {
    description = await client.schedule.getHandle(schedule.id).describe();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return { op: 'create', id: schedule.id, schedule };
    throw error;
  }
  if (description.memo?.managedBy !== OWNER) {
    return {
      op: 'foreign',
      id: schedule.id,
      why: 'exists but was not created by the registrar: left alone (delete it or change SCHEDULE_ID_PREFIX)',
    };
  }
  const why = difference(description, schedule);
  return why ? { op: 'update', id: schedule.id, schedule, why } : { op: 'unchanged', id: schedule.id, schedule };
}

/** Why the stored schedule differs from the declared one, or undefined when it does not. */
function difference(description: ScheduleDescription, schedule: DeclaredSchedule): string | undefined {
  const action = description.action;
  if (action.type !== 'startWorkflow') return 'its action is not a workflow start';
  if (action.memo?.scheduleFingerprint !== fingerprint(schedule)) return 'the declaration changed';
  // Edits made in the UI or with the CLI since the last apply are put back too.
  if (action.workflowType !== schedule.workflowType || action.taskQueue !== schedule.taskQueue)
    return 'its workflow or task queue was edited';
  if (stableJson(action.args) !== stableJson([schedule.input])) return 'its action input was edited';
  if (description.spec.timezone !== schedule.timeZone) return 'its time zone was edited';
  return undefined;
}

export async function applyPlan(client: Client, steps: PlanStep[]): Promise<void> {
  for (const step of steps) {
    if (step.op === 'create') await client.schedule.create(scheduleOptions(step.schedule));
    if (step.op === 'update') {
      const { spec, action, policies } = scheduleOptions(step.schedule);
      // The paused state and its note stay as an operator left them.
      await client.schedule
        .getHandle(step.id)
        .update((previous) => ({ spec, action, policies, state: previous.state }));
    }
    if (step.op === 'delete') await client.schedule.getHandle(step.id).delete();
  }
}

export function scheduleOptions(schedule: DeclaredSchedule): ScheduleOptions {
  const { hour, minute, dayOfWeek } = schedule.at;
  return {
    scheduleId: schedule.id,
    spec: {
      calendars: [{ hour, minute, ...(dayOfWeek && { dayOfWeek }), comment: schedule.description }],
      timezone: schedule.timeZone,
    },
    action: {
      type: 'startWorkflow',
      workflowType: schedule.workflowType,
      taskQueue: schedule.taskQueue,
      args: [schedule.input],
      // Temporal appends the nominal time: afs-feature-pipeline-daily-2026-11-25T06:00:00Z
      workflowId: schedule.id,
      memo: { scheduleFingerprint: fingerprint(schedule) },
    },
    policies: { overlap: schedule.overlap, catchupWindow: schedule.catchupWindow, pauseOnFailure: false },
    memo: { managedBy: OWNER },
    state: { note: schedule.description },
  };
}

/** A short hash of the whole declaration: any change to spec, action, input or policies changes it. */
export function fingerprint(schedule: DeclaredSchedule): string {
  let hash = 0x811c9dc5;
  for (const char of stableJson(schedule)) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

export function describePlan(steps: PlanStep[]): string {
  if (steps.length === 0) return '(no schedules declared or owned)';
  return steps
    .map((step) => {
      const what =
        'schedule' in step
          ? `  ${when(step.schedule)} → ${step.schedule.workflowType}(${describeInput(step.schedule)}) on ${step.schedule.taskQueue}`
          : '';
      const why = 'why' in step && step.why ? `  (${step.why})` : '';
      return `${step.op.padEnd(9)} ${step.id}${what}${why}`;
    })
    .join('\n');
}

function when(schedule: DeclaredSchedule): string {
  const time = `${String(schedule.at.hour).padStart(2, '0')}:${String(schedule.at.minute).padStart(2, '0')}`;
  return `${schedule.at.dayOfWeek ? `weekly ${schedule.at.dayOfWeek}` : 'daily'} ${time} ${schedule.timeZone}`;
}

function describeInput(schedule: DeclaredSchedule): string {
  const input = schedule.input as unknown as Record<string, unknown>;
  return typeof input.workflowType === 'string'
    ? `${input.workflowType} as ${String(input.idPrefix)}-<asOf>`
    : `inbox ${String(input.inbox)}`;
}
