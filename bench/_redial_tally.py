"""Adding up bench/bench_redial.py's per-message records and probes, per split."""
from __future__ import annotations

from collections import Counter

KS = (10, 50)


def share(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


class Tally:
    """Counts for one split; `summary()` turns them into the reported metrics."""

    def __init__(self) -> None:
        self.c: Counter = Counter()

    def add(self, rec: dict) -> None:
        c, f = self.c, rec["flags"]
        c["messages"] += 1
        c["catalog_mentions"] += len(f["heard"]) + len(f["missed"])
        c["heard"] += len(f["heard"])
        c["false_links"] += len(f["false_link"])
        c["false_links_remake"] += len(f["false_link_remake"])
        c["false_links_unmarked"] += len(f["false_link_unmarked"])
        c["neutral_links"] += len(f["neutral_link"])
        c[f"msgs_{f['kind']}"] += 1
        c[f"msgs_{f['kind']}_false"] += bool(f["false_link"])
        c["fallback"] += f["fallback"] is not None
        if f["fallback"] is not None:
            c["fallback_unknown_intent" if f["fallback"] == "unknown intent"
              else "fallback_unknown_title"] += 1
        c["did_you_mean"] += f["did_you_mean"]
        c["unmarked_film"] += f["unmarked_film"]
        if f["kind"] == "catalog":
            c["catalog_msg_right"] += len(f["heard"])
            c["catalog_msg_false"] += len(f["false_link"])
        c["opinions"] += len(f["opinions"])
        c["opinions_contradicted"] += f["opinion_contradicted"]
        c["opinions_parsed_ok"] += sum(f["opinion_said"][i] == d
                                       for i, d in f["opinions"].items())
        c["wrong_writes_parsed"] += len(f["wrong_write"])
        if "reply" in rec:
            rf = f["reply_fallback"]
            c["reply_fallback"] += rf is not None
            if rf is not None:
                c["reply_didnt_get" if rf == "didn't get that" else "reply_dont_know"] += 1
            c["opinions_stored_ok"] += sum(f["opinion_stored"][i] == d
                                           for i, d in f["opinions"].items())
            c["wrong_stores"] += len(f["wrong_store"])
            c["wrong_stores_by_link"] += len(f["wrong_store_by_link"])
            c["wrong_stores_unmarked"] += len(f.get("wrong_store_unmarked", ()))
            c["replies"] += 1
            c["refused"] += bool(f.get("refused"))

    def add_probe(self, gold, liked, chatrec: list, popular: list, cold: bool = False) -> None:
        """cold: the session had stored no rating yet when the probe was sent."""
        c = self.c
        c["probes"] += 1
        if cold:
            c["cold_probes"] += 1
            c["cold_pairs"] += len(gold)
            c["cold_chatrec@50"] += len(set(gold) & set(chatrec[:50]))
            c["cold_popular@50"] += len(set(gold) & set(popular[:50]))
        for name, films in (("gold", gold), ("liked", liked)):
            c[f"{name}_pairs"] += len(films)
            for k in KS:
                c[f"{name}_chatrec@{k}"] += len(set(films) & set(chatrec[:k]))
                c[f"{name}_popular@{k}"] += len(set(films) & set(popular[:k]))
        c["probe_short"] += len(chatrec) < max(KS)      # fewer films than asked for

    def summary(self) -> dict:
        c = self.c
        out = {
            "messages": c["messages"],
            "mention_recall": share(c["heard"], c["catalog_mentions"]),
            "catalog_mentions": c["catalog_mentions"],
            "mention_precision": share(c["heard"], c["heard"] + c["false_links"]),
            "mention_precision_catalog_messages": share(
                c["catalog_msg_right"], c["catalog_msg_right"] + c["catalog_msg_false"]),
            "false_links": c["false_links"],
            "false_links_same_title_other_year": c["false_links_remake"],
            "false_links_maybe_unmarked_film": c["false_links_unmarked"],
            "neutral_links": c["neutral_links"],
            "false_link_outside_only": share(c["msgs_outside_false"], c["msgs_outside"]),
            "messages_outside_only": c["msgs_outside"],
            "false_link_no_film": share(c["msgs_none_false"], c["msgs_none"]),
            "messages_no_film": c["msgs_none"],
            "messages_uncertain_only": c["msgs_uncertain"],
            "fallback_parsed": share(c["fallback"], c["messages"]),
            "fallback_parsed_unknown_intent": share(c["fallback_unknown_intent"], c["messages"]),
            "fallback_parsed_unknown_title": share(c["fallback_unknown_title"], c["messages"]),
            "did_you_mean_parsed": share(c["did_you_mean"], c["messages"]),
            "unknown_title_unmarked_film": c["unmarked_film"],
            "opinions_stated": c["opinions"],
            "opinions_contradicted_left_out": c["opinions_contradicted"],
            "opinions_parsed_right": share(c["opinions_parsed_ok"], c["opinions"]),
            "wrong_writes_parsed": c["wrong_writes_parsed"],
        }
        if c["replies"]:
            out |= {
                "messages_refused": c["refused"],
                "fallback_reply": share(c["reply_fallback"], c["replies"]),
                "fallback_reply_didnt_get": share(c["reply_didnt_get"], c["replies"]),
                "fallback_reply_dont_know": share(c["reply_dont_know"], c["replies"]),
                "opinions_stored_right": share(c["opinions_stored_ok"], c["opinions"]),
                "wrong_stores": c["wrong_stores"],
                "wrong_stores_by_link": c["wrong_stores_by_link"],
                "wrong_stores_maybe_unmarked_film": c["wrong_stores_unmarked"],
            }
        if c["probes"]:
            out |= {"probes": c["probes"], "suggested_pairs": c["gold_pairs"],
                    "suggested_liked_pairs": c["liked_pairs"],
                    "probes_short_of_50": c["probe_short"], "probes_cold": c["cold_probes"],
                    "cold_recall@50_chatrec": share(c["cold_chatrec@50"], c["cold_pairs"]),
                    "cold_recall@50_popular": share(c["cold_popular@50"], c["cold_pairs"])}
            for name in ("gold", "liked"):
                label = "suggested" if name == "gold" else "suggested_liked"
                for k in KS:
                    for who in ("chatrec", "popular"):
                        out[f"{label}_recall@{k}_{who}"] = share(c[f"{name}_{who}@{k}"],
                                                                c[f"{name}_pairs"])
        return out
