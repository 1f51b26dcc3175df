import type { Sport } from '../shared/records.js';
import type { AthleteProfile } from './profile.js';
import type { Random } from './random.js';

/**
 * Periodization: a 24-week macrocycle of six 4-week blocks (3 base, 2 build, 1 peak); every block is
 * 3 loading weeks and 1 recovery week, and volume grows block by block until the peak, after which
 * the last week is a transition. On top, a seasonal swing (more in summer). Within the week: fixed
 * rest days, a long day at the weekend, quality on Tuesday and Thursday, easy otherwise.
 */
export type Phase = 'base' | 'build' | 'peak';
export type SessionKind = 'easy' | 'endurance' | 'long' | 'tempo' | 'threshold' | 'vo2' | 'race';

export interface PlannedSession {
  sport: Sport;
  kind: SessionKind;
  /** share of today's threshold capacity */
  intensity: number;
  movingS: number;
  /** minutes after local midnight */
  startMinute: number;
  startSecond: number;
  /** interval structure: alternating hard/easy blocks of block_s seconds */
  blockS: number;
  blockShare: number;
}

const PHASES: Phase[] = ['base', 'base', 'base', 'build', 'build', 'peak'];
const BLOCK_VOLUME = [0.75, 0.85, 0.95, 1.05, 1.15, 1];
const LOADING_FACTORS: Record<Phase, number[]> = {
  base: [0.9, 1.0, 1.1, 0.6],
  build: [0.95, 1.05, 1.15, 0.6],
  peak: [0.95, 0.9, 0.8, 0.45],
};
const MAX_MOVING_S: Record<Sport, number> = { ride: 7 * 3600, run: 3.5 * 3600, swim: 1.5 * 3600, other: 5 * 3600 };
const SPORT_DURATION: Record<Sport, number> = { ride: 1.15, run: 0.75, swim: 0.6, other: 1.2 };
const SPORTS_ORDER: Sport[] = ['ride', 'run', 'swim', 'other'];

type DayKind = 'rest' | 'long' | 'quality' | 'easy';

export function phaseOf(
  profile: AthleteProfile,
  day: number,
): { phase: Phase; recoveryWeek: boolean; weekFactor: number } {
  const week = Math.floor((day + profile.cycleOffsetDays) / 7) % 24;
  const block = Math.floor(week / 4);
  const phase = PHASES[block] ?? 'base';
  const weekInBlock = week % 4;
  const weekFactor = (LOADING_FACTORS[phase][weekInBlock] ?? 1) * (BLOCK_VOLUME[block] ?? 1);
  return { phase, recoveryWeek: weekInBlock === 3, weekFactor };
}

/** ±20 % over the year, highest in midsummer of the athlete's hemisphere. */
export function seasonFactor(profile: AthleteProfile, dateMs: number): number {
  const dayOfYear = (dateMs - Date.UTC(new Date(dateMs).getUTCFullYear(), 0, 1)) / 86_400_000;
  const midsummer = profile.southernHemisphere ? 15 : 196;
  return 1 + 0.2 * Math.cos((2 * Math.PI * (dayOfYear - midsummer)) / 365);
}

function dayKind(profile: AthleteProfile, weekday: number): DayKind {
  if (profile.restWeekdays.includes(weekday)) return 'rest';
  if (weekday === profile.longWeekday) return 'long';
  return weekday === 1 || weekday === 3 ? 'quality' : 'easy';
}

const DAY_WEIGHT: Record<DayKind, number> = { rest: 0, long: 2.2, quality: 1.3, easy: 1 };

/** Share of the weekly hours that a day of this kind gets. */
function dayShare(profile: AthleteProfile, kind: DayKind): number {
  let total = 0;
  for (let d = 0; d < 7; d++) total += DAY_WEIGHT[dayKind(profile, d)];
  return DAY_WEIGHT[kind] / total;
}

