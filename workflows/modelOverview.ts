import { proxyActivities } from '@temporalio/workflow';
import type { ModelOverview } from '../activities/lookup.js';
import type { Activities } from '../activities/index.js';
import { INVALID_INPUT, surfacingFailure } from '../shared/failures.js';
import { checkInput } from './input.js';

const { modelOverview: readModels } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: [INVALID_INPUT] },
});

/** The time estimator's versions with their metrics and the champion's history, read by the worker (`npm run cli -- models`). */
export async function modelOverview(input: Record<string, never> = {}): Promise<ModelOverview> {
  checkInput('modelOverview', {}, input ?? {}, '{}');
  return surfacingFailure(readModels());
}
