/**
 * A seeded, randomized history of raw uploads for incremental-versus-full tests of the feature pipeline:
 * athletes, effective-dated thresholds, activities and per-second streams (CSV), uploaded in steps with an
 * as-of date per step, including the awkward cases a feature store must survive (late activities, corrected
 * re-uploads, activities that move to another local date, replaced streams, thresholds that take effect in
 * the middle of already-computed history). It also gives the final state of the raw data as one upload.
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
  cadence: number | null;
}

interface ActivityPlan {
  id: string;
  athleteId: string;
  day: number;
  sport: string;
  row: Row;
  hasStream: boolean;
}

export interface HistoryStep {
  asOf: string;
  /** file name → content, for writeFiles */
  files: Record<string, string>;
  /** what this step exercises, for failure messages */
  notes: string[];
}

export interface RawHistory {
  steps: HistoryStep[];
  /** the newest version of every record, as one upload */
  finalFiles: Record<string, string>;
  finalAsOf: string;
}

const FIRST_DAY = Date.UTC(2025, 0, 6); // a Monday
const DAY_MS = 86_400_000;
export const dayDate = (day: number) => new Date(FIRST_DAY + day * DAY_MS).toISOString().slice(0, 10);
const utcText = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/** Fixed offsets (given explicitly with every activity): some starts fall on another local date than UTC. */
const ATHLETES = [
  { athlete_id: 'ath-berlin', name: 'Berlin', sex: 'F', birth_year: 1990, time_zone: 'Europe/Berlin', offset: 60, firstDay: 0 },
  { athlete_id: 'ath-newyork', name: 'New York', sex: 'M', birth_year: 1984, time_zone: 'America/New_York', offset: -300, firstDay: 1 },
  { athlete_id: 'ath-tokyo', name: 'Tokyo', sex: 'X', birth_year: 1995, time_zone: 'Asia/Tokyo', offset: 540, firstDay: 3 },
  // joins in the second step
  { athlete_id: 'ath-late', name: 'Late', sex: 'F', birth_year: 2000, time_zone: 'America/Los_Angeles', offset: -480, firstDay: 33 },
] as const;

/** Step k uploads activities up to uploadThrough[k] and runs the pipeline for asOf[k]. */
const AS_OF_DAYS = [27, 41, 55, 69, 83];
/** Step 2 also uploads the next day's activities (recorded today, the run is for yesterday). */
const UPLOAD_THROUGH = [27, 42, 55, 69, 83];

/** Records keyed by identity; a step uploads the ones it changed, the final upload all of them. */
class RawLog {
  readonly athletes = new Map<string, Row>();
  readonly thresholds = new Map<string, Row>();
  readonly activities = new Map<string, ActivityPlan>();
  readonly streams = new Map<string, Sample[]>();
  private changed = { athletes: new Set<string>(), thresholds: new Set<string>(), activities: new Set<string>(), streams: new Set<string>() };

  putAthlete(row: Row) { this.athletes.set(String(row.athlete_id), row); this.changed.athletes.add(String(row.athlete_id)); }
  putThreshold(row: Row) {
    const key = `${row.athlete_id}|${row.effective_from}`;
    this.thresholds.set(key, row);
    this.changed.thresholds.add(key);
  }
  putActivity(plan: ActivityPlan) { this.activities.set(plan.id, plan); this.changed.activities.add(plan.id); }
  putStream(activityId: string, samples: Sample[]) { this.streams.set(activityId, samples); this.changed.streams.add(activityId); }

  /** The files of the records changed since the last call. */
  takeChanges(): Record<string, string> {
    const c = this.changed;
    this.changed = { athletes: new Set(), thresholds: new Set(), activities: new Set(), streams: new Set() };
    return files(
      [...c.athletes].map((k) => this.athletes.get(k)!),
      [...c.thresholds].map((k) => this.thresholds.get(k)!),
      [...c.activities].map((k) => this.activities.get(k)!.row),
      [...c.streams].map((k) => [k, this.streams.get(k)!] as const),
    );
  }

  everything(): Record<string, string> {
    return files([...this.athletes.values()], [...this.thresholds.values()], [...this.activities.values()].map((p) => p.row), [...this.streams]);
  }
}

const STREAM_HEADER = 'activity_id,t_s,hr_bpm,power_w,speed_mps,altitude_m,cadence,distance_m';
const csvValue = (v: number | null) => (v === null ? '' : String(v));

