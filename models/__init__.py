"""models: recommenders and their evaluation, no conversation. The Recommender protocol
(base.py), one top_k (ranking.py), the registry, the recommenders (recommenders/), their
numerical solvers (solvers/), data containers (data/), protocols (eval/) and engines.
Never imports chatrec or intents.
"""
