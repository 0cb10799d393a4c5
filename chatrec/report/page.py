"""Pictures of the data and the models: one self-contained HTML page.

    path = write_report("ml-100k", out_dir, results)    # `chatrec report`
    path = current_report(bundle)                        # GET /report (rebuilt if stale)

The page holds the dataset's rating histogram, ratings per user and per film (long
tail), films per genre and per year, and RMSE and NDCG@10 per model beside the peers
the benches measured (chatrec/report/peers.json). Model numbers come from the latest
`chatrec eval` run ($CHATREC_HOME/eval/DATASET.json, or a file given with --eval);
charts are inline SVG (chatrec/report/charts.py), so the file needs no network and no other
file. Every chart also has its numbers in a table, for screen readers and copying.
"""
from __future__ import annotations

import html
import json
import time
from importlib import resources
from pathlib import Path

import numpy as np

from chatrec.errors import DatasetError
from chatrec.report import charts

LOWER_IS_BETTER = {"rmse": True, "ndcg@10": False}


def peers(dataset: str) -> dict:
    """The benches' peer numbers for a dataset ({} when none were measured on it)."""
    table = json.loads(resources.files("chatrec.report").joinpath("peers.json").read_text())
    return table.get(dataset, {})


def load_results(path: Path) -> dict:
    """An `eval --json` body or a saved results file -> {"models": {...}, ...}."""
    try:
        body = json.loads(Path(path).read_text())
    except OSError as e:
        raise DatasetError(f"cannot read eval results {path}: {e.strerror or e}") from None
    except ValueError as e:
        raise DatasetError(f"eval results {path} are not JSON: {e}") from None
    if not isinstance(body, dict) or not isinstance(body.get("models"), dict):
        raise DatasetError(f"{path} does not look like `chatrec eval --json` output "
                           "(no \"models\" object)")
    return body


def data_charts(catalog, ratings) -> list[charts.Chart]:
    per_user = np.diff(ratings.csr().indptr)
    genres = [g for g in catalog.genre_names]
    counts = [int(catalog.genre_mask(g).sum()) for g in genres]
    return [
        charts.rating_histogram(np.asarray(ratings.values), ratings.scale),
        charts.long_tail(per_user, "user", "per-user"),
        charts.long_tail(ratings.item_counts(), "film", "per-film"),
        charts.genre_counts(genres, counts),
        charts.year_counts(np.asarray(catalog.years, dtype=np.int64)),
    ]


def model_charts(results: dict, dataset: str) -> list[charts.Chart]:
    known = peers(dataset)
    routes = results.get("routes") or {}
    route_of = {model: route for route, model in routes.items()}
    out = []
    for metric, lower in LOWER_IS_BETTER.items():
        ours = {_label(n, route_of): float(m[metric]) for n, m in results["models"].items()
                if isinstance(m, dict) and m.get(metric) is not None}
        theirs = dict(known.get(metric, {}))
        if not ours and not theirs:
            continue
        protocol = ("5-fold cross-validation" if metric == "rmse"
                    else "the per-user time split (last 20% of each user's ratings)")
        note = (f"{dataset}, {protocol}. Blue: chatrec's models (latest chatrec eval). "
                + (f"Grey, hatched: peers from the benches ({known['measured']})."
                   if theirs else "No peers were measured on this dataset."))
        out.append(charts.metric_bars(metric, ours, theirs, lower, note))
    return out


def _label(name: str, route_of: dict) -> str:
    return f"{name} ({route_of[name]} route)" if name in route_of else name


def render(dataset: str, catalog, ratings, results: dict | None,
           chat_link: str | None = None) -> str:
    """The report page; with `chat_link` (served at /report) a link back to the chat."""
    figures = data_charts(catalog, ratings)
    model_part = model_charts(results, dataset) if results else []
    years = np.asarray(catalog.years)
    years = years[years > 0]
    facts = (f"{ratings.n_users:,} users rated {len(catalog):,} films "
             f"{len(ratings):,} times (density {ratings.density:.1%})"
             + (f"; films released {years.min()}–{years.max()}." if len(years) else "."))
    if results is None:
        models_html = ("<p>No evaluation results yet. To add RMSE and NDCG@10 per model, "
                       "run <code>chatrec eval</code> where this server runs (with the same "
                       "<code>CHATREC_HOME</code>; it fits every model five times, so it takes "
                       "minutes), "
                       "then reload this page: it redraws itself from the newest "
                       "results.</p>")
    else:
        runs = results.get("runs") or {}
        when = "; ".join(f"{p} run {str(t)[:16].replace('T', ' ')}"
                         for p, t in sorted(runs.items()))
        since = f": {when}" if when else ""
        models_html = ((f"<p class=note>From <code>chatrec eval</code>{since}."
                        "</p>") + '<div class="grid">' + "".join(_figure(c) for c in model_part)
                       + "</div>" + _metrics_table(results))
    return _PAGE.format(
        title=html.escape(f"chatrec report — {dataset}"), dataset=html.escape(dataset),
        facts=html.escape(facts), data="".join(_figure(c) for c in figures),
        models=models_html, made=time.strftime("%Y-%m-%d %H:%M"),
        nav=f'<nav><a href="{html.escape(chat_link)}">← Back to the chat</a></nav>'
        if chat_link else "")


