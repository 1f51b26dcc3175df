import type { Sport } from '../shared/records.js';
import { Random } from './random.js';

/** Who an athlete is: fixed traits drawn once from the athlete's seed. */
export interface AthleteProfile {
  index: number;
  id: string;
  name: string;
  sex: 'F' | 'M' | 'X';
  birthYear: number;
  timeZone: string;
  southernHemisphere: boolean;
  massKg: number;
  maxHr: number;
  restingHr: number;
  lthr: number;
  /** FTP (W) and running threshold speed (m/s) at CTL 50, rested */
  ftpAt50: number;
  runThresholdAt50: number;
  swimThresholdAt50: number;
  /** aerodynamic drag area, m² */
  cda: number;
  sportWeights: Record<Sport, number>;
  weeklyHours: number;
  /** 0 = Monday … 6 = Sunday */
  restWeekdays: number[];
  longWeekday: number;
  /** day offset into the periodization cycle, so athletes are not all in the same phase */
  cycleOffsetDays: number;
  firstDay: number;
  hasPowerMeter: boolean;
  hasRunPower: boolean;
  hasCadenceSensor: boolean;
  /** share of days the HR strap stays at home */
  hrMissRate: number;
  /** m of climbing per km on a typical ride or run from home */
  homeHillsPerKm: number;
  homeAltitudeM: number;
  morningPerson: boolean;
  doubleDayRate: number;
  /** weeks between threshold re-tests, null: never re-tests */
  retestWeeks: [number, number] | null;
  devices: Record<Sport, string>;
}

const TIME_ZONES = [
  'Europe/Paris',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Madrid',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Australia/Sydney',
  'Pacific/Auckland',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Africa/Johannesburg',
] as const;
const SOUTHERN_ZONES = new Set<string>([
  'America/Sao_Paulo',
  'Australia/Sydney',
  'Pacific/Auckland',
  'Africa/Johannesburg',
]);
const FIRST_NAMES = [
  'Alex',
  'Sam',
  'Maria',
  'Jonas',
  'Lea',
  'Tom',
  'Yuki',
  'Priya',
  'Lucas',
  'Emma',
  'Noah',
  'Ines',
  'Kai',
  'Sofia',
  'Liam',
  'Chloe',
];
const LAST_NAMES = [
  'Martin',
  'Schmidt',
  'Garcia',
  'Smith',
  'Tanaka',
  'Rossi',
  'Dubois',
  'Patel',
  'Silva',
  'Berg',
  'Novak',
  'Walsh',
];

/** Sport mixes by archetype: cyclist, runner, triathlete, all-rounder. */
const ARCHETYPES: Record<Sport, number>[] = [
  { ride: 0.82, run: 0.08, swim: 0.02, other: 0.08 },
  { ride: 0.06, run: 0.84, swim: 0.02, other: 0.08 },
  { ride: 0.42, run: 0.32, swim: 0.24, other: 0.02 },
  { ride: 0.4, run: 0.4, swim: 0.05, other: 0.15 },
];
const ARCHETYPE_WEIGHTS = [0.35, 0.35, 0.15, 0.15];

export function athleteId(index: number): string {
  return `a${String(index + 1).padStart(4, '0')}`;
}

export function drawProfile(index: number, seed: number, days: number, endYear: number): AthleteProfile {
  const rng = new Random(seed);
  const sex = rng.chance(0.02) ? 'X' : rng.chance(0.4) ? 'F' : 'M';
  const female = sex === 'F';
  const birthYear = rng.int(endYear - 65, endYear - 18);
  const age = endYear - birthYear;
  const maxHr = Math.round(208 - 0.7 * age + rng.normal(0, 6));
  const restingHr = Math.round(rng.range(42, 64));
  const massKg = Math.round((female ? rng.normal(62, 7) : rng.normal(75, 9)) * 10) / 10;
  const talent = Math.min(1.4, Math.max(0.7, rng.logNormal(0.15)));
  const timeZone = rng.pick(TIME_ZONES);
  const archetype = ARCHETYPES[rng.weightedIndex(ARCHETYPE_WEIGHTS)] ?? ARCHETYPES[0]!;
  return {
    index,
    id: athleteId(index),
    name: `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`,
    sex,
    birthYear,
    timeZone,
    southernHemisphere: SOUTHERN_ZONES.has(timeZone),
    massKg,
    maxHr,
    restingHr,
    lthr: Math.round(maxHr * rng.range(0.86, 0.92)),
    ftpAt50: Math.round(massKg * (female ? 3.0 : 3.3) * talent),
    runThresholdAt50: (female ? 3.55 : 3.95) * talent,
    swimThresholdAt50: (female ? 0.95 : 1.05) * talent,
    cda: rng.range(0.28, 0.38),
    sportWeights: jitterWeights(archetype, rng),
    weeklyHours: rng.range(4, 13),
    restWeekdays: drawRestDays(rng),
    longWeekday: rng.chance(0.6) ? 5 : 6,
    cycleOffsetDays: rng.int(0, 167),
    firstDay: index > 0 && rng.chance(0.2) ? rng.int(1, Math.max(1, Math.floor(days / 2))) : 0,
    hasPowerMeter: rng.chance(0.65),
    hasRunPower: rng.chance(0.12),
    hasCadenceSensor: rng.chance(0.5),
    hrMissRate: rng.range(0.02, 0.2),
    homeHillsPerKm: rng.chance(0.3) ? rng.range(8, 18) : rng.range(1, 8),
    homeAltitudeM: Math.round(rng.range(0, 1200)),
    morningPerson: rng.chance(0.55),
    doubleDayRate: archetype === ARCHETYPES[2] ? 0.2 : 0.03,
    retestWeeks: rng.chance(0.6) ? [6, 12] : null,
    devices: drawDevices(rng),
  };
}

function jitterWeights(base: Record<Sport, number>, rng: Random): Record<Sport, number> {
  return {
    ride: base.ride * rng.logNormal(0.3),
    run: base.run * rng.logNormal(0.3),
    swim: base.swim * rng.logNormal(0.3),
    other: base.other * rng.logNormal(0.3),
  };
}

/** 1 or 2 rest days a week; Monday is the classic one, Friday the usual second. */
function drawRestDays(rng: Random): number[] {
  const first = rng.chance(0.7) ? 0 : 4;
  if (rng.chance(0.3)) return [first];
  return [first, first === 0 ? rng.pick([3, 4]) : 0];
}

function drawDevices(rng: Random): Record<Sport, string> {
  const watch = rng.pick([
    'Garmin Forerunner 255',
    'Garmin Fenix 7',
    'Coros Pace 3',
    'Apple Watch Ultra',
    'Polar Vantage V2',
  ]);
  const bikeComputer = rng.pick([
    'Garmin Edge 530',
    'Garmin Edge 840',
    'Wahoo ELEMNT BOLT',
    'Wahoo ELEMNT ROAM',
    watch,
  ]);
  return { ride: bikeComputer, run: watch, swim: watch, other: watch };
}
