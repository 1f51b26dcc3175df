import { ApplicationFailure, Context, log } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { claimInboxFiles, settleInboxFile, type InboxClaim, type InboxSettlement } from '../ingest/inbox.js';
import { whileHeartbeating } from './heartbeat.js';

export interface RunOnceInput {
  workflowType: string;
  /** meaningful and deduplicating, e.g. feature-pipeline-2026-11-25 */
  workflowId: string;
  taskQueue: string;
  args: unknown[];
}

export const UPSTREAM_FAILED = 'UpstreamWorkflowFailed';

/**
 * Activities that only talk to Temporal or the file system: every worker hosts them, neither needs ClickHouse.
 */
export function createOrchestrationActivities() {
  return {
    /**
     * Starts `workflowId` or attaches to it, and returns its result: a run already going (a double trigger, a
     * manual start) is awaited, one that already succeeded is not run again, one that failed is started anew.
     * A retry of this activity attaches to the same run, so it never computes twice.
     */
    async runWorkflowOnce(input: RunOnceInput): Promise<unknown> {
      const { client } = Context.current();
      try {
        await client.workflow.start(input.workflowType, {
          workflowId: input.workflowId,
          taskQueue: input.taskQueue,
          args: input.args,
          workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
          workflowIdConflictPolicy: 'USE_EXISTING',
        });
        log.info('Started or joined workflow', { child: input.workflowId });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        log.info('Workflow already succeeded; reusing its result', { child: input.workflowId });
      }
      const handle = client.workflow.getHandle(input.workflowId);
      try {
        // Only waiting: on worker shutdown (or a cancelled caller) it stops at once, and its retry re-attaches elsewhere.
        return await whileHeartbeating({ awaiting: input.workflowId }, () =>
          Promise.race([handle.result(), Context.current().cancelled]),
        );
      } catch (error) {
        if (!(error instanceof WorkflowFailedError)) throw error;
        const cause = error.cause?.message ?? error.message;
        throw ApplicationFailure.nonRetryable(
          `${input.workflowId} (${input.workflowType}) failed: ${cause}`,
          UPSTREAM_FAILED,
        );
      }
    },

    /** The claim id is the run's workflow id: a claim left by a run that is no longer running is adopted. */
    async claimInboxFiles(input: { inbox: string; claimId: string; cutoff: string }): Promise<InboxClaim> {
      const { client } = Context.current();
      const isAbandoned = async (workflowId: string) => {
        try {
          return (await client.workflow.getHandle(workflowId).describe()).status.name !== 'RUNNING';
        } catch (error) {
          if (error instanceof WorkflowNotFoundError) return true;
          throw error;
        }
      };
      return claimInboxFiles(input.inbox, input.claimId, new Date(input.cutoff), isAbandoned);
    },

    async settleInboxFile(input: InboxSettlement): Promise<string> {
      return settleInboxFile(input);
    },
  };
}

export type OrchestrationActivities = ReturnType<typeof createOrchestrationActivities>;
