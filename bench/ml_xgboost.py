"""XGBoost side of `npm run bench:ml`: same matrices (float32 files written by bench/ml.ts), same split and
hyperparameters, tree_method=hist. Prints one JSON line of timings (median of --runs) and hold-out metrics."""
import json
import statistics
import sys
import time

import numpy as np
import xgboost as xgb


def load(prefix, name, n_features):
    x = np.fromfile(f"{prefix}.{name}.x", dtype=np.float32).reshape(-1, n_features)
    y = np.fromfile(f"{prefix}.{name}.y", dtype=np.float64)
    return x, y


def main():
    spec = json.loads(sys.argv[1])
    prefix, nf, p = spec["prefix"], spec["nFeatures"], spec["params"]
    (xtr, ytr), (xva, yva), (xte, yte) = (load(prefix, s, nf) for s in ("train", "valid", "test"))
    params = {
        "tree_method": "hist", "objective": "reg:squarederror", "nthread": spec["threads"],
        "max_depth": p["maxDepth"], "max_leaves": p["maxLeaves"], "eta": p["learningRate"], "lambda": p["l2"],
        "min_child_weight": p["minChildWeight"], "subsample": p["subsample"],
        "colsample_bytree": p["colsampleByTree"], "max_bin": p["maxBins"], "seed": p["seed"],
        "base_score": float(ytr.mean()),
    }
    dmatrix, training, cpu, booster = [], [], [], None
    for _ in range(spec["runs"]):
        c0 = time.process_time()
        t0 = time.perf_counter()
        dtrain = xgb.QuantileDMatrix(xtr, ytr, max_bin=p["maxBins"], nthread=spec["threads"])
        dvalid = xgb.DMatrix(xva, yva, nthread=spec["threads"])
        t1 = time.perf_counter()
        es = p["earlyStoppingRounds"] or None
        booster = xgb.train(params, dtrain, p["nTrees"], evals=[(dvalid, "valid")], early_stopping_rounds=es, verbose_eval=False)
        t2 = time.perf_counter()
        cpu.append(time.process_time() - c0)
        dmatrix.append(t1 - t0)
        training.append(t2 - t1)
    dtest = xgb.DMatrix(xte, nthread=spec["threads"])
    t0 = time.perf_counter()
    pred = booster.predict(dtest)
    predict_s = time.perf_counter() - t0
    err = pred.astype(np.float64) - yte
    print(json.dumps({
        "version": xgb.__version__,
        "dmatrixSeconds": statistics.median(dmatrix),
        "trainSeconds": statistics.median(training),
        "cpuSeconds": statistics.median(cpu),
        "trainRuns": training,
        "trees": booster.num_boosted_rounds(),
        "rmse": float(np.sqrt(np.mean(err ** 2))),
        "mae": float(np.mean(np.abs(err))),
        "mape": float(np.mean(np.abs(err) / yte)),
        "predictRowsPerSecond": len(yte) / predict_s,
    }))


if __name__ == "__main__":
    main()
