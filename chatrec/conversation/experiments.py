"""A/B routing: split a route between trained models, sticky per session.

    CHATREC_EXPERIMENTS='recommend: mf-rank 50, item-knn 50'
    CHATREC_EXPERIMENTS=/etc/chatrec/experiments.toml      # [recommend] mf-rank = 50 ...

Each session is assigned an arm by a hash of (route, session id): the same session
gets the same arm on every turn, on every worker and every host, with no shared
state; over many sessions the arms get their weights' shares. The arm is recorded in
the reply's `query.arm` ({"recommend": "item-knn"}), in the session's transcript, and
counted per arm in /metrics (chatrec_experiment_turns_total). `chatrec eval --models
mf-rank,item-knn` compares the same arms offline.

Only the `recommend` route (personal picks) can be split: `similar` and `popular`
answers come from precomputed vectors. The spec is checked when the service starts;
any problem is one line naming CHATREC_EXPERIMENTS and a non-zero exit.
"""
from __future__ import annotations

import hashlib
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from chatrec.errors import UsageError

SETTING = "CHATREC_EXPERIMENTS"
SPLITTABLE = ("recommend",)
BUCKETS = 10_000            # assignment granularity: 0.01 %
_ARM = re.compile(r"^\s*([A-Za-z0-9_.+-]+)\s+(\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Experiment:
    """One route split between models: ((model, weight), ...), weights summing to 100."""

    route: str
    arms: tuple[tuple[str, float], ...]

    def arm_for(self, session_id: str) -> str:
        digest = hashlib.sha256(f"{self.route}\x1f{session_id}".encode()).digest()
        point = int.from_bytes(digest[:8], "big") % BUCKETS * (100.0 / BUCKETS)
        upto = 0.0
        for model, weight in self.arms:
            upto += weight
            if point < upto:
                return model
        return self.arms[-1][0]


class Experiments:
    """Every experiment of a deployment, by route; empty when none is configured."""

    def __init__(self, experiments: dict[str, Experiment] | None = None):
        self.by_route = dict(experiments or {})

    def __bool__(self) -> bool:
        return bool(self.by_route)

    def assign(self, session_id: str) -> dict[str, str]:
        """{route: model} for this session (empty without experiments)."""
        return {route: e.arm_for(session_id) for route, e in self.by_route.items()}

    def check(self, trained: set[str] | list[str]) -> "Experiments":
        """Every arm must be a trained model of the bundle. Returns self."""
        trained = set(trained)
        for e in self.by_route.values():
            for model, _ in e.arms:
                if model not in trained:
                    raise UsageError(f"{SETTING}: model {model!r} of the {e.route!r} split is "
                                     f"not trained (trained: {', '.join(sorted(trained))})")
        return self

    @classmethod
    def from_env(cls, env=os.environ) -> "Experiments":
        """From CHATREC_EXPERIMENTS: an inline spec, or the path of a .toml file."""
        raw = (env.get(SETTING) or "").strip()
        if not raw:
            return cls()
        if raw.endswith(".toml"):
            return cls(from_toml(Path(raw)))
        return cls(parse_spec(raw))


def parse_spec(text: str) -> dict[str, Experiment]:
    """'recommend: mf-rank 50, item-knn 50; ROUTE: ...' -> {route: Experiment}."""
    out: dict[str, Experiment] = {}
    for part in filter(str.strip, text.split(";")):
        route, sep, arms_text = part.partition(":")
        if not sep:
            raise UsageError(f"{SETTING}: cannot read {part.strip()!r}: expected "
                             "'ROUTE: MODEL WEIGHT, MODEL WEIGHT' (e.g. 'recommend: "
                             "mf-rank 50, item-knn 50')")
        arms = []
        for arm in arms_text.split(","):
            m = _ARM.match(arm)
            if not m:
                raise UsageError(f"{SETTING}: cannot read the arm {arm.strip()!r} of "
                                 f"{route.strip()!r}: expected 'MODEL WEIGHT' (e.g. "
                                 "'mf-rank 50')")
            arms.append((m.group(1), float(m.group(2))))
        _add(out, route.strip(), arms)
    return out


def from_toml(path: Path) -> dict[str, Experiment]:
    """A TOML file with one table per route: [recommend] mf-rank = 50, item-knn = 50."""
    try:
        data = tomllib.loads(path.read_text())
    except OSError as e:
        raise UsageError(f"{SETTING}: cannot read {path}: {e.strerror or e}") from None
    except tomllib.TOMLDecodeError as e:
        raise UsageError(f"{SETTING}: {path} is not valid TOML: {e}") from None
    out: dict[str, Experiment] = {}
    for route, table in data.items():
        if not isinstance(table, dict) or not all(
                isinstance(w, (int, float)) and not isinstance(w, bool) for w in table.values()):
            raise UsageError(f"{SETTING}: {path}: [{route}] must map model names to "
                             "weights (e.g. mf-rank = 50)")
        _add(out, route, [(str(m), float(w)) for m, w in table.items()])
    return out


def _add(out: dict, route: str, arms: list[tuple[str, float]]) -> None:
    if route not in SPLITTABLE:
        raise UsageError(f"{SETTING}: route {route!r} cannot be split (splittable: "
                         f"{', '.join(SPLITTABLE)})")
    if route in out:
        raise UsageError(f"{SETTING}: route {route!r} is split twice")
    names = [m for m, _ in arms]
    if len(set(names)) != len(names):
        raise UsageError(f"{SETTING}: a model appears twice in the {route!r} split")
    if any(w <= 0 for _, w in arms):
        raise UsageError(f"{SETTING}: every weight of the {route!r} split must be above 0")
    total = sum(w for _, w in arms)
    if abs(total - 100.0) > 1e-6:
        raise UsageError(f"{SETTING}: the weights of the {route!r} split sum to {total:g}, "
                         "not 100")
    out[route] = Experiment(route, tuple(arms))
