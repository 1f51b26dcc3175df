/**
 * Seeded random interleavings of raw uploads and feature runs, for the invariant "after any sequence, a
 * final ordinary run at T gives the tables a full recompute at T gives". A few athletes over a few weeks;
 * uploads bring new activities (some held back and uploaded late), corrected and moved activities (across
 * local midnight and week boundaries, the first activity included), deleted activities (some uploaded again
 * later), new and replaced streams, summaries with a 0 W average power, and new or corrected thresholds
 * that take effect inside computed history. Runs go forward, backward and repeat, some restricted to a few
 * athletes, some full recomputes. The same seed gives the same history.
 */
import { Random } from '../../generator/random.js';
import { ndjson } from './files.js';

type Row = Record<string, string | number | null>;

interface Sample {
  t_s: number;
  hr_bpm: number | null;
  power_w: number | null;
  speed_mps: number | null;
  altitude_m: number | null;
}

interface ActivityPlan {
  id: string;
  athleteId: string;
  sport: string;
  row: Row;
}

export interface FeatureRunInput {
  asOf: string;
  athleteIds?: string[];
  fullRecompute?: boolean;
}

export type HistoryAction =
  { kind: 'upload'; files: Record<string, string>; notes: string[] } | { kind: 'run'; run: FeatureRunInput };

export interface RawHistory {
  seed: number;
  actions: HistoryAction[];
  /** every live record in its newest version, as one upload (deleted activities are simply absent) */
  finalFiles: Record<string, string>;
  /** the as-of date of the final ordinary run */
  finalAsOf: string;
}

const FIRST_DAY = Date.UTC(2025, 0, 6); // a Monday
const DAY_MS = 86_400_000;
const LAST_DAY = 34; // five weeks
export const dayDate = (day: number) => new Date(FIRST_DAY + day * DAY_MS).toISOString().slice(0, 10);
const utcText = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/** Fixed offsets (given explicitly with every activity): some starts fall on another local date than UTC. */
const ATHLETES = [
  { athlete_id: 'ath-berlin', time_zone: 'Europe/Berlin', offset: 60 },
  { athlete_id: 'ath-newyork', time_zone: 'America/New_York', offset: -300 },
  { athlete_id: 'ath-tokyo', time_zone: 'Asia/Tokyo', offset: 540 },
] as const;
type Athlete = (typeof ATHLETES)[number];

const SPORTS = ['ride', 'run', 'swim', 'other'] as const;
const SPEED = { ride: [6, 11], run: [2.5, 4.5], swim: [0.8, 1.5], other: [1, 4] } as const;
const STREAM_HEADER = 'activity_id,t_s,hr_bpm,power_w,speed_mps,altitude_m,cadence,distance_m';
const csvValue = (v: number | null) => (v === null ? '' : String(v));

/** The current raw data, and what changed since the last upload. */
class RawLog {
  readonly athletes = new Map<string, Row>();
  readonly thresholds = new Map<string, Row>();
  /** live (uploaded, not deleted) activities */
  readonly activities = new Map<string, ActivityPlan>();
  readonly deleted = new Map<string, ActivityPlan>();
  readonly streams = new Map<string, Sample[]>();
  private changed = this.nothingChanged();

  private nothingChanged() {
    return {
      athletes: new Set<string>(),
      thresholds: new Set<string>(),
      activities: new Set<string>(),
      streams: new Set<string>(),
      deletions: new Set<string>(),
    };
  }

  putAthlete(row: Row) {
    this.athletes.set(String(row.athlete_id), row);
    this.changed.athletes.add(String(row.athlete_id));
  }
  putThreshold(row: Row) {
    const key = `${row.athlete_id}|${row.effective_from}`;
    this.thresholds.set(key, row);
    this.changed.thresholds.add(key);
  }
  putActivity(plan: ActivityPlan) {
    this.activities.set(plan.id, plan);
    this.deleted.delete(plan.id);
    this.changed.activities.add(plan.id);
    this.changed.deletions.delete(plan.id);
  }
  putStream(activityId: string, samples: Sample[]) {
    this.streams.set(activityId, samples);
    this.changed.streams.add(activityId);
  }
  /** A deletion removes the activity and its stream; a later upload of the same id brings back the summary only. */
  deleteActivity(id: string) {
    this.deleted.set(id, this.activities.get(id)!);
    this.activities.delete(id);
    this.streams.delete(id);
    this.changed.activities.delete(id);
    this.changed.streams.delete(id);
    this.changed.deletions.add(id);
  }

