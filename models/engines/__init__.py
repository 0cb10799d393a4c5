"""Training engines other than numpy (optional extras): models/engines/spark_als.py fits
the ALS models with Spark MLlib. Imported only when asked for."""
