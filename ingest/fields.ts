import type { RejectReason } from '../shared/records.js';

/** Thrown by field readers; the validators turn it into a reject row. */
export class RecordRejected extends Error {
  constructor(
    readonly reason: RejectReason,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

type Raw = Record<string, unknown>;

function reject(reason: RejectReason, detail: string): never {
  throw new RecordRejected(reason, detail);
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** 'array', 'object', 'boolean'…: how a value of the wrong JSON type is named in a reject's detail. */
function jsonType(value: unknown): string {
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
}

/**
 * A value as it may appear in a reject's detail: JSON-escaped (control characters and lone surrogates
 * become escapes, so the detail itself is always storable) and cut to a screen-friendly length.
 */
export function quote(value: unknown): string {
  const text = JSON.stringify(typeof value === 'string' ? value : String(value)) ?? '""';
  return text.length <= 60 ? text : `${text.slice(0, 56)}…"`;
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /\p{Cs}/u;

export interface TextRules {
  /** longest accepted value, in UTF-16 code units */
  maxLength: number;
  /** ids may arrive as JSON integers (many exports number their records); other text must be a JSON string */
  id?: boolean;
}

/**
 * Text ClickHouse stores exactly: a JSON string (or an integer id), no lone UTF-16 surrogate (the engine
 * refuses the row), no U+FFFD (what invalid UTF-8 in the file decodes to), no control characters (they
 * break every text export downstream), and not longer than the rules allow. Never an object coerced.
 */
function checkedText(field: string, value: unknown, rules: TextRules): string {
  let text: string;
  if (typeof value === 'string') text = value.trim();
  else if (rules.id && typeof value === 'number' && Number.isSafeInteger(value)) text = String(value);
  else return reject('invalid_value', `${field} must be a string, got ${jsonType(value)}`);
  if (LONE_SURROGATE.test(text)) reject('invalid_value', `${field} ${quote(text)} contains a lone UTF-16 surrogate`);
  if (text.includes('\ufffd'))
    reject('invalid_value', `${field} ${quote(text)} contains U+FFFD: the file is not valid UTF-8 there`);
  const control = CONTROL.exec(text);
  if (control)
    reject(
      'invalid_value',
      `${field} ${quote(text)} contains control character U+${control[0].charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  if (text.length > rules.maxLength)
    reject('invalid_value', `${field} is ${text.length} characters long, at most ${rules.maxLength} allowed`);
  return text;
}

export const ID: TextRules = { maxLength: 256, id: true };
export const TEXT: TextRules = { maxLength: 1_000 };

export function requiredString(raw: Raw, field: string, rules: TextRules = ID): string {
  const value = raw[field];
  if (isBlank(value)) reject('missing_required_field', `${field} is required`);
  return checkedText(field, value, rules);
}

export function optionalString(raw: Raw, field: string, fallback = '', rules: TextRules = TEXT): string {
  return isBlank(raw[field]) ? fallback : checkedText(field, raw[field], rules);
}

const DECIMAL = /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** Numbers arrive as JSON numbers or as CSV text; text that is not a plain decimal number is malformed. */
export function optionalNumber(raw: Raw, field: string): number | null {
  const value = raw[field];
  if (isBlank(value)) return null;
  if (typeof value !== 'number' && typeof value !== 'string')
    reject('invalid_value', `${field} must be a number, got ${jsonType(value)}`);
  if (typeof value === 'string' && !DECIMAL.test(value))
    reject('malformed_number', `${field} ${quote(value)} is not a number`);
  const parsed = Number(value);
  // 1e400 parses (JSON and Number alike) as Infinity: a number, but none a column can hold.
  if (!Number.isFinite(parsed)) reject('invalid_value', `${field} ${quote(value)} is out of any range`);
  return parsed;
}

export function requiredNumber(raw: Raw, field: string): number {
  const value = optionalNumber(raw, field);
  if (value === null) reject('missing_required_field', `${field} is required`);
  return value;
}

export interface Range {
  min: number;
  max: number;
  /** the column is an integer type: a fraction would be rounded or refused */
  integer?: boolean;
  unit?: string;
}

/** `value` inside `range`, else `invalid_value` (or `reason`) naming the field, the value and the range. */
export function inRange(field: string, value: number, range: Range, reason: RejectReason = 'invalid_value'): number {
  if (range.integer && !Number.isInteger(value)) reject('invalid_value', `${field} ${value} must be a whole number`);
  if (value < range.min || value > range.max) {
    const unit = range.unit ? ` ${range.unit}` : '';
    reject(reason, `${field} ${value}${unit} is outside ${range.min}–${range.max}${unit}`);
  }
  return value;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A calendar date, YYYY-MM-DD, that exists (2025-02-29 does not). */
export function requiredDate(raw: Raw, field: string): string {
  const value = requiredString(raw, field, TEXT);
  const m = DATE.exec(value);
  if (!m || !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    reject('malformed_date', `${field} ${quote(value)} is not an existing YYYY-MM-DD date`);
  }
  return value;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

/** ±14:00 is the widest offset any zone uses (Kiribati); minutes stop at 59. */
function offsetMinutes(zone: string): number | null {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m || Number(m[3]) > 59) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return minutes > 14 * 60 ? null : (m[1] === '-' ? -1 : 1) * minutes;
}

/**
 * An instant. Without a zone designator the text is taken as UTC (the column is `start_time_utc`);
 * with an offset (ISO 8601) the offset is returned too, so it can stand in for a missing `utc_offset_min`.
 * Every component must exist as written: JavaScript would roll 2025-02-29 into March and 24:00:00 into
 * the next day, which stores another instant than the file says.
 */
export function requiredInstant(raw: Raw, field: string): { utc: Date; offsetMin: number | null } {
  const value = requiredString(raw, field, TEXT);
  const m = DATE_TIME.exec(value);
  const malformed = () =>
    reject('malformed_date', `${field} ${quote(value)} is not an existing date-time (YYYY-MM-DD hh:mm:ss, ISO 8601)`);
  if (!m) return malformed();
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const zone = m[8];
  const offsetMin = zone === undefined ? null : zone === 'Z' ? 0 : offsetMinutes(zone);
  if (
    !isCalendarDate(year, month, day) ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    (zone !== undefined && offsetMin === null)
  )
    malformed();
  const millis = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  const utc = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - (offsetMin ?? 0) * 60_000);
  return { utc, offsetMin };
}

/** 'YYYY-MM-DD hh:mm:ss' in UTC, the text form ClickHouse DateTime columns read. */
export function formatUtc(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

export function formatUtcMillis(date: Date): string {
  return date.toISOString().slice(0, 23).replace('T', ' ');
}
