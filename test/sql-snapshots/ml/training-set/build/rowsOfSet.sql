SELECT count() AS n FROM db.training_sets WHERE training_set_id = {id:String}
