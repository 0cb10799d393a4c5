"""A Freebase-style knowledge graph (RecBole's `*.kg` + `*.link`) -> `Catalog.links`.

Each item gets a tuple of opaque tokens "kind:entity", e.g. "actor:m.02vxxgs",
"director:m.0bxtg". The film's own entity is a token too ("film:m.0c3wmn"), and
sequel/prequel edges are emitted as "film:<other film's entity>", so a film and its
sequel share a token both ways: "movies like Star Wars" can find Empire Strikes Back
through links alone.

Only relations that describe what a film *is* are kept (cast, crew, companies,
subjects, Freebase's finer genres, sequels). Language, country, MPAA rating and award
edges are skipped on purpose: they are shared by hundreds of unrelated films ("English",
"USA", "R") and would make everything look alike. Freebase stores most relations in
both directions (film.film.actor and film.actor.film); both are read and deduplicated.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from models.data.csv_checks import read_table
from models.errors import DataError

# relation -> (token kind, which column holds the film: "h" head or "t" tail)
RELATIONS: dict[str, tuple[str, str]] = {
    "film.film.actor": ("actor", "h"),
    "film.actor.film": ("actor", "t"),
    "film.film.directed_by": ("director", "h"),
    "film.director.film": ("director", "t"),
    "film.film.written_by": ("writer", "h"),
    "film.writer.film": ("writer", "t"),
    "film.film.produced_by": ("producer", "h"),
    "film.producer.film": ("producer", "t"),
    "film.film.cinematography": ("cinematographer", "h"),
    "film.cinematographer.film": ("cinematographer", "t"),
    "film.film.production_companies": ("company", "h"),
    "film.production_company.films": ("company", "t"),
    "film.film.subjects": ("subject", "h"),
    "film.film_subject.films": ("subject", "t"),
    "film.film.genre": ("kggenre", "h"),
    "film.film_genre.films_in_this_genre": ("kggenre", "t"),
    # Sequels link two films: tokens go both ways, as the other film's own token.
    "film.film.sequel": ("film", "both"),
    "film.film.prequel": ("film", "both"),
}


def read_links(
    kg_path: Path, link_path: Path, item_ids: np.ndarray
) -> tuple[tuple[str, ...], ...]:
    """Tokens per catalog item (in the order of `item_ids`); () for unlinked items.

    Vectorised with pandas merges: ~90k KG rows load in a few tens of milliseconds.
    """
    kg = read_table(kg_path, sep="\t")
    if kg.shape[1] < 3:
        raise DataError(f"{kg_path}: expected 3 columns (head, relation, tail), found {kg.shape[1]}")
    kg = kg.iloc[:, :3]
    kg.columns = ["h", "r", "t"]
    link = read_table(link_path, sep="\t")
    if link.shape[1] < 2:
        raise DataError(f"{link_path}: expected 2 columns (item_id, entity_id), found {link.shape[1]}")
    link = link.iloc[:, :2]
    link.columns = ["item", "entity"]

    # entity -> catalog index (items unknown to the catalog are ignored)
    # key -> catalog index; keys need not be unique (a crosswalk may map several items
    # to "0" = unknown): the first one wins and "0" never matches a real link row.
    keys = pd.Series(np.arange(len(item_ids)), index=pd.Series(item_ids).astype(str).str.strip())
    keys = keys[~keys.index.duplicated()]
    link["idx"] = link["item"].str.strip().map(keys)
    link = link.dropna(subset=["idx"])
    entity_to_idx = pd.Series(link["idx"].to_numpy(), index=link["entity"].to_numpy())
    entity_to_idx = entity_to_idx[~entity_to_idx.index.duplicated()]

    rel = pd.DataFrame.from_dict(RELATIONS, orient="index", columns=["kind", "side"])
    kg = kg.merge(rel, left_on="r", right_index=True, how="inner")
    # One edge per (film, other) orientation; "both" edges contribute both ways.
    forward = kg[kg["side"].isin(["h", "both"])]
    backward = kg[kg["side"].isin(["t", "both"])]
    edges = pd.concat([
        pd.DataFrame({"film": forward["h"].to_numpy(), "kind": forward["kind"].to_numpy(),
                      "other": forward["t"].to_numpy()}),
        pd.DataFrame({"film": backward["t"].to_numpy(), "kind": backward["kind"].to_numpy(),
                      "other": backward["h"].to_numpy()}),
        # the film's own entity, so that sequel edges and their target share a token
        pd.DataFrame({"film": link["entity"].to_numpy(), "kind": "film",
                      "other": link["entity"].to_numpy()}),
    ], ignore_index=True)
    edges["idx"] = edges["film"].map(entity_to_idx.astype(np.int64))
    edges = edges.dropna(subset=["idx"])
    edges["token"] = edges["kind"] + ":" + edges["other"]
    edges = edges[["idx", "token"]].drop_duplicates()
    edges["idx"] = edges["idx"].astype(np.int64)
    edges = edges.sort_values(["idx", "token"], kind="stable")

    # Split the sorted tokens into one tuple per item (a loop over items, not edges).
    idx = edges["idx"].to_numpy()
    tokens = edges["token"].to_numpy(dtype=object)
    bounds = np.searchsorted(idx, np.arange(len(item_ids) + 1))
    return tuple(tuple(tokens[bounds[i]:bounds[i + 1]]) for i in range(len(item_ids)))


def movielens_ids_for_ml100k(item_ids: np.ndarray) -> np.ndarray | None:
    """The MovieLens movieId of each ML-100K item (0 when unknown), or None when no
    crosswalk is available. See load_recbole for why RecBole's ml-100k needs it."""
    return None
