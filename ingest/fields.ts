import type { RejectReason } from './records.js';

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

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

export function requiredString(raw: Raw, field: string): string {
  const value = raw[field];
  if (isBlank(value)) throw new RecordRejected('missing_required_field', `${field} is required`);
  return String(value).trim();
}

export function optionalString(raw: Raw, field: string, fallback = ''): string {
  return isBlank(raw[field]) ? fallback : String(raw[field]).trim();
}

/** Numbers arrive as JSON numbers or as CSV text; anything that is not a plain decimal number is malformed. */
export function optionalNumber(raw: Raw, field: string): number | null {
  const value = raw[field];
  if (isBlank(value)) return null;
  const parsed = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(parsed)) throw new RecordRejected('malformed_number', `${field} "${String(value)}" is not a number`);
  return parsed;
}

export function requiredNumber(raw: Raw, field: string): number {
  const value = optionalNumber(raw, field);
  if (value === null) throw new RecordRejected('missing_required_field', `${field} is required`);
  return value;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date, YYYY-MM-DD, that exists. */
export function requiredDate(raw: Raw, field: string): string {
  const value = requiredString(raw, field);
  const m = DATE.exec(value);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !date || date.getUTCDate() !== Number(m[3]) || date.getUTCMonth() !== Number(m[2]) - 1) {
    throw new RecordRejected('malformed_date', `${field} "${value}" is not a YYYY-MM-DD date`);
  }
  return value;
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * An instant. Without a zone designator the text is taken as UTC (the column is `start_time_utc`);
 * with an offset (ISO 8601) the offset is returned too, so it can stand in for a missing `utc_offset_min`.
 */
export function requiredInstant(raw: Raw, field: string): { utc: Date; offsetMin: number | null } {
  const value = requiredString(raw, field);
  const m = DATE_TIME.exec(value);
  const zone = m?.[4];
  const utc = m ? new Date(`${m[1]}T${m[2]}${m[3] ?? ''}${zone ?? 'Z'}`) : undefined;
  if (!m || !utc || Number.isNaN(utc.getTime())) {
    throw new RecordRejected('malformed_date', `${field} "${value}" is not a date-time (YYYY-MM-DD hh:mm:ss, ISO 8601)`);
  }
  return { utc, offsetMin: zone && zone !== 'Z' ? parseOffset(zone) : zone === 'Z' ? 0 : null };
}

function parseOffset(zone: string): number {
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
}

/** 'YYYY-MM-DD hh:mm:ss' in UTC, the text form ClickHouse DateTime columns read. */
export function formatUtc(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

export function formatUtcMillis(date: Date): string {
  return date.toISOString().slice(0, 23).replace('T', ' ');
}
