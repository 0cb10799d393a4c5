"""Loaders: one tiny fixture per format with known answers, plus the real ML-100K quirks."""
from __future__ import annotations

import numpy as np
import pytest

from models.data.csv_pair import CsvColumns, load_csv_pair
from models.data.loaders import (
    detect_layout,
    load_directory,
    load_movielens_1m,
    load_movielens_100k,
    load_movielens_latest,
    load_recbole,
)
from models.data.tables import LoadReport


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def titles(catalog):
    return [str(t) for t in catalog.titles]


# ------------------------------------------------------------------------ RecBole
@pytest.fixture
def recbole_dir(tmp_path):
    write(tmp_path / "tiny.inter",
          "user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
          "7\t1\t5\t100\n7\t2\t3\t101\n3\t3\t4\t102\n3\t1\t2\t103\n")
    write(tmp_path / "tiny.item",
          "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n"
          "1\tGodfather, The\t1972\tAction Crime Drama\n"
          "2\tunkonwn\tunkonwn\tunknown\n"
          "3\tLand Before Time III (1995)\tV\tAnimation Children's Film-Noir Sci-Fi\n"
          "4\tGodfather, The\t1990\tDrama\n")
    write(tmp_path / "tiny.kg",
          "head_id:token\trelation_id:token\ttail_id:token\n"
          "m.g1\tfilm.film.actor\tm.pacino\n"
          "m.g1\tfilm.film.directed_by\tm.coppola\n"
          "m.coppola\tfilm.director.film\tm.g1\n"          # inverse edge: same token
          "m.g1\tfilm.film.sequel\tm.g2\n"
          "m.g2\tfilm.film.prequel\tm.g1\n"
          "m.g2\tfilm.film.actor\tm.pacino\n"
          "m.g1\tfilm.film.language\tm.english\n"          # skipped relation
          "m.writer\tfilm.writer.film\tm.g2\n"
          "m.g9\tfilm.film.actor\tm.nobody\n")             # film not in the catalog
    write(tmp_path / "tiny.link", "item_id:token\tentity_id:token\n1\tm.g1\n4\tm.g2\n")
    return tmp_path


def test_recbole_catalog(recbole_dir):
    report = LoadReport()
    catalog, ratings = load_recbole(recbole_dir, report=report)
    assert catalog.name == "tiny" and report.layout == "recbole"
    assert catalog.item_ids.tolist() == [1, 2, 3, 4]  # file order
    assert titles(catalog) == ["Godfather, The", "unkonwn", "Land Before Time III", "Godfather, The"]
    assert catalog.years.tolist() == [1972, 0, 1995, 1990]  # 'V' -> year from the title
    assert catalog.years.dtype == np.int32
    assert catalog.genres[0] == ("Action", "Crime", "Drama")
    assert catalog.genres[1] == ("unknown",)
    assert catalog.genres[2] == ("Animation", "Children's", "Film-Noir", "Sci-Fi")
    assert "unknown" not in catalog.genre_names


def test_recbole_links_share_film_tokens(recbole_dir):
    catalog, _ = load_recbole(recbole_dir)
    g1, g2 = catalog.links[0], catalog.links[3]
    assert g1 == ("actor:m.pacino", "director:m.coppola", "film:m.g1", "film:m.g2")
    assert g2 == ("actor:m.pacino", "film:m.g1", "film:m.g2", "writer:m.writer")
    assert catalog.links[1] == () and catalog.links[2] == ()


def test_recbole_ratings(recbole_dir):
    catalog, ratings = load_recbole(recbole_dir)
    assert ratings.user_ids.tolist() == [3, 7]  # sorted external ids
    assert ratings.users.tolist() == [1, 1, 0, 0]
    assert ratings.items.tolist() == [0, 1, 2, 0]
    assert ratings.values.tolist() == [5, 3, 4, 2]
    assert ratings.timestamps.tolist() == [100, 101, 102, 103]
    assert (ratings.users.dtype, ratings.items.dtype) == (np.int32, np.int32)
    assert (ratings.values.dtype, ratings.timestamps.dtype) == (np.float32, np.int64)
    assert ratings.n_items == 4 and ratings.scale == (1.0, 5.0)


def test_recbole_without_kg(recbole_dir):
    (recbole_dir / "tiny.kg").unlink()
    catalog, _ = load_recbole(recbole_dir)
    assert catalog.links is None


