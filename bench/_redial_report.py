"""The readable tables of bench/bench_redial.py (its --json prints the same numbers)."""
from __future__ import annotations

ROWS = (  # key, label, kind: % share, n count, s text
    ("conversations", "conversations", "n"),
    ("messages", "seeker messages", "n"),
    ("mention_recall", "catalog films heard (recall)", "%"),
    ("catalog_mentions", "  catalog film mentions", "n"),
    ("mention_precision", "links right (precision)", "%"),
    ("mention_precision_catalog_messages", "  precision on messages naming a catalog film", "%"),
    ("false_links", "  false links", "n"),
    ("false_links_same_title_other_year", "  of which same title, other year", "n"),
    ("false_links_maybe_unmarked_film", "  of which a ReDial title written unmarked (maybe right)",
     "n"),
    ("neutral_links", "  links to a yearless title's film (neutral)", "n"),
    ("false_link_outside_only", "false link, msg names only outside films", "%"),
    ("messages_outside_only", "  such messages", "n"),
    ("false_link_no_film", "false link, msg names no film", "%"),
    ("messages_no_film", "  such messages", "n"),
    ("fallback_parsed", "fallback (query: unknown / non-film unknown_title)", "%"),
    ("fallback_parsed_unknown_intent", "  intent unknown", "%"),
    ("fallback_parsed_unknown_title", "  unknown_title not a film of the message", "%"),
    ("unknown_title_unmarked_film", "unknown_title = a ReDial film left unmarked (not counted)",
     "n"),
    ("did_you_mean_parsed", "'did you mean' with nothing linked (info)", "%"),
    ("messages_refused", "messages /chat refused (4xx; see the dump)", "n"),
    ("fallback_reply", "fallback (reply: didn't get / don't know non-film)", "%"),
    ("fallback_reply_didnt_get", "  'Sorry, I didn't get that'", "%"),
    ("fallback_reply_dont_know", "  'I don't know X', X not a film", "%"),
    ("opinions_stated", "stated opinions (catalog film, cue + label)", "n"),
    ("opinions_contradicted_left_out", "  cue against the label (left out)", "n"),
    ("opinions_parsed_right", "opinions parsed, right direction", "%"),
    ("opinions_stored_right", "opinions stored after the message, right direction", "%"),
    ("wrong_writes_parsed", "writes for a film not named (query links)", "n"),
    ("wrong_stores", "stored rating/seen for a film never named", "n"),
    ("wrong_stores_by_link", "  of which by a title link", "n"),
    ("wrong_stores_maybe_unmarked_film", "    of which a ReDial title written unmarked (maybe right)",
     "n"),
    ("probes", "recommendation probes", "n"),
    ("suggested_pairs", "  suggested catalog films (not named by the seeker)", "n"),
    ("probe_not_recommend_50", "  probes not parsed as recommend k=50", "n"),
    ("probes_short_of_50", "  probes listing fewer than 50", "n"),
    ("suggested_recall@10_chatrec", "Recall@10 chatrec", "%"),
    ("suggested_recall@10_popular", "Recall@10 most-watched", "%"),
    ("suggested_recall@50_chatrec", "Recall@50 chatrec", "%"),
    ("suggested_recall@50_popular", "Recall@50 most-watched", "%"),
    ("suggested_liked_pairs", "  suggested and liked by the seeker", "n"),
    ("suggested_liked_recall@50_chatrec", "Recall@50 chatrec (liked only)", "%"),
    ("suggested_liked_recall@50_popular", "Recall@50 most-watched (liked only)", "%"),
    ("probes_cold", "probes from a session with no rating stored", "n"),
    ("cold_recall@50_chatrec", "  their Recall@50 chatrec", "%"),
    ("cold_recall@50_popular", "  their Recall@50 most-watched", "%"),
    ("parse_ms_p50", "parse ms p50 (in-process)", "s"),
    ("parse_ms_p99", "parse ms p99", "s"),
    ("parse_ms_max", "parse ms max", "s"),
    ("cli_agrees", "`chatrec parse` agrees with in-process", "s"),
)


def _cell(value, kind: str) -> str:
    if value is None:
        return "-"
    if kind == "%":
        return f"{100 * value:.1f}%"
    return str(value)


def table(out: dict) -> str:
    splits = list(out["splits"])
    link = out["linking"]
    lines = [f"ReDial dev, mode {out['mode']}, parser {out['parser']}"
             + (f", probe {out['probe']!r}" if out.get("probe") else ""), "",
             "Films linked to the catalog (distinct ReDial names): "
             + ", ".join(f"{k} {v}" for k, v in link.items()), "Sample:"]
    lines += [f"  {s}" for s in out["sample"]]
    width = max(len(label) for _, label, _ in ROWS)
    lines += ["", f"{'':{width}}  " + "  ".join(f"{s:>8}" for s in splits)]
    for key, label, kind in ROWS:
        values = [out["splits"][s].get(key) for s in splits]
        if all(v is None for v in values):
            continue
        lines.append(f"{label:{width}}  " + "  ".join(f"{_cell(v, kind):>8}" for v in values))
    for s in splits:
        for t in out["splits"][s].get("cli_differs_on") or ():
            lines.append(f"  {s}: CLI differs on {t!r}")
    lines += ["", f"{out['seconds']} s, load average {out['load_average']}"]
    return "\n".join(lines)
