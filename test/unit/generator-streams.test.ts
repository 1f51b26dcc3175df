import { beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../clickhouse/client.js';
import { generatePopulation, insertStreamPlans, synthesizeStreams, type StreamPlan } from '../../generator/index.js';
import { freshDatabase, rows } from '../support/clickhouse.js';

interface Summary {
  activity_id: string;
  sport: string;
  distance_m: number;
  moving_time_s: number;
  elapsed_time_s: number;
  elevation_gain_m: number;
  avg_hr_bpm: number | null;
  max_hr_bpm: number | null;
  avg_power_w: number | null;
}

interface StreamStats {
  activity_id: string;
  samples: string;
  inside: string;
  in_pause: string;
  outside: string;
  hr_255: string;
  avg_hr: number | null;
  max_hr: number | null;
  avg_power: number | null;
  power_cv: number | null;
  sum_speed: number;
  last_distance: number;
  altitude_range: number;
  shifted_wrongly: string;
  hr_first_minute: number | null;
  hr_second_tenth: number | null;
  hr_last_tenth: number | null;
}

/** A handful of real generated activities covering the cases: stop, no power, no HR, swim, run. */
function pickActivities(): { plans: StreamPlan[]; summaries: Map<string, Summary> } {
  const plans: StreamPlan[] = [];
  const summaries = new Map<string, Summary>();
  const wanted: ((p: StreamPlan, s: Summary) => boolean)[] = [
    (p, s) => s.sport === 'ride' && p.has_power && p.has_hr && p.pause_s > 0 && p.altitude_amp_m > 20,
    (p, s) => s.sport === 'ride' && !p.has_power,
    (p, s) => s.sport === 'run' && p.pause_s > 0,
    (p, s) => s.sport === 'swim',
    (p) => !p.has_hr,
    (p, s) => s.sport === 'other',
  ];
  for (const athlete of generatePopulation({
    seed: 11,
    athletes: 12,
    days: 90,
    endDate: '2024-05-31',
    streamShare: 1,
    dirtyShare: 0,
  })) {
    const byId = new Map(athlete.activities.map((a) => [a.activity_id, a as unknown as Summary]));
    for (const plan of athlete.streamPlans) {
      const summary = byId.get(plan.activity_id);
      const index = wanted.findIndex((w) => summary !== undefined && plan.moving_s < 5400 && w(plan, summary));
      if (index < 0 || !summary) continue;
      wanted.splice(index, 1);
      plans.push(plan);
      summaries.set(plan.activity_id, summary);
    }
  }
  expect(wanted).toHaveLength(0);
  return { plans, summaries };
}

async function streamStats(ch: ClickHouse, batchId: string, plans: StreamPlan[]): Promise<Map<string, StreamStats>> {
  const result = await rows<StreamStats>(
    ch,
    `SELECT
       activity_id,
       count() AS samples,
       countIf(t_s < elapsed) AS inside,
       countIf(t_s >= pause_at_s AND t_s < pause_at_s + pause_s) AS in_pause,
       countIf(t_s >= elapsed) AS outside,
       countIf(hr_bpm = 255) AS hr_255,
       avgIf(hr_bpm, hr_bpm != 255 AND t_s < elapsed) AS avg_hr,
       maxIf(hr_bpm, hr_bpm != 255 AND t_s < elapsed) AS max_hr,
       avgIf(power_w, t_s < elapsed) AS avg_power,
       stddevPopIf(power_w, t_s < elapsed) / avgIf(power_w, t_s < elapsed) AS power_cv,
       sumIf(speed_mps, t_s < elapsed) AS sum_speed,
       maxIf(distance_m, t_s < elapsed) AS last_distance,
       max(altitude_m) - min(altitude_m) AS altitude_range,
       countIf(t_s < elapsed AND t_s - seq != if(seq >= pause_at_s, pause_s, 0)) AS shifted_wrongly,
       avgIf(hr_bpm, seq < 60) AS hr_first_minute,
       avgIf(hr_bpm, seq >= moving_s * 0.1 AND seq < moving_s * 0.2) AS hr_second_tenth,
       avgIf(hr_bpm, seq >= moving_s * 0.9 AND t_s < elapsed) AS hr_last_tenth
     FROM ${ch.db}.stream_staging AS s
     INNER JOIN (
       SELECT activity_id, pause_at_s, pause_s, moving_s, moving_s + pause_s AS elapsed
       FROM format(JSONEachRow, {plans:String})
     ) AS p USING (activity_id)
     WHERE batch_id = {batch:String}
     GROUP BY activity_id`,
    { batch: batchId, plans: plans.map((p) => JSON.stringify(p)).join('\n') },
  );
  return new Map(result.map((r) => [r.activity_id, r]));
}

describe('stream synthesis in ClickHouse', () => {
  let ch: ClickHouse;
  const { plans, summaries } = pickActivities();
  /** A copy of the first plan carrying both kinds of dirty sample. */
  const withHr = plans.find((p) => p.has_hr)!;
  const glitchy: StreamPlan = {
    ...withHr,
    activity_id: `${withHr.activity_id}-glitchy`,
    hr_glitch_at: 100,
    outside_sample: true,
  };
  /** Flat, one hour, hard intervals, strong drift: the shape terms show clearly. */
  const ride = plans.find((p) => p.has_power && p.has_hr)!;
  const shaped: StreamPlan = {
    ...ride,
    activity_id: `${ride.activity_id}-shaped`,
    moving_s: 3600,
    altitude_amp_m: 0,
    power_hill_share: 0,
    speed_hill_share: 0,
    hr_hill_bpm: 0,
    block_s: 120,
    block_power_share: 0.3,
    hr_drift_bpm_per_h: 6,
    hr_warmup_bpm: 20,
  };
  const batch = [...plans, glitchy, shaped];
  let written: number;
  let stats: Map<string, StreamStats>;

  beforeAll(async () => {
    ch = await freshDatabase();
    await insertStreamPlans(ch, 'b1', batch);
    written = await synthesizeStreams(ch, 'b1');
    stats = await streamStats(ch, 'b1', batch);
  });

  it('writes one sample per moving second, leaves the stop out, and reports the rows written', async () => {
    const expected = batch.reduce((n, p) => n + p.moving_s, 0) + 1; // + the glitchy plan's outside sample
    expect(written).toBe(expected);
    const [staged] = await rows<{ n: string }>(
      ch,
      `SELECT count() AS n FROM ${ch.db}.stream_staging WHERE batch_id = 'b1'`,
    );
    expect(Number(staged?.n)).toBe(expected);
    for (const plan of plans) {
      const s = stats.get(plan.activity_id)!;
      const summary = summaries.get(plan.activity_id)!;
      expect(Number(s.inside)).toBe(summary.moving_time_s);
      expect(Number(s.outside)).toBe(0);
      expect(Number(s.in_pause)).toBe(0);
      expect(Number(s.shifted_wrongly)).toBe(0);
      expect(summary.elapsed_time_s).toBe(plan.moving_s + plan.pause_s);
    }
  });

  it('has stream means that match the summary', () => {
    for (const plan of plans) {
      const s = stats.get(plan.activity_id)!;
      const summary = summaries.get(plan.activity_id)!;
      if (summary.avg_hr_bpm === null) expect(s.avg_hr).toBeNull();
      else {
        expect(relativeError(s.avg_hr!, summary.avg_hr_bpm)).toBeLessThan(0.02);
        // the summary's max is the bound of the stream's terms; the noise peaks come close to it
        expect(s.max_hr!).toBeLessThanOrEqual(summary.max_hr_bpm! + 1);
        expect(s.max_hr!).toBeGreaterThan(summary.max_hr_bpm! - 6);
      }
      if (summary.avg_power_w === null) expect(s.avg_power).toBeNull();
      else expect(relativeError(s.avg_power!, summary.avg_power_w)).toBeLessThan(0.02);
      expect(relativeError(s.sum_speed, summary.distance_m)).toBeLessThan(0.02);
      expect(relativeError(s.last_distance, summary.distance_m)).toBeLessThan(0.01);
      const climb = summary.elevation_gain_m / plan.altitude_cycles;
      expect(Math.abs(s.altitude_range - climb)).toBeLessThan(Math.max(1, climb * 0.02));
    }
  });

  it('shapes the stream: power varies with the blocks, heart rate warms up and drifts', () => {
    const flat = stats.get(shaped.activity_id)!;
    expect(flat.power_cv).toBeGreaterThan(0.15);
    // 6 bpm/h over an hour: the last tenth sits about 5 bpm above the first (after the warm-up)
    expect(flat.hr_last_tenth! - flat.hr_second_tenth!).toBeGreaterThan(3.5);
    expect(flat.hr_first_minute!).toBeLessThan(flat.hr_second_tenth! - 5);
    expect(relativeError(flat.avg_hr!, shaped.base_hr_bpm)).toBeLessThan(0.01);
    expect(relativeError(flat.avg_power!, shaped.base_power_w)).toBeLessThan(0.01);
  });

  it('adds the dirty samples asked for: HR 255 and one sample past the elapsed time', () => {
    const s = stats.get(glitchy.activity_id)!;
    expect(Number(s.hr_255)).toBe(1);
    expect(Number(s.outside)).toBe(1);
    expect(Number(s.samples)).toBe(glitchy.moving_s + 1);
    for (const plan of plans) expect(Number(stats.get(plan.activity_id)!.hr_255)).toBe(0);
  });

  it('drops the batch plans once synthesized', async () => {
    const [left] = await rows<{ n: string }>(
      ch,
      `SELECT count() AS n FROM ${ch.db}.generator_stream_plans WHERE batch_id = 'b1'`,
    );
    expect(Number(left?.n)).toBe(0);
  });

  it('is deterministic: the same plans give identical samples in another batch', async () => {
    await insertStreamPlans(ch, 'b2', batch);
    expect(await synthesizeStreams(ch, 'b2')).toBe(written);
    const fingerprints = await rows<{ batch_id: string; n: string; fingerprint: string }>(
      ch,
      `SELECT batch_id, count() AS n,
              groupBitXor(cityHash64(toString(tuple(activity_id, seq, t_s, hr_bpm, power_w, speed_mps, altitude_m, cadence, distance_m)))) AS fingerprint
       FROM ${ch.db}.stream_staging WHERE batch_id IN ('b1', 'b2') GROUP BY batch_id ORDER BY batch_id`,
    );
    expect(fingerprints).toHaveLength(2);
    expect(fingerprints[0]!.n).toBe(fingerprints[1]!.n);
    expect(fingerprints[0]!.fingerprint).toBe(fingerprints[1]!.fingerprint);
  });
});

describe('stream synthesis across a whole population sample', () => {
  it('matches every summary within 2 % (HR, power, distance) and writes nothing for an empty batch', async () => {
    const ch = await freshDatabase();
    const athletes = [
      ...generatePopulation({ seed: 5, athletes: 6, days: 60, endDate: '2024-09-30', streamShare: 0.3 }),
    ];
    const plans = athletes.flatMap((a) => a.streamPlans);
    const summaries = new Map(
      athletes.flatMap((a) => a.activities).map((a) => [a.activity_id, a as unknown as Summary]),
    );
    expect(plans.length).toBeGreaterThan(30);
    await insertStreamPlans(ch, 'all', plans);
    const written = await synthesizeStreams(ch, 'all');
    expect(written).toBe(plans.reduce((n, p) => n + p.moving_s + (p.outside_sample ? 1 : 0), 0));
    const stats = await streamStats(ch, 'all', plans);
    const worst = { hr: 0, power: 0, distance: 0 };
    for (const plan of plans) {
      const s = stats.get(plan.activity_id)!;
      const summary = summaries.get(plan.activity_id)!;
      expect(Number(s.inside)).toBe(summary.moving_time_s);
      if (summary.avg_hr_bpm !== null) worst.hr = Math.max(worst.hr, relativeError(s.avg_hr!, summary.avg_hr_bpm));
      if (summary.avg_power_w !== null)
        worst.power = Math.max(worst.power, relativeError(s.avg_power!, summary.avg_power_w));
      worst.distance = Math.max(worst.distance, relativeError(s.sum_speed, summary.distance_m));
    }
    expect(worst.hr).toBeLessThan(0.02);
    expect(worst.power).toBeLessThan(0.02);
    expect(worst.distance).toBeLessThan(0.02);
    expect(await synthesizeStreams(ch, 'empty')).toBe(0);
  });
});

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}
