import { invalidInput } from './failures.js';

/**
 * Small input checks shared by the ML workflows: each returns a problem (a sentence) or false, and
 * `rejectProblems` fails the workflow once with all of them, non-retryable.
 */
export type Problem = string | false;

const FIRST_DATE = '1970-01-01';
const LAST_DATE = '2149-06-06';

/** An existing calendar date ClickHouse's Date can hold (it silently maps others to another day). */
export function dateProblem(name: string, value: unknown): Problem {
  if (value === undefined) return false;
  const m = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  const ok = m && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === value &&
    value >= FIRST_DATE && value <= LAST_DATE;
  return !ok && `${name} ${JSON.stringify(value)} must be an existing date YYYY-MM-DD between ${FIRST_DATE} and ${LAST_DATE}`;
}

export function integerProblem(name: string, value: unknown, min: number, max: number): Problem {
  if (value === undefined) return false;
  return !(typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) &&
    `${name} ${JSON.stringify(value)} must be a whole number from ${min} to ${max}`;
}

export function numberProblem(name: string, value: unknown, min: number, max: number): Problem {
  if (value === undefined) return false;
  return !(typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max) &&
    `${name} ${JSON.stringify(value)} must be a number from ${min} to ${max}`;
}

/** Fields an input object may have: anything else is a typo worth reporting. */
export function unknownFieldsProblem(name: string, value: unknown, allowed: readonly string[]): Problem {
  if (value === undefined) return false;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${name} must be an object`;
  const unknown = Object.keys(value).filter((k) => !allowed.includes(k));
  return unknown.length > 0 && `${name} has unknown field(s) ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`;
}

export function rejectProblems(workflow: string, problems: Problem[]): void {
  const found = problems.filter((p): p is string => Boolean(p));
  if (found.length > 0) throw invalidInput(`Invalid ${workflow} input: ${found.join('; ')}.`);
}