function files(athletes: Row[], thresholds: Row[], activities: Row[], streams: (readonly [string, Sample[]])[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (athletes.length) out['athletes.ndjson'] = ndjson(athletes);
  if (thresholds.length) out['thresholds.ndjson'] = ndjson(thresholds);
  if (activities.length) out['activities.ndjson'] = ndjson(activities);
  if (streams.length) {
    const lines = streams.flatMap(([id, samples]) =>
      samples.map((s) => [id, s.t_s, csvValue(s.hr_bpm), csvValue(s.power_w), csvValue(s.speed_mps), csvValue(s.altitude_m), csvValue(s.cadence), ''].join(',')),
    );
    out['streams.csv'] = `${[STREAM_HEADER, ...lines].join('\n')}\n`;
  }
  return out;
}

const SPORTS = ['ride', 'run', 'swim', 'other'] as const;
const SPEED = { ride: [6, 11], run: [2.5, 4.5], swim: [0.8, 1.5], other: [1, 4] } as const;

/** A summary activity; rides and runs sometimes get a short stream (then the summary matches its length). */
function planActivity(rnd: Random, athlete: (typeof ATHLETES)[number], day: number, n: number): ActivityPlan {
  const sport = SPORTS[rnd.weightedIndex([0.45, 0.35, 0.1, 0.1])]!;
  const hasStream = (sport === 'ride' || sport === 'run') && rnd.chance(0.12);
  const moving = hasStream ? rnd.int(1200, 2400) : rnd.int(sport === 'ride' ? 1800 : 1200, sport === 'ride' ? 10_800 : 6000);
  const localStart = FIRST_DAY + day * DAY_MS + rnd.int(5 * 3600, 21 * 3600);
  const hr = rnd.chance(sport === 'swim' ? 0.3 : 0.8) ? rnd.int(118, 162) : null;
  const row: Row = {
    activity_id: `${athlete.athlete_id}-d${day}-${n}`,
    athlete_id: athlete.athlete_id,
    sport,
    start_time_utc: utcText(localStart - athlete.offset * 60_000),
    utc_offset_min: athlete.offset,
    distance_m: Math.round(moving * rnd.range(SPEED[sport][0], SPEED[sport][1]) * 10) / 10,
    moving_time_s: moving,
    // a stream has a 30 s pause at 600 s
    elapsed_time_s: hasStream ? moving + 30 : moving + rnd.int(0, 600),
    elevation_gain_m: sport === 'swim' ? 0 : rnd.int(0, sport === 'ride' ? 1500 : 400),
    avg_hr_bpm: hr,
    max_hr_bpm: hr === null ? null : hr + rnd.int(12, 30),
    avg_power_w: sport === 'ride' && rnd.chance(0.7) ? rnd.int(140, 260) : null,
    avg_cadence: sport === 'ride' ? rnd.int(80, 95) : sport === 'run' ? rnd.int(80, 90) : null,
    device: 'test-device',
    source: 'raw-history',
  };
  return { id: String(row.activity_id), athleteId: athlete.athlete_id, day, sport, row, hasStream };
}

/** Seconds 0..elapsed-1 without the pause [600, 630); rides hold constant power, runs carry HR, speed, altitude. */
function planStream(rnd: Random, plan: ActivityPlan): Sample[] {
  const elapsed = Number(plan.row.elapsed_time_s);
  const power = rnd.int(150, 260);
  const hrBase = rnd.int(120, 150);
  const every = plan.sport === 'run' ? rnd.int(1, 2) : 1;
  const samples: Sample[] = [];
  for (let t = 0; t < elapsed; t += every) {
    if (t >= 600 && t < 630) continue;
    const hr = t % 97 === 13 ? 0 : Math.round(hrBase + t / 120 + 4 * Math.sin(t / 90));
    samples.push(plan.sport === 'ride'
      ? { t_s: t, hr_bpm: hr, power_w: power, speed_mps: 8.5, altitude_m: null, cadence: 88 }
      : { t_s: t, hr_bpm: hr, power_w: null, speed_mps: Math.round((3.2 + 0.4 * Math.sin(t / 200)) * 1000) / 1000,
          altitude_m: Math.round((50 + 25 * Math.sin(t / 400)) * 10) / 10, cadence: 85 });
  }
  return samples;
}

function thresholdRow(athleteId: string, day: number, values: { ftp?: number | null; lthr?: number | null; maxHr?: number | null; pace?: number | null }): Row {
  return {
    athlete_id: athleteId, effective_from: dayDate(day), ftp_w: values.ftp ?? null, lthr_bpm: values.lthr ?? null,
    max_hr_bpm: values.maxHr ?? null, resting_hr_bpm: 50, threshold_pace_s_per_km: values.pace ?? null,
  };
}

/** Builds the history; the same seed gives the same uploads. */
export function buildRawHistory(seed: number): RawHistory {
  const rnd = new Random(seed);
  const log = new RawLog();
  const all: ActivityPlan[] = ATHLETES.flatMap((athlete) =>
    Array.from({ length: 84 - athlete.firstDay }, (_, i) => athlete.firstDay + i).flatMap((day) => {
      const count = day === athlete.firstDay ? 1 : rnd.chance(0.35) ? 0 : rnd.chance(0.15) ? 2 : 1;
      return Array.from({ length: count }, (_, n) => planActivity(rnd, athlete, day, n));
    }),
  );
  const pick = (what: string, filter: (p: ActivityPlan) => boolean) => {
    const candidates = [...log.activities.values()].filter(filter);
    if (candidates.length === 0) throw new Error(`seed ${seed}: no activity for "${what}"`);
    return rnd.pick(candidates);
  };
  const steps: HistoryStep[] = [];
  let uploadedThrough = -1;

  for (const [k, asOfDay] of AS_OF_DAYS.entries()) {
    const notes: string[] = [];
    const through = UPLOAD_THROUGH[k]!;
    for (const athlete of ATHLETES) {
      if (athlete.firstDay <= through && !log.athletes.has(athlete.athlete_id)) {
        const { athlete_id, name, sex, birth_year, time_zone } = athlete;
        log.putAthlete({ athlete_id, name, sex, birth_year, time_zone });
        log.putThreshold(thresholdRow(athlete.athlete_id, athlete.firstDay - 20,
          { ftp: rnd.int(200, 300), lthr: rnd.int(155, 175), maxHr: rnd.int(180, 200), pace: rnd.int(240, 330) }));
      }
    }
    for (const plan of all.filter((p) => p.day > uploadedThrough && p.day <= through)) {
      log.putActivity(plan);
      if (plan.hasStream) log.putStream(plan.id, planStream(rnd, plan));
    }
    uploadedThrough = through;
    if (k === 1) {
      notes.push('a timely FTP test (Tokyo, day 30)');
      log.putThreshold(thresholdRow('ath-tokyo', 30, { ftp: rnd.int(260, 320), lthr: rnd.int(160, 178), maxHr: 195, pace: 260 }));
      notes.push('activities of the day after asOf uploaded early');
    }
    if (k === 2) {
      const corrected = pick('corrected ride', (p) => p.sport === 'ride' && !p.hasStream && p.row.avg_power_w !== null && p.day >= 10 && p.day <= 35);
      notes.push(`corrected re-upload of ${corrected.id}: longer, harder`);
      log.putActivity(withRow(corrected, { moving_time_s: Number(corrected.row.moving_time_s) + 600,
        elapsed_time_s: Number(corrected.row.elapsed_time_s) + 600, avg_power_w: Number(corrected.row.avg_power_w) + 12 }));
      const moved = pick('moved earlier', (p) => p.day >= 36 && p.day <= 41 && p.athleteId !== corrected.athleteId);
      notes.push(`${moved.id} moves 3 days earlier`);
      log.putActivity(movedBy(moved, -3));
      const late = planActivity(rnd, ATHLETES[1], 12, 7);
      notes.push(`late activity ${late.id} for day 12`);
      log.putActivity(late);
    }
    if (k === 3) {
      const restreamed = pick('restreamed', (p) => p.hasStream && p.day <= 27);
      notes.push(`corrected stream of ${restreamed.id}: new values, 120 samples shorter`);
      log.putStream(restreamed.id, planStream(rnd, restreamed).slice(0, -120));
      notes.push('FTP and LTHR change for Berlin from day 35; LTHR-only test for New York from day 48');
      log.putThreshold(thresholdRow('ath-berlin', 35, { ftp: 305, lthr: 172, maxHr: 191 }));
      log.putThreshold(thresholdRow('ath-newyork', 48, { lthr: 169 }));
      const moved = pick('moved later', (p) => p.day >= 45 && p.day <= 55);
      notes.push(`${moved.id} moves 2 days later (across a week boundary when it falls so)`);
      log.putActivity(movedBy(moved, 2));
    }
    if (k === 4) {
      const run = pick('stream run over local midnight', (p) => p.hasStream && p.sport === 'run' && p.day >= 20 && p.day <= 70);
      notes.push(`${run.id} corrected: shorter moving time, start 20 h later (next local date)`);
      log.putActivity(withRow(movedBy(run, 0, 20 * 3600_000), { moving_time_s: Number(run.row.moving_time_s) - 120 }));
      notes.push('corrected Tokyo FTP test of day 30');
      log.putThreshold(thresholdRow('ath-tokyo', 30, { ftp: 333, lthr: 171, maxHr: 196, pace: 255 }));
    }
    steps.push({ asOf: dayDate(asOfDay), files: log.takeChanges(), notes });
  }
  return { steps, finalFiles: log.everything(), finalAsOf: dayDate(AS_OF_DAYS.at(-1)!) };
}

function withRow(plan: ActivityPlan, changes: Row): ActivityPlan {
  return { ...plan, row: { ...plan.row, ...changes } };
}

function movedBy(plan: ActivityPlan, days: number, extraMs = 0): ActivityPlan {
  const start = Date.parse(`${String(plan.row.start_time_utc).replace(' ', 'T')}Z`) + days * DAY_MS + extraMs;
  return { ...withRow(plan, { start_time_utc: utcText(start) }), day: plan.day + days };
}
