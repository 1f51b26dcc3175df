"""Polars peer of the feature backfill (`npm run bench:features`, optional: needs `pip install polars`).

The same features as bench/peer/duckdb.sql.ts, written independently with Polars expressions from the definitions
(shared/domain/training-load.md, features/*/definitions.ts), reading the same Parquet exports of the raw tables and
writing activity/daily/rolling/weekly.parquet for bench/peer/compare.ts. Prints one JSON line:
{"seconds", "steps", "peakRssMb"}. Usage: polars_peer.py RAW_DIR OUT_DIR AS_OF (threads: POLARS_MAX_THREADS)."""
import json
import math
import os
import resource
import sys
import time
import warnings
from datetime import date

import polars as pl

MAX_HELD_S = 5
# join_asof cannot check sortedness within by-groups; both sides are sorted on the date before the join.
warnings.filterwarnings("ignore", message="Sortedness of columns cannot be checked")
ACT = "act"


def held(present):
    """Seconds each sample of a channel stands for: gap to the channel's next sample, at most 5 s; the last 1 s."""
    return lambda frame: frame.filter(present).with_columns(
        (pl.col("t_s").shift(-1).over(ACT) - pl.col("t_s")).fill_null(1).clip(upper_bound=MAX_HELD_S).alias("held")
    )


def activities(raw):
    deletions = (
        pl.scan_parquet(f"{raw}/activity_deletions.parquet")
        .group_by("athlete_id", "activity_id")
        .agg(pl.col("deleted_at").max())
    )
    return (
        pl.scan_parquet(f"{raw}/activities.parquet")
        .join(deletions, on=["athlete_id", "activity_id"], how="left")
        .filter(pl.col("deleted_at").is_null() | (pl.col("deleted_at") < pl.col("ingested_at")))
        .with_row_index(ACT)
        .select(
            ACT, "athlete_id", "activity_id", "sport", "local_date", "moving_time_s", "distance_m",
            pl.when(pl.col("avg_hr_bpm") != 0).then(pl.col("avg_hr_bpm").cast(pl.Float64)).alias("summary_avg_hr"),
            pl.when(pl.col("avg_power_w") != 0).then(pl.col("avg_power_w").cast(pl.Float64)).alias("summary_avg_power"),
        )
        .collect()
    )


def samples(raw, acts):
    keys = acts.lazy().select(ACT, "athlete_id", "activity_id")
    # The export is ordered by (athlete, activity, time): keeping the file's order keeps each activity's samples
    # contiguous and in time order, which the per-activity shifts and running sums below rely on.
    return (
        pl.scan_parquet(f"{raw}/activity_streams.parquet")
        .join(keys, on=["athlete_id", "activity_id"], how="inner", maintain_order="left")
        .select(
            ACT, pl.col("t_s").cast(pl.Int64), pl.col("hr_bpm").cast(pl.Int64).alias("hr"),
            pl.col("power_w").cast(pl.Int64).alias("power"), pl.col("speed_mps").cast(pl.Float64).alias("speed"),
            pl.when(pl.col("altitude_m").is_nan()).then(None).otherwise(pl.col("altitude_m")).cast(pl.Float64).alias("alt"),
        )
        .collect()
    )


def hr_histogram(s):
    hr = held(pl.col("hr") > 0)(s)
    return hr.group_by(ACT, "hr").agg(pl.col("held").sum().alias("seconds"))


def power_stats(s):
    p = held(pl.col("power").is_not_null())(s).select(ACT, pl.col("power").repeat_by("held").alias("v")).explode("v")
    c = pl.col("v").cum_sum().over(ACT)
    p = p.with_columns(c.alias("c"), pl.int_range(1, pl.len() + 1).over(ACT).alias("i"))
    trailing = lambda k: (pl.col("c") - pl.col("c").shift(k, fill_value=0).over(ACT)).alias(f"s{k}")
    p = p.with_columns(trailing(30), trailing(300), trailing(1200))
    return p.group_by(ACT).agg(
        pl.len().alias("power_s"),
        (pl.col("v").sum() / pl.len()).alias("power_mean"),
        ((pl.col("s30") / 30) ** 4).filter(pl.col("i") >= 30).mean().pow(0.25).alias("np"),
        (pl.col("s300").filter(pl.col("i") >= 300).max() / 300).alias("peak_5min"),
        (pl.col("s1200").filter(pl.col("i") >= 1200).max() / 1200).alias("peak_20min"),
    )


