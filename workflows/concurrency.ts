/** Runs `work` for every item, at most `limit` at a time (deterministic: workflow promises resolve in a fixed order). */
export async function forEachBounded<T>(
  items: T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  const queue = items.map((item, index) => ({ item, index }));
  const lanes = Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) await work(next.item, next.index);
  });
  await Promise.all(lanes);
}
