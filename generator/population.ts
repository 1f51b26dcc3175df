import type { ActivityRow, AthleteRow, ThresholdRow } from '../shared/records.js';
import { buildActivity } from './activity.js';
import { DIRTY_KINDS, dirtyCopy } from './dirty.js';
import { addDailyLoad, capacityFactor, sessionLoad, type LoadState } from './physiology.js';
import { drawProfile, type AthleteProfile } from './profile.js';
import { mixSeed, Random } from './random.js';
import { measuredThresholds, nextRetestIn } from './thresholds.js';
import { localToUtcMs } from '../shared/time-zone.js';
import { planDay, type PlannedSession } from './training-plan.js';
import type { GeneratedAthlete, PopulationOptions, StreamPlan } from './types.js';

const DAY_MS = 86_400_000;
const DEFAULT_DIRTY_SHARE = 0.003;

/** Independent random streams per athlete, so changing one option (stream share) leaves the rest alone. */
const PURPOSE = { profile: 1, plan: 2, streams: 3, dirty: 4, tests: 5, activitySeed: 6 } as const;

/**
 * Athletes one at a time (memory stays bounded); athlete i depends only on (seed, i) and the
 * calendar options, never on how many athletes are generated.
 */
export function* generatePopulation(options: PopulationOptions): Generator<GeneratedAthlete> {
  checkOptions(options);
  for (let index = 0; index < options.athletes; index++) yield generateAthlete(options, index);
}

export function generateAthlete(options: PopulationOptions, index: number): GeneratedAthlete {
  const firstDateMs = Date.parse(`${options.endDate}T00:00:00Z`) - (options.days - 1) * DAY_MS;
  const endYear = Number(options.endDate.slice(0, 4));
  const profile = drawProfile(index, mixSeed(options.seed, index, PURPOSE.profile), options.days, endYear);
  const simulation = new AthleteSimulation(options, profile, firstDateMs);
  for (let day = profile.firstDay; day < options.days; day++) simulation.simulateDay(day);
  return {
    athlete: raw(athleteRecord(profile)),
    thresholds: simulation.thresholds.map(raw),
    activities: simulation.activities,
    streamPlans: simulation.streamPlans,
  };
}

function athleteRecord(profile: AthleteProfile): AthleteRow {
  return {
    athlete_id: profile.id,
    name: profile.name,
    sex: profile.sex,
    birth_year: profile.birthYear,
    time_zone: profile.timeZone,
  };
}

/** Day-by-day simulation of one athlete: plan, perform, record, and carry the training load forward. */
class AthleteSimulation {
  readonly thresholds: ThresholdRow[] = [];
  readonly activities: Record<string, unknown>[] = [];
  readonly streamPlans: StreamPlan[] = [];
  private readonly planRng: Random;
  private readonly streamRng: Random;
  private readonly dirtyRng: Random;
  private readonly testRng: Random;
  private readonly dirtyShare: number;
  private state: LoadState;
  private nextTestDay: number | null;
  private activityCount = 0;
  private dirtyCount = 0;

  constructor(
    private readonly options: PopulationOptions,
    private readonly profile: AthleteProfile,
    private readonly firstDateMs: number,
  ) {
    const { seed } = options;
    this.planRng = new Random(mixSeed(seed, profile.index, PURPOSE.plan));
    this.streamRng = new Random(mixSeed(seed, profile.index, PURPOSE.streams));
    this.dirtyRng = new Random(mixSeed(seed, profile.index, PURPOSE.dirty));
    this.testRng = new Random(mixSeed(seed, profile.index, PURPOSE.tests));
    this.dirtyShare = options.dirtyShare ?? DEFAULT_DIRTY_SHARE;
    // Athletes arrive with the fitness of their usual volume (about 50 TSS per hour), not from zero.
    const ctl = ((profile.weeklyHours * 50) / 7) * this.planRng.range(0.6, 1);
    this.state = { ctl, atl: ctl };
    this.nextTestDay = profile.firstDay;
  }

