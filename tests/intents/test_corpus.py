"""The labelled corpus (tests/intents/corpus.tsv) on the real ML-100K catalog:
>= 97% exact <intent, genre, title, k>, and it must cover what the issue lists."""
from __future__ import annotations

from pathlib import Path

import pytest

from intents.query import Intent
from intents.rules import RuleParser

CORPUS = Path(__file__).with_name("corpus.tsv")
TARGET = 0.97


def load_corpus() -> list[tuple[str, str, str | None, str | None, int]]:
    rows = []
    for n, line in enumerate(CORPUS.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("#") or not line.strip("\t"):
            continue
        parts = line.split("\t")
        assert len(parts) == 5, f"corpus.tsv line {n} needs 5 tab-separated columns"
        text, intent, genre, title, k = parts
        rows.append((text, intent, None if genre == "-" else genre,
                     None if title == "-" else title, int(k)))
    return rows


def test_corpus_is_big_and_covers_every_intent():
    rows = load_corpus()
    assert len(rows) >= 250
    assert {r[1] for r in rows} == {i.value for i in Intent}
    assert any(r[0] == "" for r in rows), "empty text must be in the corpus"
    assert sum(1 for r in rows if r[3] is None and r[1] == "similar") >= 3  # no-match titles


@pytest.mark.movielens
def test_corpus_accuracy_on_ml100k(ml100k_view):
    rows = load_corpus()
    # every genre of the catalog is exercised, and every labelled title exists
    assert {r[2] for r in rows if r[2]} == set(ml100k_view.genre_names)
    titles = set(ml100k_view.titles)
    assert {r[3] for r in rows if r[3]} <= titles
    parser = RuleParser(ml100k_view)
    misses = []
    for text, intent, genre, title, k in rows:
        q = parser.parse(text)
        got = (q.intent.value, q.genre, q.title, q.k)
        if got != (intent, genre, title, k):
            misses.append(f"{text!r}: expected {(intent, genre, title, k)}, got {got}")
    accuracy = 1 - len(misses) / len(rows)
    print(f"\ncorpus: {len(rows) - len(misses)}/{len(rows)} exact = {accuracy:.1%}")
    for m in misses:
        print("  MISS", m)
    assert accuracy >= TARGET, "\n".join(misses)
