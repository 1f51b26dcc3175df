import { parseTimeZone, throwIfProblems, type Env } from '../config/common.js';
import { parseTemporal, type TemporalConfig } from '../config/temporal.js';

export type DayOfWeek = 'MONDAY' | 'TUESDAY' | 'WEDNESDAY' | 'THURSDAY' | 'FRIDAY' | 'SATURDAY' | 'SUNDAY';
export interface TimeOfDay {
  hour: number;
  minute: number;
}

/** Everything the registrar reads: Temporal settings and the schedule choices, no ClickHouse settings. */
export interface ScheduleSettings {
  temporal: TemporalConfig;
  /** PIPELINE_TIME_ZONE: every schedule fires in this zone, and a run's as-of date is its nominal date there */
  timeZone: string;
  /** SCHEDULE_ID_PREFIX: schedules with this prefix *and* the registrar's memo are the registrar's own */
  idPrefix: string;
  features: TimeOfDay;
  inference: TimeOfDay;
  /** TRAINING_SCHEDULE: off unless set, e.g. "SUNDAY 04:00" */
  training?: TimeOfDay & { dayOfWeek: DayOfWeek };
  /** INGEST_INBOX: the folder the inbox ingest takes files from; no inbox schedule without it */
  inbox?: { path: string } & TimeOfDay;
}

const DAYS: DayOfWeek[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

export function loadScheduleSettings(env: Env = process.env): ScheduleSettings {
  const problems: string[] = [];
  const temporal = parseTemporal(env, problems);
  const timeZone = parseTimeZone(env, problems);
  const idPrefix = env.SCHEDULE_ID_PREFIX?.trim() || 'afs-';
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(idPrefix))
    problems.push(`SCHEDULE_ID_PREFIX "${idPrefix}" must be letters, digits, _ . - (e.g. afs-).`);
  const time = (name: string, fallback: string) => parseTime(name, env[name]?.trim() || fallback, problems);
  const settings: ScheduleSettings = {
    temporal,
    timeZone,
    idPrefix,
    features: time('FEATURE_SCHEDULE_TIME', '06:00'),
    inference: time('INFERENCE_SCHEDULE_TIME', '06:30'),
  };
  const training = env.TRAINING_SCHEDULE?.trim();
  if (training && training.toLowerCase() !== 'off') settings.training = parseWeekly(training, problems);
  const inbox = env.INGEST_INBOX?.trim();
  if (inbox) {
    if (!inbox.startsWith('/'))
      problems.push(`INGEST_INBOX "${inbox}" must be an absolute folder path (on the workers' machine).`);
    settings.inbox = { path: inbox, ...time('INBOX_SCHEDULE_TIME', '05:30') };
  }
  throwIfProblems(problems);
  return settings;
}

function parseTime(name: string, raw: string, problems: string[]): TimeOfDay {
  const m = /^(\d{1,2}):(\d{2})$/.exec(raw);
  const hour = Number(m?.[1]);
  const minute = Number(m?.[2]);
  if (!m || hour > 23 || minute > 59) {
    problems.push(`${name} "${raw}" must be HH:MM (24 h, in PIPELINE_TIME_ZONE).`);
    return { hour: 0, minute: 0 };
  }
  return { hour, minute };
}

function parseWeekly(raw: string, problems: string[]): TimeOfDay & { dayOfWeek: DayOfWeek } {
  const [day = '', at = '04:00'] = raw.toUpperCase().split(/\s+/);
  const dayOfWeek = DAYS.find((d) => d.startsWith(day) && day.length >= 3);
  if (!dayOfWeek) problems.push(`TRAINING_SCHEDULE "${raw}" must be "off" or "<weekday> HH:MM" (e.g. "SUNDAY 04:00").`);
  return { dayOfWeek: dayOfWeek ?? 'SUNDAY', ...parseTime('TRAINING_SCHEDULE', at, problems) };
}