  simulateDay(day: number): void {
    const dateMs = this.firstDateMs + day * DAY_MS;
    if (this.nextTestDay === day) this.retest(day, dateMs);
    const mustTrain = this.profile.index === 0 && day === this.profile.firstDay; // see addDirtyCopies
    const capacity = capacityFactor(this.state);
    let load = 0;
    for (const session of planDay(this.profile, day, dateMs, this.planRng, mustTrain)) {
      this.record(session, dateMs, capacity);
      load += sessionLoad(session.movingS, session.intensity);
    }
    this.state = addDailyLoad(this.state, load);
  }

  private retest(day: number, dateMs: number): void {
    this.thresholds.push(measuredThresholds(this.profile, isoDate(dateMs), this.state.ctl, this.testRng));
    const interval = nextRetestIn(this.profile, this.testRng);
    this.nextTestDay = interval === null ? null : day + interval;
  }

  private record(session: PlannedSession, dateMs: number, capacity: number): void {
    const localMs = dateMs + session.startMinute * 60_000 + session.startSecond * 1000;
    const utcMs = localToUtcMs(this.profile.timeZone, localMs);
    this.activityCount++;
    const { row, plan } = buildActivity(
      {
        profile: this.profile,
        activityId: `${this.profile.id}-${String(this.activityCount).padStart(6, '0')}`,
        capacity,
        startTimeUtc: new Date(utcMs).toISOString().slice(0, 19).replace('T', ' '),
        utcOffsetMin: Math.round((localMs - utcMs) / 60_000),
        seed: mixSeed(this.options.seed, this.profile.index, PURPOSE.activitySeed, this.activityCount),
      },
      session,
      this.planRng,
    );
    this.activities.push(raw(row));
    this.maybeKeepStream(plan);
    this.addDirtyCopies(row);
  }

  /** Four draws per activity whatever the outcome, so the choice never shifts other activities. */
  private maybeKeepStream(plan: StreamPlan): void {
    const [keep, glitch, glitchAt, outside] = [
      this.streamRng.next(),
      this.streamRng.next(),
      this.streamRng.next(),
      this.streamRng.next(),
    ];
    if (keep >= this.options.streamShare) return;
    const dirtyRate = Math.min(1, this.dirtyShare * 5);
    this.streamPlans.push({
      ...plan,
      hr_glitch_at: plan.has_hr && glitch < dirtyRate ? Math.floor(glitchAt * plan.moving_s) : -1,
      outside_sample: outside < dirtyRate,
    });
  }

  /**
   * About dirtyShare of activities get one invalid copy, the kinds taking turns. The first athlete
   * carries one copy of every kind on its first activity (which is why it always trains on its first
   * day), so any population with dirty records switched on holds every kind.
   */
  private addDirtyCopies(row: ActivityRow): void {
    if (this.dirtyShare <= 0) return;
    const draw = this.dirtyRng.next();
    if (this.profile.index === 0 && this.activityCount === 1) {
      for (const kind of DIRTY_KINDS) this.activities.push(dirtyCopy(row, kind));
    } else if (draw < this.dirtyShare) {
      const kind = DIRTY_KINDS[(this.profile.index + this.dirtyCount++) % DIRTY_KINDS.length] ?? 'hr_300';
      this.activities.push(dirtyCopy(row, kind));
    }
  }
}

/** The typed row as a raw record (a mapped type has the implicit index signature an interface lacks). */
function raw<T extends object>(row: T): { [K in keyof T]: T[K] } {
  return row;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function checkOptions(o: PopulationOptions): void {
  const problems: string[] = [];
  if (!Number.isInteger(o.seed)) problems.push('seed must be an integer');
  if (!Number.isInteger(o.athletes) || o.athletes < 0) problems.push('athletes must be a non-negative integer');
  if (!Number.isInteger(o.days) || o.days < 1) problems.push('days must be a positive integer');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(o.endDate) || Number.isNaN(Date.parse(`${o.endDate}T00:00:00Z`)))
    problems.push('endDate must be YYYY-MM-DD');
  if (!(o.streamShare >= 0 && o.streamShare <= 1)) problems.push('streamShare must be within 0..1');
  if (o.dirtyShare !== undefined && !(o.dirtyShare >= 0 && o.dirtyShare <= 1))
    problems.push('dirtyShare must be within 0..1');
  if (problems.length > 0) throw new RangeError(`Invalid population options: ${problems.join('; ')}`);
}
