"""chatrec.parsers (spec -> parser, the catalog adapter) and `chatrec parse`."""
from __future__ import annotations

import io
import json
import os
import select
import subprocess
import sys
import types

import numpy as np
import pytest

from chatrec.cli import main as cli
from chatrec.parsers import (
    build_parser,
    conversation,
    parse_in_context,
    parser_for,
    takes_context,
    title_catalog,
)
from chatrec.sessions.state import SessionState
from intents.catalog import TitleCatalog
from intents.context import ConversationContext
from intents.errors import ParserConfigError
from intents.llm.cascade import CascadeParser
from intents.llm.parser import LLMParser
from intents.rules.parser import RuleParser
from tests.factories import make_catalog, make_ratings


@pytest.fixture
def catalog():
    return make_catalog(
        ["Godfather, The", "Cape Fear", "Cape Fear", "Toy Story"],
        years=[1972, 1991, 1962, 1995],
        genres=[("Crime", "Drama"), ("Thriller",), ("Film-Noir", "Thriller"),
                ("Animation", "Children's", "Comedy")],
        item_ids=np.array([127, 218, 673, 1]),
    )


@pytest.fixture
def ratings():
    # item index 2 (Cape Fear 1962) has more ratings than index 1 (Cape Fear 1991); every
    # film is rated (the mention model weighs how much a film is watched)
    return make_ratings([(0, 2, 4), (1, 2, 5), (2, 2, 3), (0, 1, 4), (0, 0, 5), (1, 3, 4)],
                        n_items=4)


def test_title_catalog_adapts_plain_data(catalog, ratings):
    view = title_catalog(catalog, ratings)
    assert isinstance(view, TitleCatalog)
    assert view.item_ids == (127, 218, 673, 1) and type(view.item_ids[0]) is int
    assert view.counts == (1, 1, 3, 1)
    assert view.genre_names == ("Animation", "Children's", "Comedy", "Crime", "Drama",
                                "Film-Noir", "Thriller")
    assert title_catalog(catalog, ratings) is view          # cached per catalog


def test_ties_use_the_rating_counts(catalog, ratings):
    q = parser_for(catalog, ratings).parse("movies like cape fear")
    assert (q.title, q.item_id) == ("Cape Fear", 673)
    assert json.dumps(q.to_dict())                            # plain ints, JSON-ready


def test_build_parser_specs(catalog, monkeypatch):
    view = title_catalog(catalog)
    monkeypatch.delenv("CHATREC_PARSER", raising=False)
    assert isinstance(build_parser(None, view), RuleParser)
    assert isinstance(build_parser("regex", catalog), RuleParser)   # a models Catalog works
    monkeypatch.setenv("CHATREC_LLM_MODEL", "m")
    monkeypatch.setenv("CHATREC_PARSER", "llm")
    cascade = build_parser(None, view)               # llm = rules first, then the LLM
    assert isinstance(cascade, CascadeParser) and isinstance(cascade.llm, LLMParser)
    only = build_parser("llm-only", view)
    assert isinstance(only, LLMParser) and only.name == "llm-only"
    with pytest.raises(ParserConfigError, match="unknown parser 'bogus'"):
        build_parser("bogus", view)


def _install_module(monkeypatch, name, **attrs):
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    monkeypatch.setitem(sys.modules, name, module)


class _Echo:
    def __init__(self, catalog):
        self.catalog = catalog

    def parse(self, text):
        return RuleParser(self.catalog).parse(text)


def test_factory_spec(catalog, monkeypatch):
    _install_module(monkeypatch, "my_parsers", make=_Echo)
    parser = build_parser("my_parsers:make", title_catalog(catalog))
    assert isinstance(parser, _Echo) and parser.parse("hi").intent.value == "greet"


