"""Files around evaluation: a user-supplied (train, test) CSV pair in, and the
per-model prediction / recommendation CSVs out. External ids live only here and in
models.data; models.eval.protocols works on indices.
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from models.base import Recommender
from models.data import Catalog, Ratings
from models.errors import DataError
from models.eval.protocols import predict_or_none, rank_lists

SPLIT_COLUMNS = ("user_id", "item_id", "rating", "timestamp")


def _read_split(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    try:
        df = pd.read_csv(path, dtype={"user_id": str, "item_id": str})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
        raise DataError(f"{path}: not a readable CSV ({e})") from None
    missing = [c for c in SPLIT_COLUMNS[:3] if c not in df.columns]
    if missing:
        raise DataError(f"{path} line 1: missing column(s) {', '.join(missing)}; "
                        f"expected {','.join(SPLIT_COLUMNS)}")
    if df.empty:
        raise DataError(f"{path}: no rows")
    for col in ("rating", "timestamp"):
        if col not in df.columns:
            df[col] = 0
        num = pd.to_numeric(df[col], errors="coerce")
        bad = np.flatnonzero(num.isna().to_numpy())
        if bad.size:
            raise DataError(f"{path} line {bad[0] + 2}: {col} {df[col].iloc[bad[0]]!r} "
                            "is not a number")
        df[col] = num
    df["user_id"] = df["user_id"].str.strip()
    df["item_id"] = df["item_id"].str.strip()
    return df


def load_split(train_path, test_path, catalog: Catalog,
               scale: tuple[float, float] = (1.0, 5.0)) -> tuple[Ratings, Ratings]:
    """Two CSVs (user_id,item_id,rating,timestamp) -> (train, test) sharing one user
    index space (users of both files, in order of first appearance; test-only users
    are empty rows in train). Every item must be in `catalog`."""
    frames = []
    for path in (Path(train_path), Path(test_path)):
        df = _read_split(path)
        idx = np.empty(len(df), dtype=np.int32)
        for n, iid in enumerate(df["item_id"].tolist()):
            try:
                idx[n] = catalog.index_of(iid)
            except KeyError:
                raise DataError(f"{path} line {n + 2}: item id {iid!r} is not in the "
                                f"{catalog.name} catalog") from None
        lo, hi = scale
        off = np.flatnonzero((df["rating"] < lo) | (df["rating"] > hi))
        if off.size:
            raise DataError(f"{path} line {off[0] + 2}: rating {df['rating'].iloc[off[0]]} "
                            f"is off the {lo:g}-{hi:g} scale")
        frames.append((df, idx))
    all_users = pd.concat([f["user_id"] for f, _ in frames], ignore_index=True)
    user_ids = pd.unique(all_users)
    lookup = {u: n for n, u in enumerate(user_ids)}
    out = []
    for (df, idx), name in zip(frames, ("train", "test")):
        out.append(Ratings(
            users=np.array([lookup[u] for u in df["user_id"]], dtype=np.int32),
            items=idx, values=df["rating"].to_numpy(np.float32),
            timestamps=df["timestamp"].to_numpy().astype(np.int64),
            user_ids=np.asarray(user_ids, dtype=object), n_items=len(catalog),
            scale=scale, name=name,
        ))
    return out[0], out[1]


def write_predictions(path, model: Recommender, test: Ratings, catalog: Catalog) -> bool:
    """predictions_NAME.csv: one row per test rating. False (no file) if the model does
    not predict ratings."""
    pred = predict_or_none(model, test)
    if pred is None:
        return False
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(("user_id", "item_id", "rating", "prediction"))
        w.writerows(zip(test.user_ids[test.users].tolist(),
                        catalog.item_ids[test.items].tolist(),
                        [f"{v:g}" for v in test.values.tolist()],
                        [f"{p:.4f}" for p in pred.tolist()]))
    return True


def write_recommendations(path, model: Recommender, train: Ratings, test: Ratings,
                          catalog: Catalog, k: int = 10) -> None:
    """recommendations_NAME.csv: top k per test user, never an item the user rated in
    train, ranked exactly as in the top-N protocol."""
    users = np.unique(test.users).astype(np.int64)
    lists = rank_lists(model, train, users, k)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(("user_id", "rank", "item_id", "score"))
        for u, items, scores in zip(users.tolist(), lists.items, lists.scores):
            uid = train.user_ids[u]
            for rank, (i, s) in enumerate(zip(items.tolist(), scores.tolist()), 1):
                if i >= 0:
                    w.writerow((uid, rank, catalog.item_ids[i], f"{s:.6g}"))
