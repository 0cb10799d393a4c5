"""Positions in the last list (intents/lexicon/refs.py): an ordinal before a word for a
time or a part of something counts that, not a film of the list."""
from __future__ import annotations

import pytest

from intents.lexicon.refs import ref_at
from intents.lexicon.text import clean, tokens
from intents.query import ALL, LAST, THEM


def words(text: str) -> list[str]:
    return [t.word for t in tokens(clean(text))]


def refs_in(text: str) -> list[int]:
    w = words(text)
    return [r[0] for i in range(len(w)) if (r := ref_at(w, i, pronouns=False))]


@pytest.mark.parametrize("text", [
    "the first time we watched it", "I saw it last night", "we went last weekend",
    "the second half dragged", "the 2nd time round", "the last episode was better",
    "the first hour is slow", "last year it won everything", "the third season",
])
def test_an_ordinal_before_a_time_is_no_position(text):
    assert refs_in(text) == []


@pytest.mark.parametrize("text,ref", [
    ("I loved the first one", 1), ("the second film was boring", 2),
    ("seen the 3rd one", 3), ("the last one, please", LAST), ("number 4 looks fun", 4),
    ("the fifth pick", 5),
])
def test_positions_still_read(text, ref):
    assert set(refs_in(text)) == {ref}     # (read from "the" and from the ordinal alike)


@pytest.mark.parametrize("said,at", [
    (["i", "liked", "both", "qqtitle0qq", "and", "qqtitle1qq"], 2),
    (["seen", "all", "qqtitle0qq", "films"], 1),
    (["we", "love", "both", "qqtitle0qq", "and", "qqtitle1qq", "too"], 2),
])
def test_both_or_all_before_a_title_is_no_reference(said, at):
    # a determiner of the films named next ("both Heat and Fargo"), not the last list
    assert ref_at(said, at) is None


@pytest.mark.parametrize("said,at,ref", [
    (["i", "have", "seen", "both"], 3, THEM), (["loved", "them", "both"], 1, THEM),
    (["all", "of", "them"], 0, ALL), (["both", "were", "great"], 0, THEM),
    (["love", "both", "qqtitle0qq", "is", "my", "favourite"], 1, THEM),   # "Love both. X is"
])
def test_both_and_all_alone_still_point_back(said, at, ref):
    assert ref_at(said, at)[0] == ref