@pytest.mark.parametrize("spec,attrs,message", [
    ("no_such_pkg.mod:make", None, "cannot import module 'no_such_pkg.mod'"),
    ("bad_parsers:missing", {}, "has no attribute 'missing'"),
    ("bad_parsers:value", {"value": 3}, "is not callable"),
    ("bad_parsers:make", {"make": lambda cat: object()}, "has no parse(text) method"),
    ("bad_parsers:make", {"make": lambda cat: 1 / 0}, "failed: ZeroDivisionError"),
    (":make", None, "must look like"),
])
def test_factory_errors(catalog, monkeypatch, spec, attrs, message):
    if attrs is not None:
        _install_module(monkeypatch, "bad_parsers", **attrs)
    with pytest.raises(ParserConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        build_parser(spec, title_catalog(catalog))


def test_cli_exit_code_for_a_bad_factory(catalog, monkeypatch, capsys):
    from chatrec.data import datasets
    monkeypatch.setattr(datasets, "load", lambda name=None, **kw: (catalog, None))
    assert cli.main(["parse", "--parser", "nope_mod:f", "hi"]) == 2
    assert "cannot import module 'nope_mod'" in capsys.readouterr().err


def test_cli_parse_text_and_stdin(catalog, ratings, monkeypatch, capsys):
    from chatrec.data import datasets
    monkeypatch.setattr(datasets, "load", lambda name=None, **kw: (catalog, ratings))
    assert cli.main(["parse", "--json", "3", "movies", "like", "the", "godfather"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert (d["intent"], d["title"], d["item_id"], d["k"]) == ("similar", "Godfather, The",
                                                               127, 3)
    assert cli.main(["parse", "top 10 comedies"]) == 0
    out = capsys.readouterr().out
    assert "popular" in out and "Comedy" in out and "10" in out
    monkeypatch.setattr(sys, "stdin", io.StringIO("hi\n\nmovies like toy story\n"))
    assert cli.main(["parse"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(x)["intent"] for x in lines] == ["greet", "unknown", "similar"]
    assert json.loads(lines[2])["title"] == "Toy Story"


@pytest.mark.movielens
def test_stdin_mode_answers_each_line_as_it_arrives(chatrec_home):
    """A real subprocess on ML-100K: the answer to line 1 arrives before line 2 is sent."""
    env = dict(os.environ, CHATREC_HOME=str(chatrec_home), PYTHONUNBUFFERED="0")
    proc = subprocess.Popen([sys.executable, "-m", "chatrec.cli.main", "parse", "--json"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
                            cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    try:
        proc.stdin.write("movies like the godfather\n")
        proc.stdin.flush()
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready, "no answer to the first line while stdin is still open (not flushed?)"
        first = json.loads(proc.stdout.readline())
        assert (first["intent"], first["title"], first["item_id"]) == (
            "similar", "Godfather, The", 127)
        proc.stdin.write("top 10 comedies\n")
        proc.stdin.close()
        second = json.loads(proc.stdout.readline())
        assert (second["intent"], second["genre"], second["k"]) == ("popular", "Comedy", 10)
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()


class _Recorder:
    """A parser that takes the conversation, and remembers what it was given."""

    def __init__(self, catalog):
        self.rules, self.seen = RuleParser(catalog), []

    def parse(self, text, context=None):
        self.seen.append(context)
        return self.rules.parse(text)


def test_the_conversation_reaches_parsers_that_take_it(catalog):
    view = title_catalog(catalog)
    state = SessionState(id="s", last_items=["1", "127", "999"], focus="127",
                         pending={"query": {}, "candidates": [218, 673]})
    ctx = conversation(state, view)
    assert ctx == ConversationContext(shown=("Toy Story (1995)", "Godfather, The (1972)"),
                                      candidates=("Cape Fear (1991)", "Cape Fear (1962)"),
                                      focus="Godfather, The (1972)")   # 999: unknown id
    assert "2. Godfather, The (1972)" in ctx.describe()
    recorder = _Recorder(view)
    assert takes_context(recorder) and not takes_context(RuleParser(view))
    parse_in_context(recorder, "the second one", state, view)
    assert recorder.seen == [ctx]
    q = parse_in_context(RuleParser(view), "the second one", state, view)  # no context arg
    assert q.ref == 2
