import { defaultPayloadConverter } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';

/**
 * Prints the progress of a running workflow from its pending activities' heartbeats (each step heartbeats what it is
 * doing: file and records, step and bucket with running seconds), one line whenever something changed, until it closes.
 */
export async function followProgress(
  handle: WorkflowHandle,
  print: (line: string) => void = console.log,
  everyMs = 1000,
): Promise<void> {
  const shown = new Map<string, string>();
  for (;;) {
    const { status, raw } = await handle.describe();
    for (const pending of raw.pendingActivities ?? []) {
      const payload = pending.heartbeatDetails?.payloads?.[0];
      const details = payload ? JSON.stringify(defaultPayloadConverter.fromPayload(payload)) : 'started';
      const line = `${pending.activityType?.name} ${pending.activityId}${(pending.attempt ?? 1) > 1 ? ` (attempt ${pending.attempt})` : ''}: ${details}`;
      if (shown.get(pending.activityId!) !== line) print(`  ${line}`);
      shown.set(pending.activityId!, line);
    }
    if (status.name !== 'RUNNING') return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
