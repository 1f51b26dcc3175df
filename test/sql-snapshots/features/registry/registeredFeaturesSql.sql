  SELECT table_name, column_name, definition, ch_type, unit, description FROM db.feature_registry FINAL