def _figure(chart: charts.Chart) -> str:
    return (f'<figure id="{chart.key}" aria-labelledby="{chart.key}-title">'
            f'<h3 id="{chart.key}-title">{html.escape(chart.title)}</h3>{chart.svg}'
            f"<figcaption>{html.escape(chart.caption)}</figcaption></figure>")


def _metrics_table(results: dict) -> str:
    cols = ("rmse", "mae", "ndcg@10", "precision@10", "recall@10", "hit_rate@10", "coverage")
    head = "".join(f"<th scope=col>{c}</th>" for c in cols)
    rows = []
    for name, m in results["models"].items():
        cells = "".join(f"<td>{'–' if m.get(c) is None else f'{m[c]:.4f}'}</td>" for c in cols)
        rows.append(f"<tr><th scope=row>{html.escape(name)}</th>{cells}</tr>")
    return (f"<table><caption>Every metric of the latest evaluation (– = does not apply)"
            f"</caption><thead><tr><th scope=col>model</th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def write_report(dataset: str, out_dir: Path, results: dict | None) -> Path:
    """Render the report for `dataset` into out_dir/DATASET.html; returns the path."""
    from chatrec.data import datasets

    catalog, ratings = datasets.load(dataset)
    path = out_dir / f"{dataset}.html"
    _write(path, render(dataset, catalog, ratings, results))
    return path


def current_report(bundle, chat_link: str | None = None) -> Path:
    """For GET /report: the report file of the served dataset, (re)built from the
    bundle's data when missing or older than the latest eval results."""
    from chatrec.data.home import eval_results, reports_dir
    from chatrec.report.charts import require_matplotlib

    path = reports_dir() / f"{bundle.dataset}.html"
    saved = eval_results(bundle.dataset)
    fresh = path.is_file() and (not saved.is_file()
                                or path.stat().st_mtime >= saved.stat().st_mtime)
    if fresh and chat_link:   # one written before pages linked back is rebuilt once
        fresh = f'<nav><a href="{html.escape(chat_link)}">' in path.read_text()
    if not fresh:
        require_matplotlib()
        results = load_results(saved) if saved.is_file() else None
        _write(path, render(bundle.dataset, bundle.catalog, bundle.ratings, results,
                            chat_link))
    return path


def _write(path: Path, page: str) -> None:
    from chatrec.data.home import write_text_atomic
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, page)


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
 body {{ margin:0 auto; max-width:60rem; padding:1rem; color:#1d1d1f; background:#fff;
        font:16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }}
 h1 {{ font-size:1.4rem; margin:.2rem 0; }} h2 {{ font-size:1.15rem; margin-top:2rem; }}
 h3 {{ font-size:1rem; margin:0 0 .3rem; }}
 .grid {{ display:grid; grid-template-columns:repeat(auto-fit, minmax(min(100%, 26rem), 1fr));
         gap:1.2rem; }}
 figure {{ margin:0; }} figure svg {{ width:100%; height:auto; }}
 figcaption, .note {{ color:#5f6368; font-size:.9rem; }}
 table {{ border-collapse:collapse; font-size:.85rem; margin-top:1rem; display:block;
         overflow-x:auto; }}
 th, td {{ padding:.25rem .5rem; border-bottom:1px solid #d9d9de; text-align:right; }}
 th[scope=row] {{ text-align:left; }} caption {{ text-align:left; color:#5f6368; }}
</style></head>
<body><header>{nav}<h1>chatrec report: {dataset}</h1><p>{facts}</p></header>
<main><h2>The data</h2><div class="grid">{data}</div>
<h2>The models</h2>{models}</main>
<footer class="note"><p>Made {made} by <code>chatrec report</code>.</p></footer>
</body></html>
"""
