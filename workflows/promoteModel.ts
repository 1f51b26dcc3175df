import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { MlActivities } from '../activities/index.js';
import type { AliasChange } from '../ml/registry/registry.js';
import { INVALID_INPUT, surfacingFailure } from '../shared/failures.js';
import { checkInput, failInput, type ObjectSchema } from './input.js';

export interface PromoteModelInput {
  /** make this version the champion */
  version?: number;
  /** or: roll back to the champion before the current one */
  rollback?: boolean;
  /** recorded in the alias history */
  reason?: string;
}

const PROMOTE_INPUT: ObjectSchema = {
  version: { type: 'integer', optional: true, min: 1, max: 4_294_967_295 },
  rollback: { type: 'boolean', optional: true },
  reason: { type: 'string', optional: true, maxLength: 500 },
};
const PROMOTE_USAGE = '{"version": 3, "reason": "reviewed"} or {"rollback": true}';

const { promoteModel: changeChampion } = proxyActivities<MlActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: [INVALID_INPUT] },
});

/** Sets the time estimator's champion by hand (no gate): a version, or back to the previous champion. */
export async function promoteModel(rawInput: PromoteModelInput): Promise<AliasChange> {
  const input = checkInput<PromoteModelInput>('promoteModel', PROMOTE_INPUT, rawInput ?? {}, PROMOTE_USAGE);
  const byVersion = input.version !== undefined;
  const rollback = input.rollback === true;
  if (byVersion === rollback) failInput('promoteModel', ['give either a version or rollback: true'], PROMOTE_USAGE);
  const { workflowId, runId } = workflowInfo();
  return surfacingFailure(
    changeChampion({
      ...(byVersion ? { version: input.version! } : { rollback: true }),
      changeId: `${workflowId}/${runId}`,
      changedBy: `promoteModel ${workflowId}`,
      reason: input.reason ?? (rollback ? 'rollback' : 'manual promotion'),
    }),
  );
}
