"""Learn the dialogue-act classifier (intents/acts/classifier.py) from ReDial seekers'
messages labelled by hand with their act (bench/data/redial_acts.tsv: conversation id,
message id, split, act; the texts stay in the ReDial files).

    python bench/train_acts.py                 # fit on train, report on valid, write acts.json
    python bench/train_acts.py --dry-run

Films ReDial marks are replaced by one placeholder word, as the parser's titles are at
run time. Regularisation is chosen by 5-fold cross-validation on train, grouped by
conversation; valid is only reported (accuracy, and per act).
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _redial_data import DATA, MENTION, SPLITS  # noqa: E402

from intents.acts.classifier import ACTS, FILE, FILM, terms  # noqa: E402

LABELS = ROOT / "bench" / "data" / "redial_acts.tsv"
MIN_DF = 2            # a term seen in fewer messages is dropped
KEEP = 1e-3           # smaller weights are not shipped


def labelled(split: str, labels: dict) -> list[tuple[str, str, str]]:
    """(conversation id, text with films as one word, act) of each labelled message."""
    out = []
    with open(DATA / f"{split}.jsonl", encoding="utf-8") as f:
        for line in f:
            conv = json.loads(line)
            for m in conv["messages"]:
                act = labels.get((conv["conversationId"], str(m["messageId"])))
                if act is not None:
                    out.append((conv["conversationId"], MENTION.sub(f" {FILM} ", m["text"]), act))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dry-run", action="store_true", help="do not write acts.json")
    args = ap.parse_args(argv)

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, cross_val_score

    labels = {}
    with open(LABELS, encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            labels[(row["conversation_id"], row["message_id"])] = row["act"]
    unknown = set(labels.values()) - set(ACTS)
    if unknown:
        raise SystemExit(f"{LABELS}: acts outside the closed set: {sorted(unknown)}")
    data = {s: labelled(s, labels) for s in SPLITS}
    for s in SPLITS:
        print(f"{s}: {len(data[s])} messages; " + ", ".join(
            f"{a} {n}" for a, n in Counter(a for _, _, a in data[s]).most_common()),
            file=sys.stderr)

    vec = TfidfVectorizer(analyzer=terms, min_df=MIN_DF, sublinear_tf=False)
    train = data["train"]
    X = vec.fit_transform([t for _, t, _ in train])
    y = np.array([ACTS.index(a) for _, _, a in train])
    groups = [c for c, _, _ in train]
    scores = {}
    for C in (1.0, 3.0, 10.0, 30.0):
        lr = LogisticRegression(C=C, max_iter=3000)
        scores[C] = cross_val_score(lr, X, y, groups=groups, cv=GroupKFold(5)).mean()
        print(f"  C={C}: cross-validated accuracy {scores[C]:.3f}", file=sys.stderr)
    C = max(scores, key=scores.get)
    lr = LogisticRegression(C=C, max_iter=3000).fit(X, y)

    valid = data["valid"]
    pred = lr.predict(vec.transform([t for _, t, _ in valid]))
    truth = np.array([ACTS.index(a) for _, _, a in valid])
    print(f"C={C}; valid accuracy {np.mean(pred == truth):.3f} over {len(valid)} messages")
    for k, act in enumerate(lr.classes_):
        name = ACTS[act]
        n = int(np.sum(truth == act))
        tp = int(np.sum((pred == act) & (truth == act)))
        got = int(np.sum(pred == act))
        print(f"  {name:9} n={n:4}  recall {tp / max(1, n):.2f}  precision {tp / max(1, got):.2f}")

    if not args.dry_run:
        vocabulary = vec.vocabulary_
        weights: dict[str, list] = {}
        classes = [int(c) for c in lr.classes_]
        for term, col in vocabulary.items():
            w = [(classes[k], round(float(lr.coef_[k, col]), 4)) for k in range(len(classes))
                 if abs(lr.coef_[k, col]) > KEEP]
            if w:
                weights[term] = w
        bias = [0.0] * len(ACTS)
        for k, c in enumerate(classes):
            bias[c] = round(float(lr.intercept_[k]), 4)
        for c in set(range(len(ACTS))) - set(classes):
            bias[c] = -30.0                       # an act never labelled is never said
        out = ROOT / "intents" / "acts" / FILE
        out.write_text(json.dumps({
            "acts": list(ACTS), "vocabulary": {t: int(i) for t, i in vocabulary.items()},
            "idf": [round(float(x), 4) for x in vec.idf_], "weights": weights, "bias": bias,
            "C": C, "trained_on": "ReDial dev train split, seekers' messages labelled by act",
        }, separators=(",", ":")) + "\n")
        print(f"wrote {out} ({out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