def speed_stats(speed):
    return speed.group_by(ACT).agg(
        pl.col("held").sum().alias("speed_s"),
        ((pl.col("speed") * pl.col("held")).sum() / pl.col("held").sum()).alias("speed_mean"),
        pl.col("alt").is_not_null().any().alias("has_altitude"),
    )


def grade_stats(speed, stats, acts):
    runs = stats.join(acts.select(ACT, "sport"), on=ACT).filter(pl.col("has_altitude") & (pl.col("sport") == "run"))
    r = (
        speed.join(runs.select(ACT), on=ACT, how="semi")
        .with_columns(pl.col("alt").forward_fill().backward_fill().over(ACT))
        .select(ACT, pl.col("speed").repeat_by("held").alias("v"), pl.col("alt").repeat_by("held"))
        .explode("v", "alt")
        .with_columns(pl.col("v").cum_sum().over(ACT).alias("d"))
    )
    led = lambda c: pl.col(c).shift(-15).over(ACT).fill_null(pl.col(c).last().over(ACT))
    lagged = lambda c: pl.col(c).shift(15).over(ACT).fill_null(pl.col(c).first().over(ACT))
    r = r.with_columns((led("alt") - lagged("alt")).alias("rise"), (led("d") - lagged("d")).alias("run"))
    g = pl.when(pl.col("run") >= 5).then((pl.col("rise") / pl.col("run")).clip(-0.45, 0.45)).otherwise(0.0)
    r = r.with_columns(g.alias("g"))
    cost = ((((155.4 * pl.col("g") - 30.4) * pl.col("g") - 43.3) * pl.col("g") + 46.3) * pl.col("g") + 19.5) * pl.col("g") + 3.6
    return r.group_by(ACT).agg((pl.col("v") * cost / 3.6).mean().alias("grade_adjusted_mean"))


def with_thresholds(raw, acts):
    thresholds = pl.read_parquet(f"{raw}/athlete_thresholds.parquet")
    out = acts.sort("local_date")
    for field in ["ftp_w", "lthr_bpm", "max_hr_bpm", "threshold_pace_s_per_km"]:
        t = (
            thresholds.filter(pl.col(field).is_not_null())
            .select("athlete_id", "effective_from", pl.col(field).cast(pl.Float64))
            .sort("effective_from")
        )
        out = out.join_asof(t, left_on="local_date", right_on="effective_from", by="athlete_id", strategy="backward")
        out = out.drop("effective_from")
    return out.with_columns(pl.col("max_hr_bpm").fill_null(0).alias("max_hr"))


def zones(hist, acts):
    h = hist.join(acts.select(ACT, "max_hr"), on=ACT)
    bpm100 = pl.col("hr") * 100

    def zone(low, high, name):
        cond = pl.col("max_hr") > 0
        if low is not None:
            cond = cond & (bpm100 >= low * pl.col("max_hr"))
        if high is not None:
            cond = cond & (bpm100 < high * pl.col("max_hr"))
        return pl.col("seconds").filter(cond).sum().alias(name)

    return h.group_by(ACT).agg(
        pl.col("seconds").sum().alias("hr_s"),
        ((pl.col("hr") * pl.col("seconds")).sum() / pl.col("seconds").sum()).alias("hr_mean"),
        zone(None, 50, "below_z1_s"), zone(50, 60, "z1_s"), zone(60, 70, "z2_s"),
        zone(70, 80, "z3_s"), zone(80, 90, "z4_s"), zone(90, None, "z5_s"),
    )


ZONES = ["below_z1_s", "z1_s", "z2_s", "z3_s", "z4_s", "z5_s"]


