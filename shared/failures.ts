// @temporalio/common, not /workflow: activities raise these failures too.
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';

export const INVALID_INPUT = 'InvalidInput';

/** Bad input will not get better on retry: fail the workflow at once with the message. */
export function failFastOn<T>(
  errorClass: abstract new (...args: never[]) => Error,
  work: () => Promise<T>,
): Promise<T> {
  return work().catch((error: unknown) => {
    if (error instanceof errorClass) throw ApplicationFailure.nonRetryable(error.message, INVALID_INPUT);
    throw error;
  });
}

export function invalidInput(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, INVALID_INPUT);
}

/**
 * A non-retryable failure of an activity (bad input, failed checks) fails the workflow with the activity's
 * own message, so the UI and CLI show what to fix instead of "Activity task failed".
 */
export async function surfacingFailure<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.nonRetryable) {
      throw ApplicationFailure.nonRetryable(error.cause.message, error.cause.type);
    }
    throw error;
  }
}

export const DATA_QUALITY = 'DataQualityFailed';

/** Failed checks mean wrong numbers: retrying the same computation cannot fix them. */
export function dataQualityFailure(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, DATA_QUALITY);
}
