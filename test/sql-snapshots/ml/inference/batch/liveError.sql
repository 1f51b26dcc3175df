  SELECT count() AS activities, avg(abs(error_s)) AS mae_s, sqrt(avg(error_s * error_s)) AS rmse_s,
    100 * avg(abs(error_s) / actual_s) AS mape_pct
  FROM db.prediction_errors FINAL
  WHERE model_name = {model:String} AND model_version = {version:UInt32} AND as_of = {asOf:Date}
