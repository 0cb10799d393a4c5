"""The rule parser on a labelled message file, in the format of tests/intents/corpus.tsv:
the score and every miss (wanted vs got, only the fields that differ).

    CHATREC_HOME=... python bench/bench_corpus.py bench/heldout_messages.tsv [--quiet]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chatrec.data import datasets  # noqa: E402
from chatrec.parsers import title_catalog  # noqa: E402
from intents.rules.parser import RuleParser  # noqa: E402
from tests.intents.test_corpus import expected_extras, load_corpus  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--quiet", action="store_true", help="only the score")
    args = ap.parse_args()
    catalog, ratings = datasets.load("ml-100k")
    parser = RuleParser(title_catalog(catalog, ratings))
    rows = load_corpus(args.corpus)
    right = 0
    for text, intent, genre, title, k, extras in rows:
        q = parser.parse(text)
        want = expected_extras(genre, title, extras)
        got_extras = {key: getattr(q, key) for key in want}
        if (q.intent.value, q.genre, q.title, q.k) == (intent, genre, title, k) \
                and got_extras == want:
            right += 1
            continue
        if not args.quiet:
            diff = [key for key in want if got_extras[key] != want[key]]
            print(f"{text!r}\n   want {(intent, genre, title, k)} "
                  f"{ {key: want[key] for key in diff} }\n   got  "
                  f"{(q.intent.value, q.genre, q.title, q.k)} "
                  f"{ {key: got_extras[key] for key in diff} }")
    print(f"{args.corpus.name}: {right}/{len(rows)} exact")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
