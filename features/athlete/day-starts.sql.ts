/**
 * Where each athlete's recomputation starts, as SQL over `f` (firsts: first_date), `s` (scope: from_date) and `sp`
 * (span, joined with join_use_nulls = 0), for the day-keyed steps (daily, rolling):
 * - at from_date, or right after the span's last day if the span ends earlier (as-of moved on);
 * - at the first activity day when there is no span, or it does not begin at the first activity day (an earlier
 *   activity arrived, or a prune left nothing to trust).
 * The weekly step rewrites the span's last week (it may have been written part-way through), so it starts at a
 * Monday: the week holding from_date, or the span's last week if earlier.
 */
export const dayStartSql = (usable: string) =>
  `if(${usable}, least(greatest(s.from_date, f.first_date), sp.span_last + 1), f.first_date)`;

export const weekStartSql = (usable: string) =>
  `if(${usable}, least(toMonday(greatest(s.from_date, f.first_date)), toMonday(least(sp.span_last, {asOf:Date}))),
     toMonday(f.first_date))`;
