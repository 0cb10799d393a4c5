"""Choosing and building the message parser (DESIGN.md §5).

    view = title_catalog(catalog, ratings)          # models.data -> plain intents data
    parser = build_parser("regex" | "llm" | "llm-only" | "pkg.module:factory" | None, view)
    query = parse_in_context(parser, "the second one", state, view)

`spec=None` reads $CHATREC_PARSER (default "regex"). `llm` is the cascade (the rules
first, the LLM only when they are unsure); `llm-only` asks the LLM every turn. A factory
is called with the TitleCatalog and must return an object with a callable
`parse(text) -> Query`; a parser whose parse() also takes `context` gets the
conversation (the last list, an open "did you mean", the film in focus).
Every configuration problem raises ParserConfigError (CLI exit code 2) with a message
that says what to fix; nothing here ever prints or logs the LLM API key.
"""
from __future__ import annotations

import functools
import importlib
import inspect
import os
import weakref

from intents.catalog import TitleCatalog
from intents.context import ConversationContext
from intents.errors import ParserConfigError
from intents.rules.parser import RuleParser

ENV_PARSER = "CHATREC_PARSER"
BUILTIN = ("regex", "llm", "llm-only")

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
    if spec in ("llm", "llm-only"):
        from intents.llm.cascade import CascadeParser
        from intents.llm.parser import LLMParser
        llm = LLMParser.from_env(catalog_view)
        return CascadeParser(llm) if spec == "llm" else llm
    if ":" not in spec:
        raise ParserConfigError(f"unknown parser {spec!r}: use 'regex', 'llm', 'llm-only' "
                                "or 'package.module:factory'")
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


def takes_context(parser) -> bool:
    """Whether parser.parse accepts a `context` argument (checked once per parser)."""
    cached = getattr(parser, "_chatrec_takes_context", None)
    if cached is not None:
        return cached
    try:
        found = "context" in inspect.signature(parser.parse).parameters
    except (TypeError, ValueError):
        found = False
    try:
        parser._chatrec_takes_context = found
    except AttributeError:
        pass
    return found


def conversation(state, catalog_view: TitleCatalog) -> ConversationContext:
    """The session as a parser may see it: titles of the last list, the open "did you
    mean" choices and the film in focus (ids the catalog does not know are skipped)."""
    index = _id_index(catalog_view)

    def titles(ids) -> tuple[str, ...]:
        out = []
        for item in ids or ():
            i = index.get(str(item))
            if i is not None:
                out.append(catalog_view.display(i))
        return tuple(out)

    pending = state.pending or {}
    focus = titles([state.focus]) if state.focus is not None else ()
    return ConversationContext(shown=titles(state.last_items),
                               candidates=titles(pending.get("candidates")),
                               focus=focus[0] if focus else None)


def parse_in_context(parser, message: str, state, catalog_view: TitleCatalog):
    """parser.parse(message), with the conversation when the parser takes it."""
    if takes_context(parser):
        return parser.parse(message, context=conversation(state, catalog_view))
    memo = memo_for(parser)
    return memo(message) if memo is not None else parser.parse(message)


#: messages whose Query the built-in parser's memo keeps (each at most 2,000 characters)
PARSE_MEMO = 4096


def memo_for(parser):
    """The built-in rule parser's answers, remembered per message text: its parse is a
    pure function of the text and the catalog, its Query is frozen, and people repeat
    themselves ("more", "hi", "what's popular", "the first one"): 0.1-0.5 ms of rules
    saved per repeat. None for every other parser (an LLM, a plug-in: maybe stateful)
    and for a rule parser whose `parse` was replaced on the instance."""
    if type(parser) is not RuleParser or "parse" in vars(parser) or PARSE_MEMO <= 0:
        return None
    memo = vars(parser).get("_chatrec_memo")
    if memo is None:
        memo = parser._chatrec_memo = functools.lru_cache(maxsize=PARSE_MEMO)(
            functools.partial(RuleParser.parse, parser))
    return memo


def _id_index(view: TitleCatalog) -> dict:
    cached = view._cache.get("id_index")
    if cached is None:
        cached = view._cache["id_index"] = {str(x): i for i, x in enumerate(view.item_ids)}
    return cached


def parser_blocks(parser) -> bool:
    """Whether parse() may wait on I/O (an LLM over HTTP): then the HTTP app runs turns
    in its thread pool instead of on the event loop. The rule parser is pure CPU; other
    parsers may say so with a `blocking = False` attribute."""
    declared = getattr(parser, "blocking", None)
    if declared is not None:
        return bool(declared)
    return not isinstance(parser, RuleParser)
