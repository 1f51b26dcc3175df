import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import type { WorkerSettings } from '../config/worker.js';

/**
 * The process-wide Temporal runtime: the SDK logger (workflow and activity logs carry their ids as metadata), as JSON
 * lines in production for log collectors, and the runtime's Prometheus metrics on METRICS_PORT when set.
 */
export function installRuntime(settings: WorkerSettings): void {
  Runtime.install({
    logger: new DefaultLogger(settings.logLevel, settings.logFormat === 'json' ? jsonLine : undefined),
    ...(settings.metricsPort !== undefined && {
      telemetryOptions: { metrics: { prometheus: { bindAddress: `0.0.0.0:${settings.metricsPort}` } } },
    }),
    shutdownSignals: ['SIGINT', 'SIGTERM'],
  });
}

function jsonLine(entry: LogEntry): void {
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  process.stdout.write(
    `${JSON.stringify({ time, level: entry.level, message: entry.message, ...entry.meta }, bigintSafe)}\n`,
  );
}

const bigintSafe = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);

/** A line the operator must see whatever LOG_LEVEL (the worker is up): JSON like the rest in json mode, else plain. */
export function announce(settings: WorkerSettings, message: string, meta: Record<string, unknown>): void {
  if (settings.logFormat === 'json')
    jsonLine({ level: 'INFO', message, meta, timestampNanos: BigInt(Date.now()) * 1_000_000n });
  else console.log(message);
}