# --------------------------------------------------------------- GroupLens layouts
def test_movielens_100k(tmp_path):
    genres = ["unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
              "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
              "Romance", "Sci-Fi", "Thriller", "War", "Western"]
    write(tmp_path / "u.genre", "".join(f"{g}|{i}\n" for i, g in enumerate(genres)) + "\n")
    CHILDRENS = "Children's"  # noqa: N806 - no backslash inside f-strings on 3.11
    flags = lambda *on: "|".join("1" if g in on else "0" for g in genres)  # noqa: E731
    write(tmp_path / "u.item",
          f"1|Toy Story (1995)|01-Jan-1995||http://x|{flags('Animation', CHILDRENS, 'Comedy')}\n"
          f"2|Cérémonie, La (1995)|01-Jan-1995||http://y|{flags('Drama')}\n"
          f"3|unknown||||{flags('unknown')}\n"
          f"4|Land Before Time III (1995) (V)|01-Jan-1995||http://z|{flags('Sci-Fi', 'Film-Noir')}\n",
          encoding="latin-1")
    write(tmp_path / "u.data", "10\t1\t5\t881250949\n2\t3\t1\t881250950\n10\t4\t4\t881250951\n")
    catalog, ratings = load_movielens_100k(tmp_path)
    assert titles(catalog) == ["Toy Story", "Cérémonie, La", "unknown",
                               "Land Before Time III (1995) (V)"]
    assert catalog.years.tolist() == [1995, 1995, 0, 1995]  # last one: from the date
    assert catalog.genres[0] == ("Animation", "Children's", "Comedy")
    assert catalog.genres[3] == ("Film-Noir", "Sci-Fi")  # u.genre order
    assert ratings.user_ids.tolist() == [2, 10]  # numeric order, not '10' < '2'
    assert ratings.users.tolist() == [1, 0, 1] and ratings.items.tolist() == [0, 2, 3]


def test_movielens_1m(tmp_path):
    write(tmp_path / "movies.dat",
          "1::Toy Story (1995)::Animation|Children's|Comedy\n"
          "260::Star Wars: Episode IV - A New Hope (1977)::Action|Sci-Fi\n"
          "858::Godfather, The (1972)::Action|Crime|Drama\n", encoding="latin-1")
    write(tmp_path / "ratings.dat", "1::260::5::978300760\n1::858::4::978300761\n6040::1::3::1\n")
    catalog, ratings = load_movielens_1m(tmp_path)
    assert titles(catalog) == ["Toy Story", "Star Wars: Episode IV - A New Hope", "Godfather, The"]
    assert catalog.years.tolist() == [1995, 1977, 1972]
    assert catalog.genres[1] == ("Action", "Sci-Fi")
    assert ratings.items.tolist() == [1, 2, 0] and ratings.user_ids.tolist() == [1, 6040]


def test_movielens_latest(tmp_path):
    write(tmp_path / "movies.csv",
          'movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n'
          '858,"Godfather, The (1972)",Crime|Drama\n'
          '99,Some Series (2006\u20132007),(no genres listed)\n200,No Year At All,Drama\n')
    write(tmp_path / "ratings.csv",
          "userId,movieId,rating,timestamp\n1,858,4.5,1\n1,1,0.5,2\n2,200,3.0,3\n")
    catalog, ratings = load_movielens_latest(tmp_path)
    assert titles(catalog) == ["Toy Story", "Godfather, The", "Some Series", "No Year At All"]
    assert catalog.years.tolist() == [1995, 1972, 2006, 0]
    assert catalog.genres[2] == ()
    assert ratings.values.tolist() == [4.5, 0.5, 3.0] and ratings.scale == (0.5, 5.0)


def test_generic_books_csv(tmp_path):
    write(tmp_path / "books.csv",
          '"ISBN";"Book-Title";"Year-Of-Publication"\n'
          '"0195153448";"Classical Mythology";"2002"\n'
          '"034545104X";"Flesh Tones: A Novel";"0"\n'
          '"0002005018";"Clara Callan";"2001"\n', encoding="latin-1")
    write(tmp_path / "ratings.csv",
          '"User-ID";"ISBN";"Book-Rating"\n"276725";"034545104X";"0"\n'
          '"276726";"0195153448";"10"\n"276725";"0002005018";"8"\n"9";"9999999999";"5"\n',
          encoding="latin-1")
    cols = CsvColumns(user="User-ID", item="ISBN", rating="Book-Rating", title="Book-Title",
                      year="Year-Of-Publication")
    report = LoadReport()
    catalog, ratings = load_csv_pair(tmp_path / "ratings.csv", tmp_path / "books.csv", cols,
                                     sep=";", encoding="latin-1", scale=(0, 10), name="books",
                                     report=report)
    assert catalog.item_ids.tolist() == ["0195153448", "034545104X", "0002005018"]
    assert catalog.index_of("0002005018") == 2  # leading zeros kept
    assert catalog.years.tolist() == [2002, 0, 2001]
    assert ratings.user_ids.tolist() == [276725, 276726]
    assert ratings.values.tolist() == [0, 10, 8] and ratings.scale == (0, 10)
    assert report.unknown_items_dropped == 1  # the rating of ISBN 9999999999


