import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { MlActivities } from '../activities/index.js';
import type { AliasChange } from '../ml/registry/registry.js';
import { INVALID_INPUT, surfacingFailure } from './failures.js';
import { integerProblem, rejectProblems, unknownFieldsProblem } from './input.js';

export interface PromoteModelInput {
  /** make this version the champion */
  version?: number;
  /** or: roll back to the champion before the current one */
  rollback?: boolean;
  /** recorded in the alias history */
  reason?: string;
}

const { promoteModel: changeChampion } = proxyActivities<MlActivities>({
  startToCloseTimeout: '1 minute', retry: { maximumAttempts: 5, nonRetryableErrorTypes: [INVALID_INPUT] },
});

/** Sets the time estimator's champion by hand (no gate): a version, or back to the previous champion. */
export async function promoteModel(input: PromoteModelInput): Promise<AliasChange> {
  const byVersion = input?.version !== undefined;
  const rollback = input?.rollback === true;
  rejectProblems('promoteModel', [
    unknownFieldsProblem('input', input ?? {}, ['version', 'rollback', 'reason']),
    byVersion === rollback && 'give either { "version": N } or { "rollback": true }',
    input?.rollback !== undefined && typeof input.rollback !== 'boolean' && 'rollback must be true or false',
    integerProblem('version', input?.version, 1, 4_294_967_295),
    input?.reason !== undefined && typeof input.reason !== 'string' && 'reason must be text',
  ]);
  const { workflowId, runId } = workflowInfo();
  return surfacingFailure(changeChampion({
    ...(byVersion ? { version: input.version } : { rollback: true }),
    changeId: `${workflowId}/${runId}`, changedBy: `promoteModel ${workflowId}`, reason: input.reason ?? (rollback ? 'rollback' : 'manual promotion'),
  }));
}
