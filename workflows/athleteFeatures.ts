import { proxyActivities } from '@temporalio/workflow';
import type { AthleteFeatures } from '../activities/lookup.js';
import type { Activities } from '../activities/index.js';
import { surfacingFailure } from '../shared/failures.js';
import { checkInput, ID } from './input.js';

const { latestAthleteFeatures } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: ['InvalidInput'] },
});

/** An athlete's latest features, read by the worker (`npm run cli -- athlete ID`). */
export async function athleteFeatures(input: { athleteId: string }): Promise<AthleteFeatures> {
  checkInput('athleteFeatures', { athleteId: ID }, input, '{"athleteId": "a0001"}');
  return surfacingFailure(latestAthleteFeatures(input.athleteId));
}