def test_generic_csv_defaults_and_inferred_scale(tmp_path):
    write(tmp_path / "items.csv", "item_id,title,genres\nA,Alpha (1999),X|Y\nB,Beta,\n")
    write(tmp_path / "r.csv", "user_id,item_id,rating\nu2,A,2\nu1,B,7\n")
    report = LoadReport()
    catalog, ratings = load_csv_pair(tmp_path / "r.csv", tmp_path / "items.csv", report=report)
    assert titles(catalog) == ["Alpha", "Beta"] and catalog.years.tolist() == [1999, 0]
    assert catalog.genres == (("X", "Y"), ())
    assert ratings.user_ids.tolist() == ["u1", "u2"] and ratings.scale == (2.0, 7.0)
    assert np.all(ratings.timestamps == 0)
    assert any("scale not given" in n for n in report.notes)


def test_column_spec():
    c = CsvColumns.from_spec("user=User-ID, item=ISBN,rating=Book-Rating")
    assert (c.user, c.item, c.rating, c.title) == ("User-ID", "ISBN", "Book-Rating", "title")


def test_detect_layout(tmp_path, recbole_dir):
    assert detect_layout(recbole_dir) == "recbole"
    write(tmp_path / "u.data", "")
    write(tmp_path / "u.item", "")
    other = tmp_path / "ml1m"
    other.mkdir()
    write(other / "ratings.dat", "1::1::5::1\n")
    write(other / "movies.dat", "1::Toy Story (1995)::Comedy\n")
    assert detect_layout(other) == "movielens-1m"
    assert len(load_directory(other)[1]) == 1


# ------------------------------------------------------------- the real ML-100K
@pytest.mark.movielens
def test_ml100k_counts_and_dtypes(ml100k):
    catalog, ratings = ml100k
    assert (len(catalog), ratings.n_users, len(ratings)) == (1682, 943, 100_000)
    assert catalog.item_ids.tolist() == list(range(1, 1683))
    assert ratings.user_ids.tolist() == list(range(1, 944))
    assert ratings.values.min() == 1 and ratings.values.max() == 5


@pytest.mark.movielens
def test_ml100k_quirks(ml100k):
    catalog, _ = ml100k
    i = catalog.index_of(267)
    assert (catalog.titles[i], catalog.years[i], catalog.genres[i]) == ("unkonwn", 0, ("unknown",))
    i = catalog.index_of(1412)
    assert catalog.titles[i] == "Land Before Time III: The Time of the Great Giving"
    assert catalog.years[i] == 1995
    cape_fear = [int(catalog.years[j]) for j in range(len(catalog)) if catalog.titles[j] == "Cape Fear"]
    assert sorted(cape_fear) == [1962, 1991]  # repeated titles are distinct films, both kept
    _, counts = np.unique(catalog.titles.astype(str), return_counts=True)
    assert (counts > 1).sum() == 22 and counts[counts > 1].sum() == 45
    assert catalog.titles[catalog.index_of(127)] == "Godfather, The"
    assert {"Children's", "Film-Noir", "Sci-Fi"} <= set(catalog.genre_names)
    assert len(catalog.genre_names) == 18


@pytest.mark.movielens
def test_ml100k_never_gets_another_films_cast(ml100k):
    """RecBole's ml-100k.link is keyed by MovieLens movieIds, not ML-100K ids; applied
    as-is, Star Wars (ML-100K 50) would get the cast of The Usual Suspects (movieId 50)."""
    catalog, _ = ml100k
    links = catalog.links or ((),) * len(catalog)  # None: links skipped, nothing wrong
    star_wars = set(links[catalog.index_of(50)])
    empire = set(links[catalog.index_of(172)])
    shared = {t for t in star_wars & empire if t.startswith(("actor:", "film:"))}
    assert catalog.links is None or shared


@pytest.mark.movielens
def test_real_kg_links_by_movielens_id(ml100k_dir):
    """The KG itself, keyed the way its link file is (MovieLens movieIds 1..1682)."""
    from models.data.kg import read_links

    keys = np.arange(1, 1683)
    links = read_links(ml100k_dir / "ml-100k.kg", ml100k_dir / "ml-100k.link", keys)
    assert sum(1 for x in links if x) == 1598
    star_wars, empire, jedi = (set(links[k - 1]) for k in (260, 1196, 1210))
    assert "film:m.0dtfn" in star_wars  # the film's own entity
    assert "film:m.0f3m1" in star_wars and "film:m.0dtfn" in empire  # sequel, both ways
    assert len({t for t in star_wars & empire if t.startswith("actor:")}) >= 5
    assert {t for t in empire & jedi if t.startswith("film:")}
    kinds = {t.split(":", 1)[0] for x in links for t in x}
    assert kinds == {"actor", "director", "writer", "producer", "cinematographer", "company",
                     "subject", "kggenre", "film"}
