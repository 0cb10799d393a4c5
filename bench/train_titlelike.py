"""Learn the title-likeness model (intents/mentions/titlelike.py): which spans the rule
parser would call a film it does not have are titles at all.

    python bench/train_titlelike.py            # fit, report, write titlelike.json
    python bench/train_titlelike.py --dry-run

Examples: every span the parser's frames propose as an unknown film in every ReDial
seeker message (as written and lowercased), collected with the model switched off; a
span is a title when the message names a film there (in the catalog or not). Weights
are fitted on `train` (logistic regression, regularisation by grouped 5-fold
cross-validation); the threshold is chosen on `valid` for the best F1.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _redial_data import load  # noqa: E402
from train_mentions import catalog_parser, messages, recorded  # noqa: E402

from intents.mentions.titlelike import FEATURES, FILE  # noqa: E402


def spans(convs, view, parser):
    """(features, label, conversation id) of each span proposed as an unknown film."""
    gate = parser.slots.link.titlelike
    rows = []
    for key, text, gold in messages(convs, view):
        asked = recorded(gate, parser, text)
        for s, e, f in {(s, e): (s, e, f) for s, e, f in asked}.values():
            film = any(min(ge, e) - max(gs, s) >= (e - s) / 2 for gs, ge, _ in gold)
            rows.append((f, int(film), key[0]))
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dry-run", action="store_true", help="do not write the model file")
    args = ap.parse_args(argv)

    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, cross_val_score

    view, parser, linker = catalog_parser()
    data = {s: spans(load(s, linker), view, parser) for s in ("train", "valid")}
    X = np.array([r[0] for r in data["train"]])
    y = np.array([r[1] for r in data["train"]])
    groups = [r[2] for r in data["train"]]
    print(f"train: {len(y)} spans proposed, {int(y.sum())} are titles", file=sys.stderr)
    losses = {}
    for C in (0.1, 0.3, 1.0, 3.0, 10.0):
        lr = LogisticRegression(C=C, max_iter=3000, fit_intercept=False)
        losses[C] = -cross_val_score(lr, X, y, groups=groups, cv=GroupKFold(5),
                                     scoring="neg_log_loss").mean()
    C = min(losses, key=losses.get)
    lr = LogisticRegression(C=C, max_iter=3000, fit_intercept=False).fit(X, y)
    Xv = np.array([r[0] for r in data["valid"]])
    yv = np.array([r[1] for r in data["valid"]])
    pv = lr.predict_proba(Xv)[:, 1]
    table = []
    for t in np.arange(0.1, 0.91, 0.05):
        said = pv >= t
        tp = int(np.sum(said & (yv == 1)))
        precision, recall = tp / max(1, int(said.sum())), tp / max(1, int(yv.sum()))
        f1 = 2 * precision * recall / max(1e-9, precision + recall)
        table.append((round(float(t), 2), precision, recall, f1))
    threshold = max(table, key=lambda r: (round(r[3], 3), r[0]))[0]
    print(f"C={C}; valid: {len(yv)} spans, {int(yv.sum())} titles; threshold {threshold}")
    print("threshold precision recall   F1")
    for t, pr, rc, f1 in table:
        print(f"{t:9.2f} {pr:9.3f} {rc:6.3f} {f1:5.3f}")
    weights = dict(zip(FEATURES, lr.coef_[0].round(4).tolist()))
    for name, w in sorted(weights.items(), key=lambda kv: -abs(kv[1])):
        print(f"  {name:15} {w:+.3f}")
    if not args.dry_run:
        out = ROOT / "intents" / "mentions" / FILE
        out.write_text(json.dumps({
            "weights": weights, "threshold": threshold, "C": C,
            "trained_on": "ReDial dev train split: spans the frames call unknown films",
            "threshold_from": "valid split, best F1",
        }, indent=1) + "\n")
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
