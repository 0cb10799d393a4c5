"""The report's charts, drawn with matplotlib (the optional `chatrec[report]` extra).

Each function returns a `Chart`: a title, a one-line caption and the figure as SVG
text. Text stays text in the SVG (svg.fonttype "none"), so the numbers printed on
the bars can be read back — by a screen reader, a search, or a test — and the files
stay small. Figures are built with the object API (no pyplot state), so charts can be
drawn from a server thread.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

import numpy as np

from chatrec.errors import MissingExtra

OURS, PEER, ACCENT = "#1a5fb4", "#9a9996", "#c64600"
_XML_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)   # RDF credits: not needed inline


@dataclass(frozen=True)
class Chart:
    key: str          # html id, e.g. "rmse"
    title: str
    caption: str
    svg: str


def require_matplotlib() -> None:
    """Fail with a clear MissingExtra (exit 3, HTTP 503) when the extra is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise MissingExtra("the report needs matplotlib, an optional extra: "
                           "pip install 'chatrec[report]'") from None


def _figure(width: float = 6.4, height: float = 3.2):
    require_matplotlib()
    from matplotlib.figure import Figure
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots()


def _svg(fig) -> str:
    import matplotlib
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "chatrec"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return _METADATA.sub("", _XML_PROLOGUE.sub("", buf.getvalue(), count=1), count=1)


def _style(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=9)


def rating_histogram(values: np.ndarray, scale: tuple[float, float]) -> Chart:
    lo, hi = int(np.floor(scale[0])), int(np.ceil(scale[1]))
    stars = np.arange(lo, hi + 1)
    counts = np.bincount(np.clip(np.rint(values).astype(int) - lo, 0, len(stars) - 1),
                         minlength=len(stars))
    fig, ax = _figure(5.0, 3.0)
    bars = ax.bar(stars, counts, color=OURS)
    ax.bar_label(bars, labels=[f"{c:,}" for c in counts], fontsize=8)
    ax.set(xlabel="rating (stars)", ylabel="ratings", xticks=stars)
    _style(ax)
    mean = float(values.mean()) if len(values) else 0.0
    return Chart("ratings", "How films are rated",
                 f"{len(values):,} ratings; mean {mean:.2f}, most common "
                 f"{stars[int(np.argmax(counts))]} stars.", _svg(fig))


def long_tail(counts: np.ndarray, who: str, key: str) -> Chart:
    """Ratings per user or per film, most active first, on a log scale."""
    ordered = np.sort(counts)[::-1]
    fig, ax = _figure(5.0, 3.0)
    # the curve only bends where the count changes: draw those points, not every one
    # (a few hundred vertices instead of 1,682 keeps the SVG small)
    ends = np.flatnonzero(np.diff(ordered)) if len(ordered) else np.array([], dtype=int)
    keep = np.unique(np.concatenate(([0], ends, ends + 1, [max(0, len(ordered) - 1)])))
    keep = keep[keep < len(ordered)]
    rank, height = keep + 1, np.maximum(ordered[keep], 0.8)
    ax.fill_between(rank, height, 0.8, color=OURS, alpha=0.25)
    ax.plot(rank, height, color=OURS)
    ax.set_yscale("log")
    ax.set(xlabel=f"{who}s, most ratings first", ylabel="ratings (log scale)",
           xlim=(1, max(2, len(ordered))))
    median = float(np.median(counts)) if len(counts) else 0.0
    ax.axhline(max(median, 0.8), color=ACCENT, lw=1, ls="--")
    ax.annotate(f"median {median:g}", (len(ordered) * 0.98, max(median, 0.8)), ha="right",
                va="bottom", fontsize=8, color=ACCENT)
    _style(ax)
    top = ordered[: max(1, len(ordered) // 10)].sum() / max(1, ordered.sum())
    return Chart(key, f"Ratings per {who} (long tail)",
                 f"{len(counts):,} {who}s; from {int(ordered[-1]) if len(ordered) else 0} "
                 f"to {int(ordered[0]) if len(ordered) else 0:,} ratings each; the top 10% "
                 f"of {who}s hold {top:.0%} of all ratings.", _svg(fig))


def genre_counts(names: list[str], counts: list[int]) -> Chart:
    order = np.argsort(counts, kind="stable")
    fig, ax = _figure(5.5, max(2.5, 0.22 * len(names) + 0.6))
    bars = ax.barh([names[i] for i in order], [counts[i] for i in order], color=OURS)
    ax.bar_label(bars, labels=[f"{counts[i]:,}" for i in order], fontsize=8, padding=2)
    ax.set(xlabel="films (a film can have several genres)")
    _style(ax)
    top = names[int(order[-1])] if names else "-"
    return Chart("genres", "Films per genre",
                 f"{len(names)} genres; the largest is {top}.", _svg(fig))


def year_counts(years: np.ndarray) -> Chart:
    known = years[years > 0]
    fig, ax = _figure(6.4, 2.8)
    if len(known):
        span = np.arange(known.min(), known.max() + 1)
        ax.bar(span, np.bincount(known - known.min()), width=0.9, color=OURS)
    ax.set(xlabel="release year", ylabel="films")
    _style(ax)
    when = f"released {known.min()}–{known.max()}" if len(known) else "no years known"
    return Chart("years", "Films per release year",
                 f"{len(known):,} films {when}; {len(years) - len(known)} without a year.",
                 _svg(fig))


def metric_bars(metric: str, ours: dict[str, float], peers: dict[str, float],
                lower_is_better: bool, note: str) -> Chart:
    """Our models and the benches' peers on one metric, best at the top; every bar
    carries its value (4 decimals) and an id "METRIC-NAME" in the SVG."""
    rows = [(n, v, False) for n, v in ours.items()] + [(n, v, True) for n, v in peers.items()]
    rows.sort(key=lambda r: r[1], reverse=lower_is_better)    # barh draws bottom-up
    fig, ax = _figure(5.0, max(2.2, 0.3 * len(rows) + 0.8))
    bars = ax.barh([n for n, _, _ in rows], [v for _, v, _ in rows],
                   color=[PEER if peer else OURS for _, _, peer in rows])
    for bar, (name, _, peer) in zip(bars, rows):
        bar.set_gid(f"{metric}-{'peer-' if peer else ''}{name}")
        if peer:
            bar.set_hatch("//")
    ax.bar_label(bars, labels=[f"{v:.4f}" for _, v, _ in rows], fontsize=8, padding=2)
    label = metric.upper() if metric == "rmse" else metric.replace("ndcg", "NDCG")
    ax.set(xlabel=f"{label} ({'lower' if lower_is_better else 'higher'} is better)")
    if rows:
        values = [v for _, v, _ in rows]
        lo = min(values) * 0.9 if lower_is_better else 0.0
        ax.set_xlim(lo, max(values) * 1.12)
    _style(ax)
    return Chart(metric.replace("@", "-at-"), f"{label} per model", note, _svg(fig))
