/**
 * The hidden physiology behind the generated data: training load (CTL/ATL in the exponential form of
 * shared/domain/training-load.md), what the athlete can do today given fitness and fatigue, and how
 * terrain and duration slow them down. Pure functions, unit-tested through the generator's output.
 */

const CTL_DECAY = Math.exp(-1 / 42);
const ATL_DECAY = Math.exp(-1 / 7);

export interface LoadState {
  ctl: number;
  atl: number;
}

/** X[d] = X[d-1]·e^(-1/N) + load[d]·(1 - e^(-1/N)), N = 42 and 7. */
export function addDailyLoad(state: LoadState, load: number): LoadState {
  return {
    ctl: state.ctl * CTL_DECAY + load * (1 - CTL_DECAY),
    atl: state.atl * ATL_DECAY + load * (1 - ATL_DECAY),
  };
}

/** TSS of a session at a share of threshold: hours × IF² × 100. */
export function sessionLoad(movingS: number, intensity: number): number {
  return (movingS / 3600) * intensity * intensity * 100;
}

/** Threshold capacity relative to the athlete's value at CTL 50: +0.5 % per CTL point. */
export function fitnessFactor(ctl: number): number {
  return 0.75 + 0.005 * ctl;
}

/** Fatigue (negative TSB) costs 0.2 % per point, up to 10 %; being fresh gains up to 2 %. */
export function formFactor(tsb: number): number {
  return tsb < 0 ? Math.max(0.9, 1 + 0.002 * tsb) : Math.min(1.02, 1 + 0.001 * tsb);
}

/** Today's capacity multiplier from yesterday's CTL and TSB. */
export function capacityFactor(state: LoadState): number {
  return fitnessFactor(state.ctl) * formFactor(state.ctl - state.atl);
}

/**
 * Steady heart rate at a share of threshold effort: LTHR at threshold, about 73 % of max HR on an
 * easy (0.6) day. Running sits a little higher and swimming lower at the same effort.
 */
export function heartRateAt(intensity: number, lthr: number, sportOffsetBpm: number): number {
  return lthr * (0.5 + 0.5 * intensity) + sportOffsetBpm;
}

/** Flat-road speed (m/s) from power: drag + rolling resistance = power after drivetrain losses. */
export function rideFlatSpeed(powerW: number, massKg: number, cda: number): number {
  const drag = 0.5 * 1.2 * cda;
  const rolling = 0.004 * (massKg + 9) * 9.81;
  const target = powerW * 0.97;
  let v = 8;
  for (let i = 0; i < 8; i++) v -= (drag * v ** 3 + rolling * v - target) / (3 * drag * v * v + rolling);
  return Math.max(v, 1);
}

/** Climbing costs more than the descent gives back: speed ÷ (1 + k × m climbed per km). */
export function hillFactor(sport: 'ride' | 'run' | 'swim' | 'other', climbPerKm: number): number {
  // hiking: Naismith's rule (+1 h per 600 m on 12 min/km) is about +0.8 % time per m/km
  const k = sport === 'ride' ? 0.018 : sport === 'run' ? 0.012 : sport === 'other' ? 0.008 : 0;
  return 1 / (1 + k * climbPerKm);
}

/** Long sessions are slower: glycogen and muscle fatigue, beyond the lower intensity chosen for them. */
export function durationFactor(sport: 'ride' | 'run' | 'swim' | 'other', movingS: number): number {
  const hours = movingS / 3600;
  const perHour = sport === 'run' ? 0.04 : sport === 'ride' ? 0.02 : 0.015;
  return Math.max(0.85, 1 - perHour * Math.max(0, hours - 1));
}
