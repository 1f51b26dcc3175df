import { invalidInput } from './failures.js';

/**
 * Input checks of the operations workflows (scheduledRun, ingestInbox): unknown fields and malformed values
 * fail the run at once, non-retryable, with every problem in one screen-sized message.
 */
export type Check = [field: string, ok: (value: unknown) => boolean, expected: string];

export function checkInput(workflow: string, input: unknown, checks: Check[], required: string[] = []): void {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalidInput(`Invalid ${workflow} input: expected a JSON object, got ${JSON.stringify(input)}.`);
  }
  const known = new Set(checks.map(([field]) => field));
  const record = input as Record<string, unknown>;
  const problems = [
    ...Object.keys(record).filter((field) => !known.has(field)).map((field) => `unknown field "${field}" (known: ${[...known].join(', ')})`),
    ...required.filter((field) => record[field] === undefined).map((field) => `${field} is required`),
    ...checks.filter(([field, ok]) => record[field] !== undefined && !ok(record[field]))
      .map(([field, , expected]) => `${field} ${JSON.stringify(record[field])} must be ${expected}`),
  ];
  if (problems.length > 0) throw invalidInput(`Invalid ${workflow} input: ${problems.join('; ')}.`);
}

export const isNonEmptyString = (v: unknown) => typeof v === 'string' && v.trim() !== '';
export const isPlainObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isIsoDate(v: unknown): boolean {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  return new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v;
}

export function isIsoTime(v: unknown): boolean {
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v));
}
