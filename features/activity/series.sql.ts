/**
 * SQL expressions over one activity's sample arrays (shared/domain/training-load.md, "Per activity").
 * Arguments are names of array expressions defined by our own SQL, never input.
 *
 * Why arrays and not window functions: every lambda here takes its arrays as arguments and captures
 * at most a scalar, so memory stays linear in the samples. (The form that ran out of memory,
 * `arrayMap(i -> cs[i] - cs[i - 30], …)`, captures the whole array for every element.) Shifted copies
 * built with arrayConcat/arrayResize replace the index arithmetic. Measured on the embedded engine with
 * 7 M samples: NP through a lead window → arrayJoin 1 Hz expansion → 30 s window took 3.6 s (the second
 * window re-sorts everything), the array form with NP, peaks and averages 0.4 s; the whole feature
 * statement runs in about 2 s for 14 M samples and 40 k activities.
 */

/** A sample stands for at most this many seconds; the rest of a longer gap is a pause, not filled. */
export const MAX_HELD_S = 5;
/** Normalized Power's rolling window, s. */
export const NP_WINDOW_S = 30;
/** Grade is measured over this many seconds before and after each second (a 30 s span). */
export const GRADE_HALF_SPAN_S = 15;
/** Below this much distance over the grade span the runner is standing: grade 0, m. */
export const GRADE_MIN_DISTANCE_M = 5;
/** Minetti et al. measured running cost from -45 % to +45 %; steeper grades are clamped. */
export const GRADE_LIMIT = 0.45;

/**
 * Seconds each sample stands for: the gap to the next sample of the same stream, capped at 5 s
 * (the rest of a longer gap is a pause and is not filled); the last sample stands for 1 s.
 * `times` must be sorted. The ingest stores one sample per second; should a second appear twice (a
 * retried upload), one copy stands for 0 s, so identical duplicates change nothing.
 */
export const heldSeconds = (times: string) =>
  `arrayMap((t, next) -> toUInt32(least(next - t, ${MAX_HELD_S})), ${times},
     arraySlice(arrayPushBack(arrayPopFront(${times}), ${times}[-1] + 1), 1, length(${times})))`;

/** Sample-and-hold: each value repeated for the seconds it stands for, pauses left out (the 1 Hz series). */
export const perSecond = (values: string, held: string) =>
  `arrayFlatten(arrayMap((v, n) -> arrayWithConstant(n, v), ${values}, ${held}))`;

/** The same array moved `k` places later: element i is a[i - k], the first k padded with a[1]. */
export const lagged = (a: string, k: number) =>
  `arrayResize(arrayConcat(arrayWithConstant(${k}, ${a}[1]), ${a}), length(${a}))`;

/** The same array moved `k` places earlier: element i is a[i + k], the last k padded with a[-1]. */
export const led = (a: string, k: number) =>
  `arrayResize(arrayConcat(arraySlice(${a}, ${k + 1}), arrayWithConstant(${k}, ${a}[-1])), length(${a}))`;

/**
 * Sums of the last `k` seconds ending at each second, from the running sum `cumsum` (Array(UInt64),
 * exact): element i is cumsum[i] - cumsum[i - k]. Only elements k.. are full windows.
 */
export const trailingSums = (cumsum: string, k: number) =>
  `arrayMap((c, before) -> c - before, ${cumsum},
     arrayResize(arrayConcat(arrayWithConstant(${k}, toUInt64(0)), ${cumsum}), length(${cumsum})))`;

/** Best mean over `k` seconds of a 1 Hz series, NULL when the series is shorter than k. */
export const bestMean = (cumsum: string, k: number) =>
  `if(length(${cumsum}) >= ${k}, arrayMax(arraySlice(${trailingSums(cumsum, k)}, ${k})) / ${k}, NULL)`;

/**
 * Normalized Power (Coggan) of a 1 Hz series: 30 s rolling mean over full windows only (the first
 * 29 s give no value), 4th power, mean, 4th root; NULL with fewer than 30 s.
 */
export const normalizedPower = (cumsum: string) =>
  `if(length(${cumsum}) >= ${NP_WINDOW_S},
     pow(arrayAvg(arrayMap(s -> pow(s / ${NP_WINDOW_S}, 4), arraySlice(${trailingSums(cumsum, NP_WINDOW_S)}, ${NP_WINDOW_S}))), 0.25),
     NULL)`;

/** Mean of the first half of a 1 Hz series (for decoupling); with an odd length the middle second goes to the second half. */
export const firstHalfMean = (series: string) =>
  `arraySum(arraySlice(${series}, 1, intDiv(length(${series}), 2))) / intDiv(length(${series}), 2)`;

export const secondHalfMean = (series: string) =>
  `arraySum(arraySlice(${series}, intDiv(length(${series}), 2) + 1)) / (length(${series}) - intDiv(length(${series}), 2))`;

/**
 * Energy cost of running on grade g (rise/run), J/(kg·m): Minetti AE et al. 2002, "Energy cost of walking
 * and running at extreme uphill and downhill slopes", J Appl Physiol 93:1039–1046, the running polynomial
 * Cr = 155.4g⁵ − 30.4g⁴ − 43.3g³ + 46.3g² + 19.5g + 3.6 (Horner form below), valid for |g| ≤ 0.45.
 */
export const minettiRunningCost = (grade: string) =>
  `(((((155.4 * ${grade} - 30.4) * ${grade} - 43.3) * ${grade} + 46.3) * ${grade} + 19.5) * ${grade} + 3.6)`;

/** Cost of flat running in the same model: grade-adjusted speed = speed × Cr(g) / Cr(0). */
export const MINETTI_FLAT_COST = 3.6;

/**
 * Grade of each second: altitude change over the 30 s span around it divided by the distance covered in
 * that span (from the speed series' running sum), clamped to ±45 %; 0 where the span covers < 5 m.
 */
export const gradePerSecond = (altitude: string, distanceCumsum: string) =>
  `arrayMap((a_after, a_before, d_after, d_before) ->
       if(d_after - d_before >= ${GRADE_MIN_DISTANCE_M},
          greatest(-${GRADE_LIMIT}, least(${GRADE_LIMIT}, (a_after - a_before) / (d_after - d_before))), 0),
     ${led(altitude, GRADE_HALF_SPAN_S)}, ${lagged(altitude, GRADE_HALF_SPAN_S)},
     ${led(distanceCumsum, GRADE_HALF_SPAN_S)}, ${lagged(distanceCumsum, GRADE_HALF_SPAN_S)})`;