  /** The files of the records changed since the last call. */
  takeChanges(): Record<string, string> {
    const c = this.changed;
    this.changed = this.nothingChanged();
    const deletions = [...c.deletions].map((id) => ({ activity_id: id, athlete_id: this.deleted.get(id)!.athleteId }));
    return {
      ...files(
        [...c.athletes].map((k) => this.athletes.get(k)!),
        [...c.thresholds].map((k) => this.thresholds.get(k)!),
        [...c.activities].map((k) => this.activities.get(k)!.row),
        [...c.streams].map((k) => [k, this.streams.get(k)!] as const),
      ),
      ...(deletions.length ? { 'deletions.ndjson': ndjson(deletions) } : {}),
    };
  }

  everything(): Record<string, string> {
    return files(
      [...this.athletes.values()],
      [...this.thresholds.values()],
      [...this.activities.values()].map((p) => p.row),
      [...this.streams],
    );
  }
}

function files(
  athletes: Row[],
  thresholds: Row[],
  activities: Row[],
  streams: (readonly [string, Sample[]])[],
): Record<string, string> {
  const out: Record<string, string> = {};
  if (athletes.length) out['athletes.ndjson'] = ndjson(athletes);
  if (thresholds.length) out['thresholds.ndjson'] = ndjson(thresholds);
  if (activities.length) out['activities.ndjson'] = ndjson(activities);
  if (streams.length) {
    const lines = streams.flatMap(([id, samples]) =>
      samples.map((s) =>
        [
          id,
          s.t_s,
          csvValue(s.hr_bpm),
          csvValue(s.power_w),
          csvValue(s.speed_mps),
          csvValue(s.altitude_m),
          '',
          '',
        ].join(','),
      ),
    );
    out['streams.csv'] = `${[STREAM_HEADER, ...lines].join('\n')}\n`;
  }
  return out;
}

/** A summary activity of `day` (local); some rides say 0 W average power (a watch without a power meter). */
function planActivity(rnd: Random, athlete: Athlete, day: number, n: number): ActivityPlan {
  const sport = SPORTS[rnd.weightedIndex([0.45, 0.35, 0.1, 0.1])]!;
  const moving = rnd.int(900, sport === 'ride' ? 7200 : 4800);
  const localStart = FIRST_DAY + day * DAY_MS + rnd.int(4 * 3600, 22 * 3600);
  const hr = rnd.chance(sport === 'swim' ? 0.3 : 0.8) ? rnd.int(118, 162) : null;
  const row: Row = {
    activity_id: `${athlete.athlete_id}-d${day}-${n}`,
    athlete_id: athlete.athlete_id,
    sport,
    start_time_utc: utcText(localStart - athlete.offset * 60_000),
    utc_offset_min: athlete.offset,
    distance_m: Math.round(moving * rnd.range(SPEED[sport][0], SPEED[sport][1]) * 10) / 10,
    moving_time_s: moving,
    elapsed_time_s: moving + rnd.int(0, 600),
    elevation_gain_m: sport === 'swim' ? 0 : rnd.int(0, 800),
    avg_hr_bpm: hr,
    max_hr_bpm: hr === null ? null : hr + rnd.int(12, 30),
    avg_power_w: sport === 'ride' ? rnd.pick([null, 0, rnd.int(140, 260), rnd.int(140, 260)]) : null,
    avg_cadence: null,
    device: 'test-device',
    source: 'raw-history',
  };
  return { id: String(row.activity_id), athleteId: athlete.athlete_id, sport, row };
}

/** A short 1 Hz stream inside the activity's elapsed time, with a 20 s pause; HR 0 now and then. */
function planStream(rnd: Random, plan: ActivityPlan): Sample[] {
  const length = Math.min(Number(plan.row.elapsed_time_s), rnd.int(120, 480));
  const power = rnd.int(120, 280);
  const hrBase = rnd.int(115, 150);
  const samples: Sample[] = [];
  for (let t = 0; t < length; t += 1) {
    if (t >= 60 && t < 80) continue;
    const hr = t % 53 === 7 ? 0 : Math.round(hrBase + t / 60 + 3 * Math.sin(t / 30));
    samples.push(
      plan.sport === 'ride'
        ? { t_s: t, hr_bpm: hr, power_w: power + (t % 7), speed_mps: 8.5, altitude_m: null }
        : {
            t_s: t,
            hr_bpm: hr,
            power_w: null,
            speed_mps: Math.round((3.2 + 0.4 * Math.sin(t / 50)) * 1000) / 1000,
            altitude_m: rnd.chance(0.5) ? Math.round((50 + 10 * Math.sin(t / 40)) * 10) / 10 : null,
          },
    );
  }
  return samples;
}

