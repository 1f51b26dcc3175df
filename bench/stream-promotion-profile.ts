/**
 * Times every statement of a CSV stream file's stage + promotion (issue 11), one fresh embedded engine per
 * run, so a change to ingest/streams*.ts or stream-file-engine*.ts can be judged statement by statement.
 *
 *   npx tsx bench/stream-promotion-profile.ts --samples 500000 [--format csv|ndjson]
 *
 * Prints one line per statement (seconds, the statement's first words) and the process's peak RSS.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openClickHouse } from '../clickhouse/client.js';
import { migrate } from '../clickhouse/migrate.js';
import { classifyFile } from '../ingest/classify-files.js';
import { promoteStreamUpload, stageStreamFile } from '../ingest/ingest-file.js';

const PER_ACTIVITY = 3_600;

function writeStreams(file: string, samples: number, format: 'csv' | 'ndjson'): number {
  const fd = fs.openSync(file, 'w');
  if (format === 'csv') fs.writeSync(fd, 'activity_id,t_s,hr_bpm,power_w,speed_mps,altitude_m,cadence,distance_m\n');
  const activities = Math.ceil(samples / PER_ACTIVITY);
  for (let a = 0; a < activities; a += 1) {
    const lines: string[] = [];
    for (let t = 0; t < PER_ACTIVITY; t += 1) {
      const [hr, power, alt, dist] = [130 + (t % 30), 200 + (t % 50), 100 + (t % 20), (t * 8.3).toFixed(1)];
      lines.push(
        format === 'csv'
          ? `act${a},${t},${hr},${power},8.3,${alt},90,${dist}`
          : `{"activity_id":"act${a}","t_s":${t},"hr_bpm":${hr},"power_w":${power},"speed_mps":8.3,"altitude_m":${alt},"cadence":90,"distance_m":${dist}}`,
      );
    }
    fs.writeSync(fd, `${lines.join('\n')}\n`);
  }
  fs.closeSync(fd);
  return activities;
}

const peakMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const label = (query: string) => query.replace(/\s+/g, ' ').trim().slice(0, 90);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { samples: { type: 'string', default: '500000' }, format: { type: 'string', default: 'csv' } },
  });
  const format = values.format as 'csv' | 'ndjson';
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'afs-promotion-profile-'));
  const ch = openClickHouse({ kind: 'embedded', path: path.join(root, 'data'), database: 'profile' });
  try {
    await migrate(ch);
    const file = path.join(root, `streams.${format}`);
    const activities = writeStreams(file, Number(values.samples), format);
    await ch.client.command({
      query: `INSERT INTO ${ch.db}.activities (activity_id, athlete_id, sport, start_time_utc, elapsed_time_s, moving_time_s)
        SELECT concat('act', toString(number)), 'b1', 'ride', toDateTime('2024-01-01 06:00:00', 'UTC'), ${PER_ACTIVITY}, ${PER_ACTIVITY}
        FROM numbers(${activities})`,
    });
    const times: string[] = [];
    for (const call of ['command', 'query'] as const) {
      const original = ch.client[call].bind(ch.client) as (p: { query: string }) => Promise<unknown>;
      (ch.client as unknown as Record<string, unknown>)[call] = async (params: { query: string }) => {
        const started = performance.now();
        const result = await original(params);
        times.push(`${((performance.now() - started) / 1000).toFixed(3)}  peak ${peakMb()} MB  ${label(params.query)}`);
        return result;
      };
    }
    const options = { now: new Date(), onProgress: () => {} };
    const started = performance.now();
    const staged = await stageStreamFile(ch, classifyFile(file), 0, { ...options, batchId: 'p-stage' });
    const stageSeconds = (performance.now() - started) / 1000;
    times.push(`----- stage ${stageSeconds.toFixed(3)} s`);
    await promoteStreamUpload(ch, [staged], { batchId: 'p' });
    const total = (performance.now() - started) / 1000;
    console.log(times.join('\n'));
    const [n] = await (
      await ch.client.query({ query: `SELECT count() AS n FROM ${ch.db}.activity_streams`, format: 'JSONEachRow' })
    ).json<{ n: string }>();
    console.log(
      `TOTAL ${total.toFixed(3)} s stage ${stageSeconds.toFixed(3)} promote ${(total - stageSeconds).toFixed(3)} rows ${n!.n} peakRSS ${peakMb()} MB`,
    );
  } finally {
    await ch.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