def activity_features(a, z, pw, sp, gr):
    j = a.join(z, on=ACT, how="left").join(pw, on=ACT, how="left").join(sp, on=ACT, how="left").join(gr, on=ACT, how="left")
    avg_speed = pl.when(pl.col("moving_time_s") > 0).then(pl.col("distance_m") / pl.col("moving_time_s")).otherwise(0.0)
    normalized = (
        pl.when(pl.col("speed_s").fill_null(0) == 0).then(avg_speed)
        .when((pl.col("sport") == "run") & pl.col("has_altitude")).then(pl.col("grade_adjusted_mean"))
        .otherwise(pl.col("speed_mean"))
    )
    j = j.with_columns(
        normalized.alias("normalized_speed"),
        pl.when(pl.col("hr_s") > 0).then(pl.col("hr_mean")).otherwise(pl.col("summary_avg_hr")).alias("avg_hr"),
        pl.when(pl.col("power_s") > 0).then(pl.col("np")).otherwise(pl.col("summary_avg_power")).alias("load_power"),
    )
    method = (
        pl.when(pl.col("load_power").is_not_null() & (pl.col("ftp_w") > 0)).then(pl.lit("power"))
        .when((pl.col("avg_hr") > 0) & (pl.col("lthr_bpm") > 0)).then(pl.lit("heart_rate"))
        .when((pl.col("sport") == "run") & (pl.col("normalized_speed") > 0) & (pl.col("threshold_pace_s_per_km") > 0))
        .then(pl.lit("pace"))
        .otherwise(pl.lit("none"))
    )
    j = j.with_columns(method.alias("tss_method"))
    intensity = (
        pl.when(pl.col("tss_method") == "power").then(pl.col("load_power") / pl.col("ftp_w"))
        .when(pl.col("tss_method") == "heart_rate").then(pl.col("avg_hr") / pl.col("lthr_bpm"))
        .when(pl.col("tss_method") == "pace").then(pl.col("normalized_speed") * pl.col("threshold_pace_s_per_km") / 1000)
    )
    j = j.with_columns(intensity.alias("intensity"))
    f32 = lambda e, name: e.cast(pl.Float32).alias(name)
    return j.select(
        "athlete_id", "activity_id", "local_date", "sport", "moving_time_s", "distance_m",
        f32(pl.col("avg_hr"), "avg_hr_bpm"),
        f32(pl.when(pl.col("power_s") > 0).then(pl.col("power_mean")).otherwise(pl.col("summary_avg_power")), "avg_power_w"),
        f32(pl.col("np"), "np_w"), f32(pl.col("peak_5min"), "peak_5min_power_w"), f32(pl.col("peak_20min"), "peak_20min_power_w"),
        f32(pl.col("normalized_speed").fill_null(0), "normalized_speed_mps"),
        f32(pl.col("intensity"), "intensity_factor"),
        f32(pl.col("moving_time_s") * pl.col("intensity") * pl.col("intensity") / 3600 * 100, "tss"),
        "tss_method",
        *[f32(pl.col(c).fill_null(0), c) for c in ZONES],
        f32(pl.col("hr_s").fill_null(0), "hr_covered_s"),
    )


def daily(act, as_of):
    act = act.filter(pl.col("local_date") <= as_of)
    firsts = act.group_by("athlete_id").agg(pl.col("local_date").min().alias("first_date"))
    spine = firsts.with_columns(pl.date_ranges("first_date", as_of, "1d").alias("date")).explode("date")
    per_day = act.group_by("athlete_id", pl.col("local_date").alias("date")).agg(
        pl.col("tss").cast(pl.Float64).fill_null(0).sum().alias("load"),
        pl.col("moving_time_s").sum(),
        pl.len().alias("activity_count"),
        pl.col("distance_m").sum(),
    )
    d = spine.join(per_day, on=["athlete_id", "date"], how="left")
    return d.with_columns(pl.col(c).fill_null(0) for c in ["load", "moving_time_s", "activity_count", "distance_m"]).sort(
        "athlete_id", "date"
    )


