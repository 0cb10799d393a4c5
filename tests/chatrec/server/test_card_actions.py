"""The web page's card actions (chatrec/server/static/index.html, #card-actions) name a film
by its title and year. Every such turn must reach the right intent and the very film,
for every film of ML-100K, or a tap would act on another film than the one shown."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from chatrec.parsers import build_parser, title_catalog
from models.data import natural_title

PAGE = Path(__file__).resolve().parents[3] / "chatrec" / "server" / "static" / "index.html"
INTENTS = {"loved": "rate", "seen": "seen", "dislike": "rate", "similar": "similar",
           "why": "why", "details": "info"}
# Titles the rule parser still reads wrongly in some card turn (told to the intents
# owner; the test fails when one is fixed, so the list only shrinks).
KNOWN_PARSER_GAPS: set = set()   # every card phrasing reaches its film


def templates() -> dict[str, str]:
    block = PAGE.read_text().split('<script type="application/json" id="card-actions">')[1]
    cards = json.loads(block.split("</script>")[0])
    return {a["key"]: a["text"] for a in cards["actions"]} | {"details": cards["details"]}


def test_the_page_defines_the_five_actions_and_details():
    assert list(templates()) == ["loved", "seen", "dislike", "similar", "why", "details"]


@pytest.mark.movielens
def test_every_card_turn_reaches_its_film(ml100k):
    catalog, ratings = ml100k
    parser = build_parser("regex", title_catalog(catalog, ratings))
    names = Counter((str(t), int(y)) for t, y in zip(catalog.titles, catalog.years))
    wrong = set()
    checked = 0
    for i, item_id in enumerate(catalog.item_ids.tolist()):
        title, year = str(catalog.titles[i]), int(catalog.years[i])
        if names[(title, year)] > 1 or title == "unkonwn":
            continue   # same title and year twice in the data, or its placeholder title
        spoken = natural_title(title) + (f" ({year})" if year else "")
        for key, template in templates().items():
            query = parser.parse(template.replace("{title}", spoken))
            checked += 1
            if query.intent.value != INTENTS[key] or list(query.item_ids) != [item_id]:
                wrong.add((key, spoken))
    assert checked > 9000
    assert wrong == KNOWN_PARSER_GAPS
