import { ApplicationFailure } from '@temporalio/activity';
import type { ClickHouse } from '../clickhouse/client.js';
import { deleteActivities, unknownActivityIds } from '../ingest/deletions.js';
import { forgetAthlete, type ForgetOutcome } from '../privacy/forget.js';
import { INVALID_INPUT } from '../shared/failures.js';

export interface DeleteActivitiesOutcome {
  /** deleted by this call */
  deleted: string[];
  /** deleted before: nothing to do */
  alreadyDeleted: string[];
}

export function createDeletionActivities(ch: ClickHouse) {
  return {
    /** Unknown ids fail the call before anything is deleted (not retryable): the caller named the wrong activities. */
    async deleteActivities(input: { activityIds: string[]; source: string }): Promise<DeleteActivitiesOutcome> {
      const requests = input.activityIds.map((id) => ({ activity_id: id, athlete_id: null, locator: id, text: id }));
      const unknown = await unknownActivityIds(ch, input.activityIds);
      if (unknown.length > 0) {
        throw ApplicationFailure.nonRetryable(
          `Unknown activity ids (never stored): ${unknown.slice(0, 20).join(', ')}${unknown.length > 20 ? ', …' : ''}`,
          INVALID_INPUT,
        );
      }
      const outcome = await deleteActivities(ch, requests, input.source);
      return { deleted: outcome.deleted, alreadyDeleted: outcome.alreadyDeleted };
    },

    async forgetAthlete(input: { athleteId: string }): Promise<ForgetOutcome> {
      return forgetAthlete(ch, input.athleteId);
    },
  };
}