def rolling(d):
    k = (pl.col("date") - pl.col("first_date")).dt.total_days().cast(pl.Float64)
    ewm = lambda n: (1 - math.exp(-1 / n)) * (-k / n).exp() * (pl.col("load") * (k / n).exp()).cum_sum().over("athlete_id")
    w = lambda e: e.over("athlete_id")
    r = d.with_columns(
        (k + 1).cast(pl.UInt32).alias("history_days"),
        ewm(42).alias("ctl"),
        ewm(7).alias("atl"),
        w(pl.col("load").rolling_sum(7, min_samples=1)).alias("load_7d"),
        w(pl.col("load").rolling_sum(28, min_samples=1)).alias("load_28d"),
        w(pl.col("load").rolling_mean(7, min_samples=1)).alias("mean_7d"),
        w(pl.col("load").rolling_std(7, min_samples=1, ddof=0)).alias("sd_7d"),
        w(pl.col("load").rolling_min(7, min_samples=1)).alias("min_7d"),
        w(pl.col("load").rolling_max(7, min_samples=1)).alias("max_7d"),
    )
    monotony = (
        pl.when((pl.col("history_days") < 7) | (pl.col("min_7d") == pl.col("max_7d")))
        .then(None)
        .otherwise(pl.col("mean_7d") / pl.col("sd_7d"))
    )
    r = r.with_columns(
        (w(pl.col("ctl").shift(1)).fill_null(0) - w(pl.col("atl").shift(1)).fill_null(0)).alias("tsb"),
        monotony.alias("monotony"),
    ).with_columns((pl.col("load_7d") * pl.col("monotony")).alias("strain"))
    return r.select(
        "athlete_id", pl.col("date").alias("as_of_date"), "history_days", "ctl", "atl", "tsb", "load_7d", "load_28d",
        "monotony", "strain",
    )


def weekly(d, act, as_of):
    weeks = d.with_columns(pl.col("date").dt.truncate("1w").alias("week_start")).group_by("athlete_id", "week_start").agg(
        pl.len().alias("spine_days"),
        pl.col("load").sum().alias("week_load"),
        ((pl.col("load") - pl.col("load").sum() / 7) ** 2).sum().alias("ss"),
        (pl.col("load").min() == pl.col("load").max()).alias("flat"),
        pl.col("activity_count").sum().alias("session_count"),
    )
    z = (
        act.filter(pl.col("local_date") <= as_of)
        .with_columns(pl.col("local_date").dt.truncate("1w").alias("week_start"))
        .group_by("athlete_id", "week_start")
        .agg(pl.col(c).cast(pl.Float64).sum() for c in ZONES[1:])
    )
    w = weeks.join(z, on=["athlete_id", "week_start"], how="left")
    monotony = (
        pl.when((pl.col("spine_days") < 7) | pl.col("flat"))
        .then(None)
        .otherwise((pl.col("week_load") / 7) / (pl.col("ss") / 7).sqrt())
    )
    return w.select(
        "athlete_id", "week_start", "spine_days", pl.col("week_load").alias("load"),
        *[pl.col(c).fill_null(0) for c in ZONES[1:]],
        monotony.alias("monotony"), (pl.col("week_load") * monotony).alias("strain"), "session_count",
    )


def main():
    raw, out, as_of_text = sys.argv[1:4]
    as_of = date.fromisoformat(as_of_text)
    os.makedirs(out, exist_ok=True)
    steps = {}
    started = time.perf_counter()

    def step(name, fn):
        t = time.perf_counter()
        result = fn()
        steps[name] = time.perf_counter() - t
        return result

    acts = step("activities", lambda: activities(raw))
    s = step("samples", lambda: samples(raw, acts))
    hist = step("hr histogram", lambda: hr_histogram(s))
    pw = step("power (1 Hz, NP, peaks)", lambda: power_stats(s))
    speed = step("speed held", lambda: held(pl.col("speed").is_not_null())(s))
    sp = step("speed", lambda: speed_stats(speed))
    gr = step("grade-adjusted speed", lambda: grade_stats(speed, sp, acts))
    del s, speed
    a = step("thresholds", lambda: with_thresholds(raw, acts))
    act = step("activity features", lambda: activity_features(a, zones(hist, a), pw, sp, gr))
    d = step("daily", lambda: daily(act, as_of))
    r = step("rolling", lambda: rolling(d))
    w = step("weekly", lambda: weekly(d, act, as_of))
    step("write Parquet", lambda: [
        act.write_parquet(f"{out}/activity.parquet"),
        d.select("athlete_id", "date", "load", "moving_time_s", "activity_count", "distance_m").write_parquet(
            f"{out}/daily.parquet"
        ),
        r.write_parquet(f"{out}/rolling.parquet"),
        w.write_parquet(f"{out}/weekly.parquet"),
    ])
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "steps": steps, "peakRssMb": round(peak)}))


if __name__ == "__main__":
    main()