function thresholdRow(rnd: Random, athleteId: string, day: number): Row {
  return {
    athlete_id: athleteId,
    effective_from: dayDate(day),
    ftp_w: rnd.chance(0.8) ? rnd.int(200, 320) : null,
    lthr_bpm: rnd.chance(0.8) ? rnd.int(150, 178) : null,
    max_hr_bpm: rnd.chance(0.8) ? rnd.int(180, 200) : null,
    resting_hr_bpm: 50,
    threshold_pace_s_per_km: rnd.chance(0.7) ? rnd.int(240, 330) : null,
  };
}

function shifted(plan: ActivityPlan, ms: number): ActivityPlan {
  const start = Date.parse(`${String(plan.row.start_time_utc).replace(' ', 'T')}Z`) + ms;
  return { ...plan, row: { ...plan.row, start_time_utc: utcText(start) } };
}

/** One upload's random changes to what is already stored; returns what it did, for failure messages. */
function changeStored(rnd: Random, log: RawLog, today: number): string[] {
  const notes: string[] = [];
  const live = () => [...log.activities.values()];
  // Only deletions the store has seen can be undone by an upload.
  const deletedEarlier = [...log.deleted.keys()];
  const events = rnd.int(1, 4);
  for (let e = 0; e < events && live().length > 0; e += 1) {
    const plan = rnd.pick(live());
    const what = rnd.weightedIndex([0.22, 0.22, 0.2, 0.06, 0.18, 0.12]);
    if (what === 0) {
      const moving = Math.max(300, Number(plan.row.moving_time_s) + rnd.int(-600, 600));
      const speed = Number(plan.row.distance_m) / Number(plan.row.moving_time_s);
      log.putActivity({
        ...plan,
        row: {
          ...plan.row,
          moving_time_s: moving,
          distance_m: Math.round(moving * speed),
          elapsed_time_s: Math.max(moving, Number(plan.row.elapsed_time_s)),
          avg_hr_bpm: rnd.chance(0.7) ? rnd.int(118, 165) : null,
          avg_power_w: plan.sport === 'ride' ? rnd.pick([null, 0, rnd.int(140, 260)]) : null,
        },
      });
      notes.push(`corrected ${plan.id}`);
    } else if (what === 1) {
      // Whole days, or hours (across local midnight).
      const ms = rnd.chance(0.6) ? rnd.pick([-4, -3, -2, -1, 1, 2, 3, 5, 8]) * DAY_MS : rnd.int(-20, 20) * 3600_000;
      log.putActivity(shifted(plan, ms));
      notes.push(`moved ${plan.id} by ${ms / 3600_000} h`);
    } else if (what === 2) {
      log.deleteActivity(plan.id);
      notes.push(`deleted ${plan.id}`);
    } else if (what === 3 && deletedEarlier.some((id) => log.deleted.has(id))) {
      const back = log.deleted.get(rnd.pick(deletedEarlier.filter((id) => log.deleted.has(id))))!;
      log.putActivity(rnd.chance(0.5) ? back : shifted(back, DAY_MS));
      notes.push(`uploaded deleted ${back.id} again`);
    } else if (what === 4 && (plan.sport === 'ride' || plan.sport === 'run')) {
      notes.push(`${log.streams.has(plan.id) ? 'replaced' : 'new'} stream of ${plan.id}`);
      log.putStream(plan.id, planStream(rnd, plan));
    } else if (what === 5) {
      const athleteId = plan.athleteId;
      const existing = [...log.thresholds.values()].filter((t) => t.athlete_id === athleteId);
      const day =
        rnd.chance(0.4) && existing.length
          ? Math.round((Date.parse(String(rnd.pick(existing).effective_from)) - FIRST_DAY) / DAY_MS)
          : rnd.int(0, today);
      log.putThreshold(thresholdRow(rnd, athleteId, day));
      notes.push(`threshold of ${athleteId} from ${dayDate(day)}`);
    }
  }
  return notes;
}

