"""The title index cached beside the artifacts: reused while titles, counts and code
hold, rebuilt otherwise, and never a failure."""
from __future__ import annotations

import json

from chatrec.training.title_index import FILE, index_key, use_cached_title_index
from intents.catalog import TitleCatalog

ROWS = [(1, "Godfather, The", 1972, ("Crime",), 50), (2, "Star Wars", 1977, ("Sci-Fi",), 80),
        (3, "Scream", 1996, ("Horror",), 20), (4, "Scream 2", 1997, ("Horror",), 10)]


def view(rows=ROWS) -> TitleCatalog:
    return TitleCatalog.from_rows(rows)


def test_the_index_is_saved_then_reused(tmp_path, monkeypatch):
    first = view()
    use_cached_title_index(first, tmp_path)
    saved = json.loads((tmp_path / FILE).read_text())
    assert saved["key"] == index_key(first)
    second = view()
    import intents.mentions.titles
    monkeypatch.setattr(intents.mentions.titles, "_build", lambda *a: (_ for _ in ()).throw(
        AssertionError("rebuilt")))  # reusing must not build
    use_cached_title_index(second, tmp_path)
    assert second.titles_matcher.match("godfather").index == 0
    assert second.titles_matcher.match("scream 2").index == 3


def test_other_counts_rebuild_the_index(tmp_path):
    use_cached_title_index(view(), tmp_path)
    # Scream 2 now more rated: ties between equal matches would go the other way
    changed = view([r if r[0] != 4 else (4, "Scream 2", 1997, ("Horror",), 99) for r in ROWS])
    use_cached_title_index(changed, tmp_path)
    saved = json.loads((tmp_path / FILE).read_text())
    assert saved["key"] == index_key(changed) != index_key(view())
    assert json.loads(json.dumps(changed.titles_matcher.state())) == saved["index"]


def test_a_broken_or_unwritable_cache_only_costs_the_build(tmp_path):
    (tmp_path / FILE).write_text("{not json")
    v = view()
    use_cached_title_index(v, tmp_path)
    assert v.titles_matcher.match("star wars").index == 1
    missing = tmp_path / "no" / "such" / "dir"
    w = view()
    use_cached_title_index(w, missing)
    assert w.titles_matcher.match("star wars").index == 1 and not missing.exists()
