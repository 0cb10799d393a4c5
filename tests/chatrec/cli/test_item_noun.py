"""A books catalog registered with `chatrec data add` (ISBN ids, ';'-separated CSV,
1-10 ratings) is answered about in books, not films (issue 19); without --noun a CSV
pair's items are "items", and MovieLens stays "films"."""
from __future__ import annotations

import random

import pytest

from chatrec.cli.main import main

GENRES = ["Fantasy", "Science Fiction", "Mystery", "Romance"]


def write_books(folder):
    """40 books, 60 readers, ratings 1-10 with readers keeping to two genres."""
    rng = random.Random(7)
    items = ["ISBN;Book-Title;Year;Genres"]
    for b in range(40):
        isbn = f"0{345339700 + b:09d}X"
        items.append(f"{isbn};Book number {b};{1960 + b};{GENRES[b % 4]}|{GENRES[(b + 1) % 4]}")
    ratings = ["User-ID;ISBN;Book-Rating"]
    for u in range(60):
        liked = {u % 4, (u + 1) % 4}
        for b in rng.sample(range(40), 15):
            stars = rng.randint(7, 10) if b % 4 in liked else rng.randint(1, 4)
            ratings.append(f"{1000 + u};0{345339700 + b:09d}X;{stars}")
    (folder / "BX-Books.csv").write_text("\n".join(items) + "\n")
    (folder / "BX-Book-Ratings.csv").write_text("\n".join(ratings) + "\n")


@pytest.fixture
def books_home(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATREC_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CHATREC_DATASET", raising=False)
    write_books(tmp_path)
    return tmp_path


def add(folder, capsys, *extra) -> None:
    assert main(["data", "add", "books", "--ratings", str(folder / "BX-Book-Ratings.csv"),
                 "--items", str(folder / "BX-Books.csv"), "--sep", ";", "--scale", "1,10",
                 "--columns", "user=User-ID,item=ISBN,rating=Book-Rating,title=Book-Title,"
                 "year=Year,genres=Genres", *extra]) == 0
    capsys.readouterr()


def ask(capsys, message: str) -> str:
    assert main(["ask", message, "--dataset", "books", "--session", "s1"]) == 0
    return capsys.readouterr().out


def test_a_books_catalog_says_books(books_home, capsys):
    add(books_home, capsys, "--noun", "books")
    reply = ask(capsys, "top 3 fantasy")
    assert reply.startswith("Top-rated Fantasy books"), reply
    assert "film" not in reply.lower()
    assert "I recommend books" in ask(capsys, "help")
    unknown = ask(capsys, "tell me about Inception")
    # (its example requests keep the parser's own words: 'movies like ...')
    assert "(books: 40 books released 1960-1999)" in unknown, unknown


def test_without_a_noun_a_csv_catalog_says_items(books_home, capsys):
    add(books_home, capsys)
    reply = ask(capsys, "top 3 fantasy")
    assert reply.startswith("Top-rated Fantasy items"), reply


def test_a_bad_noun_is_a_usage_error(books_home, capsys):
    code = main(["data", "add", "books", "--ratings", str(books_home / "BX-Book-Ratings.csv"),
                 "--items", str(books_home / "BX-Books.csv"), "--noun", "42!"])
    assert code == 2 and "bad --noun '42!'" in capsys.readouterr().err
