"""Prometheus metrics for `GET /metrics` (the official `prometheus-client`).

What is measured, and where it comes from (chatrec/service.py and dispatch stay
unaware of metrics):

| metric | source |
|---|---|
| chatrec_http_requests_total{method, route, status} | ASGI middleware; `method` is one of METHODS or "other", `route` the path template (`/sessions/{session_id}`) or "unmatched", so no request can mint a label |
| chatrec_turn_seconds (histogram) | the same middleware, for `POST /chat` |
| chatrec_turns_total{intent} | the `POST /chat` response body |
| chatrec_parser_fallbacks_total{reason} | the body's `query.fallback_reason`, as its category (REASONS: "timeout", "http 5xx", "guard", ... or "other") |
| chatrec_did_you_mean_total, chatrec_empty_lists_total | the body: candidates offered / a list intent with no items |
| chatrec_llm_call_seconds{outcome} (histogram) | a timing wrapper around an LLM parser's `parse` |
| chatrec_ratings_stored_total | a counting wrapper around the session store's `apply` |
| chatrec_experiment_turns_total{route, arm, intent} | the body's `query.arm` (chatrec/conversation/experiments.py) |
| chatrec_model_info{route, model, engine, code, fingerprint} | the artifacts' manifest, set once at start |

Every label comes from a closed set (issue 18: any method name or fallback text used to
become a series, 260 MB of /metrics after 2,000 requests). Requests refused for their
Host header are not counted (the middleware sits inside the Host check); a request
without a needed API key is counted as a 401 of its route.

Rates ("did you mean" per turn, empty lists per turn) are PromQL ratios of these
counters. With `chatrec serve --workers N` every worker writes to the directory in
$PROMETHEUS_MULTIPROC_DIR (set up by `serve`) and a scrape sums all workers
(multiprocess mode); the variable must be set before prometheus_client is imported,
which is why this module imports it lazily. CHATREC_METRICS=off turns metrics off
(`/metrics` then answers 404).
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from contextlib import contextmanager

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LIST_INTENTS = {"recommend", "similar", "popular", "more", "refine", "choose"}
TURN_BUCKETS = (.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1.0, 2.5, 5.0)
LLM_BUCKETS = (.05, .1, .25, .5, 1.0, 2.0, 5.0, 10.0, 30.0)
#: HTTP methods counted by name; any other is counted as "other"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
#: fallback reason categories: (how the reason starts, its label), first match wins
#: (the reasons are listed in intents/llm/parser.py)
REASONS = (("timeout", "timeout"), ("connection refused", "connection refused"),
           ("connection", "connection error"), ("http 4", "http 4xx"),
           ("http 5", "http 5xx"), ("http", "http other"), ("bad response", "bad response"),
           ("no tool call", "no tool call"), ("reply cut", "reply cut"),
           ("tool arguments", "invalid arguments"), ("unknown intent", "unknown intent"),
           ("unknown genre", "unknown genre"), ("intent ", "missing title"),
           ("guard", "guard"), ("llm skipped", "circuit open"),
           ("internal error", "internal error"))


def enabled() -> bool:
    return os.environ.get("CHATREC_METRICS", "on").strip().lower() not in ("off", "0", "no",
                                                                          "false")


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def reason_label(reason: str) -> str:
    """The category of a fallback reason: 'timeout after 5 s' -> 'timeout', 'http 503:
    busy' -> 'http 5xx', anything unforeseen -> 'other' (REASONS)."""
    text = str(reason).strip().lower()
    return next((label for start, label in REASONS if text.startswith(start)), "other")


def method_label(method: str) -> str:
    return method if method in METHODS else "other"


