"""Training engines beyond the built-in numpy one (optional extras): Spark."""
