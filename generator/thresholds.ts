import type { ThresholdRow } from '../shared/records.js';
import { fitnessFactor } from './physiology.js';
import type { AthleteProfile } from './profile.js';
import type { Random } from './random.js';

/**
 * What the athlete's thresholds say, as opposed to what the athlete can do: they are measured on a
 * test day and then stay put until the next test, so they lag behind fitness (as real ones do).
 * No power meter means no FTP; athletes who hardly run have no threshold pace.
 */
export function measuredThresholds(
  profile: AthleteProfile,
  effectiveFrom: string,
  ctl: number,
  rng: Random,
): ThresholdRow {
  const fitness = fitnessFactor(ctl) * rng.logNormal(0.02);
  const runs = profile.sportWeights.run / totalWeight(profile) >= 0.15;
  return {
    athlete_id: profile.id,
    effective_from: effectiveFrom,
    ftp_w: profile.hasPowerMeter ? Math.round(profile.ftpAt50 * fitness) : null,
    lthr_bpm: profile.lthr + Math.round(rng.normal(0, 1.5)),
    max_hr_bpm: profile.maxHr,
    resting_hr_bpm: profile.restingHr - Math.round((ctl - 50) / 25),
    threshold_pace_s_per_km: runs ? Math.round(1000 / (profile.runThresholdAt50 * fitness)) : null,
  };
}

/** Days until the next re-test, or null for athletes who never re-test. */
export function nextRetestIn(profile: AthleteProfile, rng: Random): number | null {
  if (!profile.retestWeeks) return null;
  const [minWeeks, maxWeeks] = profile.retestWeeks;
  return rng.int(minWeeks * 7, maxWeeks * 7);
}

function totalWeight(profile: AthleteProfile): number {
  const w = profile.sportWeights;
  return w.ride + w.run + w.swim + w.other;
}
