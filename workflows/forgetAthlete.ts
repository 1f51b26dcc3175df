import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ForgetOutcome } from '../privacy/forget.js';
import { checkInput, ID } from './input.js';

export interface ForgetAthleteInput {
  athleteId: string;
}

const { forgetAthlete: forgetStored } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

/**
 * Removes every row of an athlete from every table (privacy/athlete-tables.ts lists them), so that no
 * query returns them, with FINAL or without. Idempotent: forgetting again does nothing.
 */
export async function forgetAthlete(input: ForgetAthleteInput): Promise<ForgetOutcome> {
  checkInput('forgetAthlete', { athleteId: ID }, input, '{"athleteId": "a0001"}');
  return forgetStored({ athleteId: input.athleteId });
}
