import type { ActivityRow, Sport } from '../shared/records.js';
import { durationFactor, heartRateAt, hillFactor, rideFlatSpeed } from './physiology.js';
import type { AthleteProfile } from './profile.js';
import type { Random } from './random.js';
import { warmupMean } from './synthesize-streams.sql.js';
import type { PlannedSession } from './training-plan.js';
import type { StreamPlan } from './types.js';

/**
 * One activity: its stream parameters first, then the summary derived from them, so an activity
 * that gets a per-second stream has a summary that matches it (the stream's varying terms average
 * out to the base values; see StreamPlan).
 */
export interface BuiltActivity {
  row: ActivityRow;
  plan: StreamPlan;
}

export interface ActivityContext {
  profile: AthleteProfile;
  activityId: string;
  /** today's threshold capacity relative to the athlete's value at CTL 50, rested */
  capacity: number;
  startTimeUtc: string;
  utcOffsetMin: number;
  seed: number;
}

const HR_SPORT_OFFSET: Record<Sport, number> = { ride: 0, run: 4, swim: -8, other: -5 };

export function buildActivity(ctx: ActivityContext, session: PlannedSession, rng: Random): BuiltActivity {
  const { profile } = ctx;
  const { sport, movingS } = session;
  const climbPerKm = drawClimbPerKm(profile, sport, rng);
  const basePowerW = sport === 'ride' ? session.intensity * profile.ftpAt50 * ctx.capacity : 0;
  const speed = movingSpeed(ctx, session, basePowerW, climbPerKm);
  const distanceM = speed * movingS;
  const terrain = terrainOf(sport, distanceM, movingS, climbPerKm);
  const hasPower =
    (sport === 'ride' && profile.hasPowerMeter && !rng.chance(0.03)) || (sport === 'run' && profile.hasRunPower);
  const hasHr = !rng.chance(sport === 'swim' ? 0.6 : profile.hrMissRate);
  const pause = drawPause(sport, movingS, rng);
  const heart = heartRateShape(profile, session, terrain.peakGrade, rng);
  const plan: StreamPlan = {
    activity_id: ctx.activityId,
    athlete_id: profile.id,
    seed: ctx.seed,
    moving_s: movingS,
    pause_at_s: pause.at,
    pause_s: pause.length,
    has_power: hasPower,
    base_power_w: hasPower ? (sport === 'run' ? profile.massKg * speed * 1.04 : basePowerW) : 0,
    block_s: pairedBlockLength(session.blockS, movingS),
    block_power_share: session.blockShare,
    second_power_share: sport === 'ride' ? rng.range(0.06, 0.12) : 0.03,
    power_hill_share: Math.min(sport === 'ride' ? 0.35 : 0.2, (sport === 'ride' ? 5 : 2) * terrain.peakGrade),
    has_hr: hasHr,
    base_hr_bpm: heart.base,
    hr_drift_bpm_per_h: heart.driftPerHour,
    hr_hill_bpm: heart.hill,
    hr_block_bpm: heart.block,
    hr_warmup_bpm: heart.warmup,
    base_speed_mps: speed,
    speed_hill_share: Math.min(sport === 'ride' ? 0.6 : 0.4, (sport === 'ride' ? 8 : 4) * terrain.peakGrade),
    block_speed_share: session.blockShare * (sport === 'ride' ? 0.3 : 0.6),
    base_cadence: cadenceOf(profile, sport, rng),
    altitude_base_m: sport === 'swim' ? 0 : profile.homeAltitudeM + Math.round(rng.range(-50, 50)),
    altitude_amp_m: terrain.amplitudeM,
    altitude_cycles: terrain.cycles,
    hr_glitch_at: -1,
    outside_sample: false,
  };
  return { plan, row: summaryOf(ctx, sport, plan, heart.max) };
}

/**
 * The block length closest to the planned one that fits a whole number of hard/easy pairs into the
 * moving time: a pair's two blocks cancel, so only whole pairs keep the power mean at its base.
 */
function pairedBlockLength(plannedS: number, movingS: number): number {
  const pairs = Math.max(1, Math.round(movingS / (2 * plannedS)));
  return Math.max(1, Math.round(movingS / (2 * pairs)));
}

/** Hills vary around the athlete's home terrain; the pool is flat and hikes go up. */
function drawClimbPerKm(profile: AthleteProfile, sport: Sport, rng: Random): number {
  if (sport === 'swim') return 0;
  const hills = profile.homeHillsPerKm * rng.logNormal(0.7);
  return Math.min(sport === 'other' ? 60 : 35, sport === 'other' ? 10 + 3 * hills : hills);
}

