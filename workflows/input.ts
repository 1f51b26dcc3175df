/**
 * Checks a workflow's input against a tiny schema before the workflow does anything: JSON types (nothing
 * coerced: "0.3" is not a number), unknown keys (a typo like `athleteID` must not silently widen a run),
 * ranges, sizes and existing dates. Every problem is reported at once, in a message that fits on a screen,
 * as a non-retryable failure: a workflow task that throws anything else is retried forever.
 * Pure and deterministic, so any workflow can use it.
 */
import { invalidInput } from '../shared/failures.js';
import { thousands } from '../shared/text.js';

interface Common {
  optional?: boolean;
}
export type FieldSchema = Common &
  /** `valid` adds a rule of its own (a zone, a path), described by `expected` in the message */
  (
    | { type: 'string'; minLength?: number; maxLength: number; valid?: (text: string) => boolean; expected?: string }
    | { type: 'integer' | 'number'; min: number; max: number }
    | { type: 'boolean' }
    /** YYYY-MM-DD that exists, within [min, max] */
    | { type: 'date'; min: string; max: string }
    | { type: 'array'; items: FieldSchema; minItems?: number; maxItems: number }
    /** without `fields`: any JSON object (passed on to another workflow, which checks it) */
    | { type: 'object'; fields?: ObjectSchema }
  );
export type ObjectSchema = Record<string, FieldSchema>;

/** At most this many problems are listed; the rest are counted. */
const MAX_PROBLEMS = 8;

class Problems {
  readonly shown: string[] = [];
  more = 0;

  add(problem: string): void {
    if (this.shown.length < MAX_PROBLEMS) this.shown.push(problem);
    else this.more += 1;
  }
}

/** A value as a problem quotes it: JSON, cut short. */
export function show(value: unknown): string {
  const text = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  return text.length <= 40 ? text : `${text.slice(0, 37)}…`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function isExistingDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === text;
}

function checkField(path: string, schema: FieldSchema, value: unknown, problems: Problems): void {
  const wrongType = (expected: string) =>
    problems.add(`${path} must be ${expected}, got ${typeName(value)} ${show(value)}`);
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return wrongType('a string');
      if (value.length < (schema.minLength ?? 1) || value.length > schema.maxLength) {
        problems.add(
          `${path} must be ${schema.minLength ?? 1}–${schema.maxLength} characters long, got ${value.length}`,
        );
      } else if (schema.valid && !schema.valid(value))
        problems.add(`${path} must be ${schema.expected ?? 'valid'}, got ${show(value)}`);
      return;
    case 'integer':
    case 'number': {
      const ok =
        typeof value === 'number' && (schema.type === 'integer' ? Number.isSafeInteger(value) : Number.isFinite(value));
      if (!ok) return wrongType(schema.type === 'integer' ? 'a whole number' : 'a number');
      if ((value as number) < schema.min || (value as number) > schema.max)
        problems.add(`${path} must be within ${schema.min}–${schema.max}, got ${show(value)}`);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') wrongType('true or false');
      return;
    case 'date':
      if (typeof value !== 'string' || !isExistingDate(value)) return wrongType('an existing date YYYY-MM-DD');
      if (value < schema.min || value > schema.max)
        problems.add(`${path} must be within ${schema.min}–${schema.max}, got ${value}`);
      return;
    case 'array':
      return checkArray(path, schema, value, problems);
    case 'object':
      if (schema.fields) return checkObject(path, schema.fields, value, problems);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) wrongType('an object');
      return;
  }
}

function checkArray(
  path: string,
  schema: Extract<FieldSchema, { type: 'array' }>,
  value: unknown,
  problems: Problems,
): void {
  if (!Array.isArray(value)) return problems.add(`${path} must be a list, got ${typeName(value)} ${show(value)}`);
  if (value.length < (schema.minItems ?? 0) || value.length > schema.maxItems) {
    return problems.add(
      `${path} must hold ${schema.minItems ?? 0}–${schema.maxItems} items, got ${thousands(value.length)}`,
    );
  }
  for (const [i, item] of value.entries()) checkField(`${path}[${i}]`, schema.items, item, problems);
}

/** The known key a mistyped one most likely meant: at most two edits away, ignoring case. */
function nearest(key: string, known: string[]): string | undefined {
  if (key.length > 64) return undefined;
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

function checkObject(path: string, fields: ObjectSchema, value: unknown, problems: Problems): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return problems.add(`${path || 'the input'} must be an object, got ${typeName(value)} ${show(value)}`);
  }
  const record = value as Record<string, unknown>;
  const known = Object.keys(fields);
  for (const key of Object.keys(record)) {
    if (Object.hasOwn(fields, key)) continue;
    const like = nearest(key, known);
    problems.add(
      `unknown key ${show(path ? `${path}.${key}` : key)}${like ? ` (did you mean ${show(like)}?)` : ''}; known: ${known.join(', ')}`,
    );
  }
  for (const [key, schema] of Object.entries(fields)) {
    const fieldPath = path ? `${path}.${key}` : key;
    if (record[key] === undefined) {
      if (!schema.optional) problems.add(`${fieldPath} is required`);
    } else checkField(fieldPath, schema, record[key], problems);
  }
}

/**
 * `input` checked against `schema`, typed as T; otherwise a non-retryable failure naming every problem
 * (the first few, then a count), for `workflow`, with `usage` (an example input) when the shape is wrong.
 */
export function checkInput<T>(workflow: string, schema: ObjectSchema, input: unknown, usage: string): T {
  const problems = new Problems();
  checkObject('', schema, input, problems);
  if (problems.shown.length > 0) fail(workflow, problems, usage);
  return input as T;
}

/** Fails with extra problems found after the schema check (cross-field rules). */
export function failInput(workflow: string, problems: string[], usage: string): void {
  if (problems.length === 0) return;
  const collected = new Problems();
  for (const p of problems) collected.add(p);
  fail(workflow, collected, usage);
}

function fail(workflow: string, problems: Problems, usage: string): never {
  const more = problems.more > 0 ? `; and ${thousands(problems.more)} more problems` : '';
  throw invalidInput(`Invalid ${workflow} input: ${problems.shown.join('; ')}${more}. Example: ${usage}`);
}

/** An id typed by a person: no surrounding blanks, no control characters. */
export const ID = {
  type: 'string',
  maxLength: 256,
  valid: (t: string) => t.trim() === t && !/[\u0000-\u001f\u007f]/.test(t),
  expected: 'an id without blanks around it or control characters',
} as const;

/** An ISO 8601 time with a date part, e.g. 2026-11-25T06:00:00Z. */
export const ISO_TIME = {
  type: 'string',
  maxLength: 40,
  valid: (t: string) => /^\d{4}-\d{2}-\d{2}T/.test(t) && !Number.isNaN(Date.parse(t)),
  expected: 'an ISO time such as 2026-11-25T06:00:00Z',
} as const;

/** The range of ClickHouse's Date: a date outside it is stored as another date without an error. */
export const STORABLE_DATES = { min: '1970-01-01', max: '2149-06-06' } as const;
