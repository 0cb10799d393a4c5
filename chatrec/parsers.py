"""Choosing and building the message parser (DESIGN.md §5).

    view = title_catalog(catalog, ratings)          # models.data -> plain intents data
    parser = build_parser("regex" | "llm" | "pkg.module:factory" | None, view)
    query = parser.parse("movies like Alien")

`spec=None` reads $CHATREC_PARSER (default "regex"). A factory is called with the
TitleCatalog and must return an object with a callable `parse(text) -> Query`.
Every configuration problem raises ParserConfigError (CLI exit code 2) with a message
that says what to fix; nothing here ever prints or logs the LLM API key.
"""
from __future__ import annotations

import importlib
import os
import weakref

from intents.catalog import TitleCatalog
from intents.errors import ParserConfigError
from intents.rules import RuleParser

ENV_PARSER = "CHATREC_PARSER"
BUILTIN = ("regex", "llm")

_views: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def title_catalog(catalog, ratings=None) -> TitleCatalog:
    """Adapt a models.data.Catalog (+ Ratings for popularity tie-breaks) to the plain
    TitleCatalog the intents package takes. Cached per catalog object, so the title
    index is built once however many parsers the service creates."""
    key_ratings = id(ratings) if ratings is not None else None
    try:
        cached = _views.get(catalog)
    except TypeError:          # not weak-referenceable: just build it
        cached = None
    if cached is not None and cached[0] == key_ratings:
        return cached[1]
    n = len(catalog.item_ids)
    counts = ratings.item_counts().tolist() if ratings is not None else [0] * n
    view = TitleCatalog(
        item_ids=tuple(catalog.item_ids.tolist()),
        titles=tuple(str(t) for t in catalog.titles),
        years=tuple(int(y) for y in catalog.years),
        genres=tuple(tuple(g) for g in catalog.genres),
        counts=tuple(int(c) for c in counts[:n]) + (0,) * max(0, n - len(counts)),
        name=getattr(catalog, "name", "catalog"),
    )
    try:
        _views[catalog] = (key_ratings, view)
    except TypeError:
        pass
    return view


def build_parser(spec: str | None, catalog_view, ratings=None):
    """A parser for `spec` ('regex', 'llm', 'pkg.module:factory'; None -> $CHATREC_PARSER
    or 'regex'). Raises ParserConfigError with a readable reason.

    `catalog_view` is a TitleCatalog, or a models.data.Catalog which is adapted here
    (pass `ratings` too so title ties go to the more-rated film)."""
    if not isinstance(catalog_view, TitleCatalog):
        catalog_view = title_catalog(catalog_view, ratings)
    spec = (spec if spec is not None else os.environ.get(ENV_PARSER, "")).strip() or "regex"
    if spec == "regex":
        return RuleParser(catalog_view)
    if spec == "llm":
        from intents.llm import LLMParser
        return LLMParser.from_env(catalog_view)
    if ":" not in spec:
        raise ParserConfigError(
            f"unknown parser {spec!r}: use 'regex', 'llm' or 'package.module:factory'")
    return _from_factory(spec, catalog_view)


def parser_for(catalog, ratings=None, spec: str | None = None):
    """One call for the service: Catalog (+ Ratings) -> parser."""
    return build_parser(spec, catalog, ratings)


def _from_factory(spec: str, catalog_view: TitleCatalog):
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise ParserConfigError(f"parser spec {spec!r} must look like 'package.module:factory'")
    try:
        module = importlib.import_module(module_name)
    except Exception as e:  # ImportError, or any error raised while importing it
        raise ParserConfigError(
            f"parser factory {spec!r}: cannot import module {module_name!r} "
            f"({type(e).__name__}: {e})") from None
    factory = module
    for part in attr.split("."):
        factory = getattr(factory, part, None)
        if factory is None:
            raise ParserConfigError(
                f"parser factory {spec!r}: module {module_name!r} has no attribute {attr!r}")
    if not callable(factory):
        raise ParserConfigError(f"parser factory {spec!r} is not callable")
    try:
        parser = factory(catalog_view)
    except Exception as e:
        raise ParserConfigError(
            f"parser factory {spec!r} failed: {type(e).__name__}: {e}") from None
    if not callable(getattr(parser, "parse", None)):
        raise ParserConfigError(
            f"parser factory {spec!r} returned {type(parser).__name__}, "
            "which has no parse(text) method")
    return parser
