import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { DeleteActivitiesOutcome } from '../activities/deletion.js';
import { INVALID_INPUT, surfacingFailure } from '../shared/failures.js';
import { checkInput, ID } from './input.js';

export interface DeleteActivitiesInput {
  activityIds: string[];
}

const MAX_IDS = 10_000;

const { deleteActivities: deleteStored } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 6,
    nonRetryableErrorTypes: [INVALID_INPUT],
  },
});

/**
 * Deletes activities at the source's request: their raw rows go, and the next featurePipeline run removes
 * their feature rows and recomputes their athletes from the day they were on. Deleting again is a no-op.
 */
export async function deleteActivities(input: DeleteActivitiesInput): Promise<DeleteActivitiesOutcome> {
  checkInput(
    'deleteActivities',
    { activityIds: { type: 'array', items: ID, minItems: 1, maxItems: MAX_IDS } },
    input,
    '{"activityIds": ["a0001-0042"]}',
  );
  return surfacingFailure(
    deleteStored({ activityIds: [...new Set(input.activityIds)], source: `workflow ${workflowInfo().workflowId}` }),
  );
}
