"""Numerical pieces the recommenders share: ALS and conjugate-gradient solvers,
numba kernels and hyperparameter search. Imports models.data, models.ranking and
models.errors, never a recommender.
"""
