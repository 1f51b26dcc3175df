/** Environment parsing shared by every process; imports nothing else of the project, so any deployable may use it. */
export type Env = Record<string, string | undefined>;

/** Every problem found in the environment, reported together so one fix-and-retry is enough. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function positiveInteger(env: Env, name: string, fallback: number, max: number, problems: string[]): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max)
    problems.push(`${name} "${raw}" must be a whole number from 1 to ${max}.`);
  return value;
}

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** PIPELINE_TIME_ZONE: the one IANA zone that decides what "today" is, for the pipeline and its schedules. */
export function parseTimeZone(env: Env, problems: string[]): string {
  const timeZone = env.PIPELINE_TIME_ZONE?.trim() || 'UTC';
  if (!isValidTimeZone(timeZone))
    problems.push(`PIPELINE_TIME_ZONE "${timeZone}" is not an IANA time zone (e.g. Europe/Paris).`);
  return timeZone;
}

export function throwIfProblems(problems: string[]): void {
  if (problems.length > 0) throw new ConfigError(problems);
}