function movingSpeed(ctx: ActivityContext, session: PlannedSession, powerW: number, climbPerKm: number): number {
  const { profile, capacity } = ctx;
  const { sport, intensity, movingS } = session;
  const slowing = hillFactor(sport, climbPerKm) * durationFactor(sport, movingS);
  switch (sport) {
    case 'ride':
      // 0.9: wind, corners and traffic keep real rides below the still-air speed
      return rideFlatSpeed(powerW, profile.massKg, profile.cda) * 0.9 * slowing;
    case 'run':
      return profile.runThresholdAt50 * capacity * (0.35 + 0.65 * intensity) * slowing;
    case 'swim':
      return profile.swimThresholdAt50 * capacity * (0.5 + 0.5 * intensity) * slowing;
    case 'other':
      return 1.35 * (0.8 + 0.2 * capacity) * slowing;
  }
}

interface Terrain {
  amplitudeM: number;
  cycles: number;
  /** steepest grade of the sinusoidal profile: π/2 × the mean climbing grade (2 × m per km / 1000) */
  peakGrade: number;
}

/** Whole climb-descent cycles of a few km each (at least 3 minutes per cycle). */
function terrainOf(sport: Sport, distanceM: number, movingS: number, climbPerKm: number): Terrain {
  if (climbPerKm <= 0) return { amplitudeM: 0, cycles: 1, peakGrade: 0 };
  const cycleM = sport === 'ride' ? 12_000 : sport === 'run' ? 3_000 : 4_000;
  const cycles = Math.max(1, Math.min(Math.floor(movingS / 180), Math.round(distanceM / cycleM)));
  const gainM = (climbPerKm * distanceM) / 1000;
  return { amplitudeM: gainM / cycles, cycles, peakGrade: (Math.PI * climbPerKm) / 1000 };
}

function drawPause(sport: Sport, movingS: number, rng: Random): { at: number; length: number } {
  const share = sport === 'swim' ? 0.9 : sport === 'run' ? 0.35 : 0.45;
  if (!rng.chance(share)) return { at: 0, length: 0 };
  const length = sport === 'swim' ? rng.int(60, 600) : rng.int(20, 900);
  return { at: rng.int(Math.floor(movingS * 0.1), Math.floor(movingS * 0.9)), length };
}

interface HeartShape {
  base: number;
  driftPerHour: number;
  hill: number;
  block: number;
  warmup: number;
  /** upper bound of the stream: every term at its peak */
  max: number;
}

/** Base HR from effort; kept below max HR even at the end of the drift on top of a climb. */
function heartRateShape(profile: AthleteProfile, session: PlannedSession, peakGrade: number, rng: Random): HeartShape {
  const driftPerHour = rng.range(1, 4) + 8 * Math.max(0, session.intensity - 0.6);
  const hill = Math.min(12, 250 * peakGrade);
  const block = session.blockShare * 20;
  const warmup = rng.range(10, 25);
  // centring the warm-up dip lifts the rest of the stream by its mean
  const spread = (driftPerHour * session.movingS) / 7200 + hill + block + 1.5 + warmupMean(warmup, session.movingS);
  const wanted = heartRateAt(session.intensity, profile.lthr, HR_SPORT_OFFSET[session.sport]) + rng.normal(0, 2);
  const base = Math.min(wanted, profile.maxHr - 2 - spread);
  return { base, driftPerHour, hill, block, warmup, max: base + spread };
}

function cadenceOf(profile: AthleteProfile, sport: Sport, rng: Random): number {
  if (sport === 'ride') return profile.hasCadenceSensor || profile.hasPowerMeter ? rng.range(78, 95) : 0;
  if (sport === 'run') return rng.range(158, 184);
  if (sport === 'swim') return rng.range(24, 36);
  return 0;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

function summaryOf(ctx: ActivityContext, sport: Sport, plan: StreamPlan, maxHr: number): ActivityRow {
  return {
    activity_id: plan.activity_id,
    athlete_id: plan.athlete_id,
    sport,
    start_time_utc: ctx.startTimeUtc,
    utc_offset_min: ctx.utcOffsetMin,
    distance_m: round1(plan.base_speed_mps * plan.moving_s),
    moving_time_s: plan.moving_s,
    elapsed_time_s: plan.moving_s + plan.pause_s,
    elevation_gain_m: round1(plan.altitude_amp_m * plan.altitude_cycles),
    avg_hr_bpm: plan.has_hr ? round1(plan.base_hr_bpm) : null,
    max_hr_bpm: plan.has_hr ? Math.round(maxHr) : null,
    avg_power_w: plan.has_power ? round1(plan.base_power_w) : null,
    avg_cadence: plan.base_cadence > 0 ? round1(plan.base_cadence) : null,
    device: ctx.profile.devices[sport],
    source: 'generator',
  };
}