class Metrics:
    """The metric objects of one app, in their own registry (tests build several apps)."""

    def __init__(self):
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter("chatrec_http_requests", "HTTP requests by route and status",
                                ("method", "route", "status"), registry=r)
        self.turn_seconds = Histogram("chatrec_turn_seconds", "POST /chat latency (server side)",
                                      buckets=TURN_BUCKETS, registry=r)
        self.turns = Counter("chatrec_turns", "chat turns by intent", ("intent",), registry=r)
        self.fallbacks = Counter("chatrec_parser_fallbacks",
                                 "LLM parser fallbacks to the rules, by reason", ("reason",),
                                 registry=r)
        self.did_you_mean = Counter("chatrec_did_you_mean",
                                    "turns answered with a 'did you mean' question", registry=r)
        self.empty_lists = Counter("chatrec_empty_lists",
                                   "list requests answered with no film", registry=r)
        self.llm_seconds = Histogram("chatrec_llm_call_seconds", "LLM parser call latency",
                                     ("outcome",), buckets=LLM_BUCKETS, registry=r)
        self.ratings = Counter("chatrec_ratings_stored", "ratings committed to the session store",
                               registry=r)
        self.arms = Counter("chatrec_experiment_turns", "chat turns per experiment arm",
                            ("route", "arm", "intent"), registry=r)
        self.model_info = Gauge("chatrec_model_info", "the trained model serving each route",
                                ("route", "model", "engine", "code", "fingerprint"),
                                registry=r, multiprocess_mode="max")

    # ---- hooks -------------------------------------------------------------------
    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method_label(method), route, str(status)).inc()
        if route == "/chat" and method == "POST":
            self.turn_seconds.observe(seconds)

    def observe_chat(self, body: dict) -> None:
        """Count one `POST /chat` answer from its body."""
        query = body.get("query") or {}
        intent = str(query.get("intent") or "unknown")
        self.turns.labels(intent).inc()
        if query.get("fallback_reason"):
            self.fallbacks.labels(reason_label(query["fallback_reason"])).inc()
        if query.get("candidates") and not body.get("items"):
            self.did_you_mean.inc()
        elif intent in LIST_INTENTS and not body.get("items"):
            self.empty_lists.inc()
        for route, arm in (query.get("arm") or {}).items():
            self.arms.labels(route, arm, intent).inc()

    def describe_models(self, routes: dict[str, str], manifest: dict | None) -> None:
        manifest = manifest or {}
        entries = manifest.get("models", {})
        for route, model in routes.items():
            entry = entries.get(model, {})
            self.model_info.labels(route, model, str(entry.get("engine", "numpy")),
                                   str(entry.get("code", "")),
                                   str(manifest.get("fingerprint", ""))[:16]).set(1)

    def attach(self, service) -> None:
        """Describe the service's models; time an LLM parser's calls and count the
        ratings its store commits."""
        if getattr(service, "_metrics_attached", False):
            return
        service._metrics_attached = True
        self.describe_models(service.bundle.routes, _manifest(service.bundle.dataset))
        if getattr(service.parser, "name", "") == "llm":
            service.parser = _TimedParser(service.parser, self.llm_seconds)
        service.sessions = _CountingStore(service.sessions, self.ratings)

    # ---- exposition ----------------------------------------------------------------
    def render(self) -> bytes:
        from prometheus_client import CollectorRegistry, generate_latest

        if multiprocess_dir():
            from prometheus_client import multiprocess
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)


class _TimedParser:
    """A parser that observes how long each LLM parse took, and whether it fell back."""

    def __init__(self, parser, histogram):
        self._parser, self._histogram = parser, histogram

    def parse(self, text):
        t0 = time.perf_counter()
        query = self._parser.parse(text)
        outcome = "fallback" if getattr(query, "fallback_reason", None) else "ok"
        self._histogram.labels(outcome).observe(time.perf_counter() - t0)
        return query

    def __getattr__(self, name):
        return getattr(self._parser, name)


class _CountingStore:
    """A session store that counts the ratings of every committed turn."""

    def __init__(self, store, counter):
        self._store, self._counter = store, counter

    def apply(self, session_id, effects, *args, **kwargs):
        self._store.apply(session_id, effects, *args, **kwargs)
        if effects.ratings:
            self._counter.inc(len(effects.ratings))

    def __getattr__(self, name):
        return getattr(self._store, name)


class MetricsMiddleware:
    """Pure ASGI middleware (cheaper than BaseHTTPMiddleware): counts every request
    by its route template and status, and times `POST /chat`."""

    def __init__(self, app, metrics: Metrics):
        self.app, self.metrics = app, metrics

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        status = [500]

        async def send_status(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        t0 = time.perf_counter()
        try:
            await self.app(scope, receive, send_status)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.observe_request(scope["method"], route, status[0],
                                         time.perf_counter() - t0)


def install(app, dependencies=()) -> Metrics | None:
    """Add the middleware and `GET /metrics` to a FastAPI app; None when metrics are
    off (CHATREC_METRICS=off). The app's handlers call `observe_chat` on each turn.
    dependencies: of the /metrics route (the API key check)."""
    if not enabled():
        return None
    from fastapi.responses import Response

    metrics = Metrics()
    app.add_middleware(MetricsMiddleware, metrics=metrics)

    @app.get("/metrics", tags=["meta"], response_class=Response,
             dependencies=list(dependencies), responses={
        200: {"content": {CONTENT_TYPE: {}}, "description": "Prometheus text format"}})
    def metrics_endpoint():
        """Prometheus metrics (text exposition format), summed over all workers."""
        return Response(metrics.render(), media_type=CONTENT_TYPE)

    return metrics


def _manifest(dataset: str) -> dict | None:
    """The dataset's training manifest, if it was trained under the data home."""
    from chatrec.data.home import data_home
    from chatrec.training.trainer import read_manifest
    directory = data_home() / "artifacts" / dataset
    return read_manifest(directory) if directory.is_dir() else None


@contextmanager
def multiprocess_metrics():
    """For `serve --workers N`: the workers write their metrics to one directory that
    every scrape sums. $PROMETHEUS_MULTIPROC_DIR if set (its old files are cleared:
    they would be summed into this run), else a temporary directory removed at exit."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    path = given or tempfile.mkdtemp(prefix="chatrec-metrics-")
    os.makedirs(path, exist_ok=True)
    for name in os.listdir(path):
        if name.endswith(".db"):
            os.unlink(os.path.join(path, name))
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = path
    try:
        yield path
    finally:
        if not given:
            shutil.rmtree(path, ignore_errors=True)
            os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
