"""Spark MLlib ALS behind chatrec's models, in local mode on tiny data with known
answers: the explicit model reproduces a low-rank matrix it saw in full, the implicit
one ranks a user's missing in-taste film first."""
from __future__ import annotations

import numpy as np

from models.engines import spark_als
from models.recommenders.factorization import BiasedMF, RankingMF


def frame(spark, users, items, values):
    rows = [(int(u), int(i), float(r)) for u, i, r in zip(users, items, values)]
    return spark.createDataFrame(rows, "u INT, i INT, r DOUBLE")


def test_explicit_factors_reproduce_the_observed_ratings(spark):
    rng = np.random.default_rng(0)
    n_users, n_items = 12, 9
    R = np.clip(3.0 + rng.normal(0, 0.6, (n_users, 2)) @ rng.normal(0, 0.6, (2, n_items)), 1, 5)
    users, items = np.divmod(np.arange(n_users * n_items), n_items)
    df = frame(spark, users, items, R[users, items])
    model, params = spark_als.fit_mf(df, n_users, n_items, (1.0, 5.0),
                                     BiasedMF(factors=4, n_iter=15), spark_reg=1e-4)
    assert isinstance(model, BiasedMF) and model.user_factors.shape == (n_users, 4)
    assert np.abs(model.predict(users, items) - R[users, items]).max() < 0.1
    assert params["rank"] == 4 and params["maxIter"] == 15 and not params["implicitPrefs"]


def test_implicit_model_ranks_the_missing_in_taste_film_first(spark):
    # two tastes: users 0-4 watch films 0-3, users 5-9 films 4-7; user 0 never saw film 3
    rows = [(u, i, 5.0) for u in range(10) for i in range(8)
            if (u < 5) == (i < 4) and (u, i) != (0, 3)]
    users, items, values = map(np.array, zip(*rows))
    model, params = spark_als.fit_ranking(frame(spark, users, items, values), 10, 8,
                                          RankingMF(factors=2, n_iter=10, reg=0.05))
    scores = model.user_factors[0] @ model.item_factors.T
    unseen = [3, 4, 5, 6, 7]
    assert unseen[int(np.argmax(scores[unseen]))] == 3
    assert params["implicitPrefs"] and params["alpha"] == RankingMF().alpha
    assert model.item_prior.argmin() == 3   # the least-watched film
