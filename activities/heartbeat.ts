import { Context } from '@temporalio/activity';

const EVERY_MS = 5_000;

/**
 * Heartbeats while one long statement runs in ClickHouse, so a dead worker is noticed within the
 * heartbeat timeout and the step is retried elsewhere instead of waiting out its start-to-close timeout.
 */
export async function whileHeartbeating<T>(progress: Record<string, unknown>, work: () => Promise<T>): Promise<T> {
  const context = Context.current();
  const started = Date.now();
  const beat = () => context.heartbeat({ ...progress, runningSeconds: Math.round((Date.now() - started) / 1000) });
  beat();
  const timer = setInterval(beat, EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
