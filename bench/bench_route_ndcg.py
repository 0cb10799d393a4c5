"""NDCG@10 of the `recommend` route as the chat serves it, next to the model alone
(issue 7: the conversation's semantics must not cost ranking quality).

    python bench/bench_route_ndcg.py

The per-user time split of DESIGN §7. The route models are fitted on the train part
(as `chatrec train` would), then for every test user with a relevant item:
- model:  the recommend model's own top-10 over the protocol's candidates;
- route:  `ListMaker.make({"intent": "recommend", "k": 10})` for that user, i.e. what
          "recommend something" answers: exclusions, the diversity stage, and the
          duplicate-title filter included.
Both are scored with the same metric function (models/eval/metrics.py).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    from chatrec.conversation.dispatch import Dispatcher
    from chatrec.conversation.lists import Context
    from chatrec.data import datasets
    from chatrec.training.bundle import Bundle
    from chatrec.training.diversity import diversity_weights
    from models.data.splits import time_split
    from models.eval.metrics import ndcg_at_k
    from models.progress import silent
    from models.recommenders.hybrid import HybridSimilar
    from models.recommenders.popularity import Popularity
    from models.recommenders.rankblend import RankBlend

    catalog, ratings = datasets.load("ml-100k")
    train, test = time_split(ratings)
    started = time.perf_counter()
    models = {"rank-blend": RankBlend().fit(train, catalog),
              "hybrid": HybridSimilar().fit(train, catalog),
              "popularity": Popularity().fit(train, catalog)}
    routes = {"recommend": "rank-blend", "similar": "hybrid", "popular": "popularity"}
    chosen = diversity_weights(models, routes, {}, {}, catalog, train, silent)
    bundle = Bundle("ml-100k", catalog, train, models, routes,
                    {r: float(d.get("weight", 0.0)) for r, d in chosen.items()})
    dispatcher = Dispatcher(bundle)
    print(f"fitted in {time.perf_counter() - started:.1f} s; diversity weights "
          f"{bundle.diversity}", file=sys.stderr)
    seen_in_train = train.item_counts() > 0
    model, route = [], []
    for u in range(train.n_users):
        m = test.users == u
        relevant = set(test.items[m][test.values[m] >= 4].tolist())
        if not relevant:
            continue
        rated = train.user_items(u)[0]
        allowed = seen_in_train.copy()
        idx, _ = models["rank-blend"].recommend(u, k=10, exclude=rated, allowed=allowed)
        model.append(ndcg_at_k(idx.tolist(), relevant, 10))
        reply = dispatcher.lists.make({"intent": "recommend", "k": 10},
                                      Context(user_index=u, user_label=u))
        shown = [catalog.index_of(it["item_id"]) for it in reply.items]
        route.append(ndcg_at_k(shown, relevant, 10))
    print("| ranking | users | NDCG@10 |\n|---|---:|---:|")
    print(f"| recommend model alone (rank-blend) | {len(model)} | {np.mean(model):.4f} |")
    print(f"| recommend route as the chat serves it | {len(route)} | {np.mean(route):.4f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
