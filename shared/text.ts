/** Text for messages that workflows build too: deterministic, locale-independent. */

/** 12,345: locale-independent, so a replayed workflow formats exactly as the original run did. */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "a, b, c and 99,997 more": a list that stays screen-sized whatever its length. */
export function truncatedList(items: readonly string[], shown = 5): string {
  const head = items
    .slice(0, shown)
    .map((item) => (item.length <= 40 ? item : `${item.slice(0, 37)}…`))
    .join(', ');
  const rest = items.length - shown;
  return rest > 0 ? `${head} and ${thousands(rest)} more` : head;
}
