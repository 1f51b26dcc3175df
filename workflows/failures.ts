// @temporalio/common, not /workflow: activities raise these failures too.
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';

export const INVALID_INPUT = 'InvalidInput';

export function invalidInput(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, INVALID_INPUT);
}

/**
 * Bad input found by an activity fails the workflow with the activity's own message, so the UI and CLI
 * show what to fix instead of "Activity task failed".
 */
export async function surfacingInvalidInput<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === INVALID_INPUT) {
      throw invalidInput(error.cause.message);
    }
    throw error;
  }
}