/** The sessions of one day (none on rest and skipped days, two on some days). */
export function planDay(
  profile: AthleteProfile,
  day: number,
  dateMs: number,
  rng: Random,
  mustTrain: boolean,
): PlannedSession[] {
  const weekday = (new Date(dateMs).getUTCDay() + 6) % 7;
  let kind = dayKind(profile, weekday);
  if (mustTrain && kind === 'rest') kind = 'easy';
  if (kind === 'rest' || (!mustTrain && rng.chance(0.1))) return []; // work, family, illness
  const { phase, recoveryWeek, weekFactor } = phaseOf(profile, day);
  const budgetS = profile.weeklyHours * 3600 * dayShare(profile, kind) * weekFactor * seasonFactor(profile, dateMs);
  const main = planSession(profile, rng, kind, phase, recoveryWeek, budgetS, undefined);
  if (!rng.chance(profile.doubleDayRate)) return [main];
  const second = planSession(profile, rng, 'easy', phase, true, budgetS * 0.5, main.sport);
  return [
    main,
    { ...second, startMinute: main.startMinute < 720 ? rng.int(17 * 60, 19 * 60) : rng.int(6 * 60, 7 * 60) },
  ];
}

function planSession(
  profile: AthleteProfile,
  rng: Random,
  kind: DayKind,
  phase: Phase,
  recoveryWeek: boolean,
  budgetS: number,
  avoidSport: Sport | undefined,
): PlannedSession {
  const sport = pickSport(profile, rng, kind, avoidSport);
  const shape = sessionShape(rng, kind, phase, recoveryWeek);
  const movingS = Math.round(
    Math.min(
      MAX_MOVING_S[sport],
      Math.max(15 * 60, budgetS * shape.volume * SPORT_DURATION[sport] * rng.logNormal(0.2)),
    ),
  );
  return {
    sport,
    kind: shape.kind,
    intensity: Math.min(1.05, Math.max(0.5, shape.intensity + rng.normal(0, 0.03))),
    movingS,
    startMinute: startMinute(profile, rng, kind),
    startSecond: rng.int(0, 59),
    blockS: shape.blockS,
    blockShare: shape.blockShare,
  };
}

function pickSport(profile: AthleteProfile, rng: Random, kind: DayKind, avoid: Sport | undefined): Sport {
  const weights = SPORTS_ORDER.map((s) => {
    if (s === avoid) return 0;
    const w = profile.sportWeights[s];
    return kind === 'long' && s === 'swim' ? w * 0.2 : w;
  });
  return SPORTS_ORDER[rng.weightedIndex(weights)] ?? 'ride';
}

interface Shape {
  kind: SessionKind;
  intensity: number;
  volume: number;
  blockS: number;
  blockShare: number;
}

function sessionShape(rng: Random, day: DayKind, phase: Phase, recoveryWeek: boolean): Shape {
  const steady = (kind: SessionKind, intensity: number, volume = 1): Shape => ({
    kind,
    intensity,
    volume,
    blockS: 60,
    blockShare: 0.04,
  });
  if (recoveryWeek) return day === 'long' ? steady('endurance', 0.65) : steady('easy', 0.6);
  if (day === 'long') {
    if (phase === 'peak' && rng.chance(0.3))
      return { kind: 'race', intensity: 0.97, volume: 0.55, blockS: 90, blockShare: 0.08 };
    return steady('long', phase === 'base' ? 0.68 : 0.72);
  }
  if (day === 'quality') {
    if (phase === 'base') return { kind: 'tempo', intensity: 0.8, volume: 1, blockS: 600, blockShare: 0.08 };
    if (phase === 'build') return { kind: 'threshold', intensity: 0.88, volume: 0.9, blockS: 300, blockShare: 0.2 };
    return { kind: 'vo2', intensity: 0.92, volume: 0.8, blockS: 120, blockShare: 0.3 };
  }
  return steady('easy', phase === 'peak' ? 0.62 : 0.65);
}

function startMinute(profile: AthleteProfile, rng: Random, kind: DayKind): number {
  if (kind === 'long') return rng.int(8 * 60, 10 * 60);
  return profile.morningPerson ? rng.int(6 * 60, 7 * 60 + 30) : rng.int(17 * 60 + 30, 19 * 60 + 30);
}
