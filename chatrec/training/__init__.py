"""Fitting and reusing models: train-or-load with a manifest (trainer.py), artifact
signatures, the Bundle the routes use, diversity weights, warm-up, the cached title index,
and the Spark engine (engines/). Imports data, models and intents.catalog.
"""