/** The as-of date of a run after an upload on `today`: mostly today, else backward, forward or the last one again. */
function runAsOf(rnd: Random, today: number, previous: number | undefined): number {
  const choice = rnd.weightedIndex([0.55, 0.25, 0.08, 0.12]);
  if (choice === 1) return Math.max(0, today - rnd.int(1, 24));
  if (choice === 2) return today + rnd.int(1, 6);
  if (choice === 3 && previous !== undefined) return previous;
  return today;
}

/** Builds the history; the same seed gives the same actions. */
export function buildRandomHistory(seed: number): RawHistory {
  const rnd = new Random(seed);
  const log = new RawLog();
  const firstDay = new Map(ATHLETES.map((a) => [a.athlete_id, rnd.int(0, 12)]));
  const all = ATHLETES.flatMap((athlete) =>
    Array.from(
      { length: LAST_DAY + 1 - firstDay.get(athlete.athlete_id)! },
      (_, i) => firstDay.get(athlete.athlete_id)! + i,
    ).flatMap((day) => {
      const count = day === firstDay.get(athlete.athlete_id) ? 1 : rnd.chance(0.4) ? 0 : rnd.chance(0.15) ? 2 : 1;
      return Array.from({ length: count }, (_, n) => ({ day, plan: planActivity(rnd, athlete, day, n) }));
    }),
  );
  const pending = new Set(all.map((_, i) => i));
  const actions: HistoryAction[] = [];
  let today = rnd.int(6, 14);
  let previousAsOf: number | undefined;
  while (true) {
    const notes: string[] = [];
    for (const athlete of ATHLETES) {
      if (firstDay.get(athlete.athlete_id)! <= today && !log.athletes.has(athlete.athlete_id)) {
        log.putAthlete({
          athlete_id: athlete.athlete_id,
          name: athlete.athlete_id,
          sex: 'X',
          birth_year: 1990,
          time_zone: athlete.time_zone,
        });
        log.putThreshold(thresholdRow(rnd, athlete.athlete_id, firstDay.get(athlete.athlete_id)! - 10));
      }
    }
    notes.push(...changeStored(rnd, log, today));
    for (const i of [...pending]) {
      const { day, plan } = all[i]!;
      // Some activities of the last days arrive late, with a later upload.
      if (day <= today && log.athletes.has(plan.athleteId) && !(day > today - 3 && rnd.chance(0.2))) {
        log.putActivity(plan);
        if ((plan.sport === 'ride' || plan.sport === 'run') && rnd.chance(0.15))
          log.putStream(plan.id, planStream(rnd, plan));
        pending.delete(i);
      }
    }
    actions.push({ kind: 'upload', files: log.takeChanges(), notes });
    const runs = rnd.weightedIndex([0.15, 0.6, 0.25]);
    for (let r = 0; r < runs; r += 1) {
      const asOf = runAsOf(rnd, today, previousAsOf);
      const athletes = [...log.athletes.keys()];
      const restricted = rnd.chance(0.2) ? athletes.filter(() => rnd.chance(0.5)) : [];
      actions.push({
        kind: 'run',
        run: {
          asOf: dayDate(asOf),
          ...(restricted.length ? { athleteIds: restricted } : {}),
          ...(rnd.chance(0.15) ? { fullRecompute: true } : {}),
        },
      });
      previousAsOf = asOf;
    }
    if (today >= LAST_DAY) break;
    today = Math.min(LAST_DAY, today + rnd.int(4, 10));
  }
  const finalAsOf = rnd.chance(0.75) ? LAST_DAY : rnd.int(2, LAST_DAY - 1);
  return { seed, actions, finalFiles: log.everything(), finalAsOf: dayDate(finalAsOf) };
}

/** A readable account of a history, printed with a failing seed. */
export function describeHistory(history: RawHistory): string {
  const lines = history.actions.map((a) =>
    a.kind === 'run'
      ? `run ${JSON.stringify(a.run)}`
      : `upload ${Object.keys(a.files).join(', ')}${a.notes.length ? `: ${a.notes.join('; ')}` : ''}`,
  );
  return [`seed ${history.seed}`, ...lines, `final ordinary run at ${history.finalAsOf}`].join('\n');
}
