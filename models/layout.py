"""What a model's saved arrays must look like, checked when an artifact is loaded.

The checksum (models/npz.py) proves the bytes are the ones written; it cannot prove they
were written right, or by this model. Issue 18 found artifacts with a valid checksum and
inconsistent contents that crashed or broke serving: `hybrid.npz` with out-of-range
`x_indices` (SIGSEGV in scipy's transpose, after the banner), `popularity.npz` with a
short `counts` (a traceback per request), `rank-blend` with misshapen `item_factors`
(/health ok, every recommendation a 500). So each model declares its arrays' layout and
`check` verifies it before any of them is used; a failure is an ArtifactError (the
trainer then retrains the model with a warning, as for a corrupt file).

A layout maps array names to specs, checked in order:

- `Dense(kind, *dims)`: kind "f" (floating), "i" (integer) or "n" (either); one dim per
  axis: an int, a name, or None (any length). Names are "users" and "items" (the
  model's n_users/n_items), names the model binds (`Recommender._dims`, e.g. its
  `factors`), or free names bound by their first use and equal wherever else they
  appear. `nonneg=True`: no negative value.
- `Csr(rows, cols)` under a prefix p: p_data (floats), p_indices (integers in
  [0, cols)) and p_indptr (integers, rows + 1 of them, from 0, never decreasing, ending
  at the number of entries) -- exactly what scipy trusts without checking.
- `Shape(rows, cols)`: two non-negative integers (a sparse matrix's saved shape), the
  first `rows`, the second binding `cols`, neither above MAX_SHAPE.

Each check is one vectorised pass over an array (docs/benchmarks/reliability.md has the
cost at start-up).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Dim = int | str | None
GLOBAL_DIMS = ("users", "items")
#: the most rows or columns a saved Shape may claim: far above any real vocabulary
#: (ML-100K's content features: ~200), far below a transpose that exhausts memory
MAX_SHAPE = 2 ** 24


@dataclass(frozen=True)
class Dense:
    kind: str
    dims: tuple[Dim, ...]
    nonneg: bool = False

    def __init__(self, kind: str, *dims: Dim, nonneg: bool = False):
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "dims", dims)
        object.__setattr__(self, "nonneg", nonneg)


@dataclass(frozen=True)
class Csr:
    rows: Dim
    cols: Dim


@dataclass(frozen=True)
class Shape:
    rows: Dim
    cols: str


class LayoutError(ValueError):
    """An array does not have the layout its model declares."""


def prefixed(layout: dict, prefix: str) -> dict:
    """`layout` for arrays saved as f"{prefix}__{name}" (a blend's components), with the
    component's own dim names (not users/items) kept apart from the other components'."""
    def dim(d: Dim) -> Dim:
        return f"{prefix}__{d}" if isinstance(d, str) and d not in GLOBAL_DIMS else d

    out = {}
    for name, spec in layout.items():
        if isinstance(spec, Dense):
            spec = Dense(spec.kind, *map(dim, spec.dims), nonneg=spec.nonneg)
        elif isinstance(spec, Csr):
            spec = Csr(dim(spec.rows), dim(spec.cols))
        else:
            spec = Shape(dim(spec.rows), dim(spec.cols))
        out[f"{prefix}__{name}"] = spec
    return out


def check(arrays: dict[str, np.ndarray], layout: dict, dims: dict[str, int]) -> None:
    """Raise LayoutError naming the first array that breaks `layout`; `dims` holds
    the bound dim names (users, items, the model's own) and receives the free ones."""
    bound = dict(dims)
    for name, spec in layout.items():
        if isinstance(spec, Dense):
            _dense(name, _get(arrays, name), spec, bound)
        elif isinstance(spec, Shape):
            shape = _get(arrays, name)
            _dense(name, shape, Dense("i", 2, nonneg=True), bound)
            if shape.max() > MAX_SHAPE:  # a claim no array backs: scipy would allocate it
                raise LayoutError(f"{name} claims {int(shape.max()):,} rows or columns")
            _bind(f"{name}[0]", spec.rows, int(shape[0]), bound)
            _bind(f"{name}[1]", spec.cols, int(shape[1]), bound)
        else:
            _csr(name, arrays, spec, bound)


def _get(arrays: dict, name: str) -> np.ndarray:
    if name not in arrays:
        raise LayoutError(f"{name} is missing")
    return np.asarray(arrays[name])


def _kind_ok(kind: str, dtype: np.dtype) -> bool:
    wanted = {"f": "f", "i": "iu", "n": "fiu"}[kind]
    return dtype.kind in wanted


def _bind(what: str, dim: Dim, length: int, bound: dict) -> None:
    if dim is None:
        return
    if isinstance(dim, int):
        expected = dim
    elif dim in bound:
        expected = bound[dim]
    else:
        if length < 0:
            raise LayoutError(f"{what} is negative ({length})")
        bound[dim] = length
        return
    if length != expected:
        named = f" ({dim})" if isinstance(dim, str) else ""
        raise LayoutError(f"{what} is {length}, expected {expected}{named}")


def _dense(name: str, a: np.ndarray, spec: Dense, bound: dict) -> None:
    if not _kind_ok(spec.kind, a.dtype):
        raise LayoutError(f"{name} has dtype {a.dtype}, expected "
                          f"{ {'f': 'floats', 'i': 'integers', 'n': 'numbers'}[spec.kind]}")
    if a.ndim != len(spec.dims):
        raise LayoutError(f"{name} has {a.ndim} dimensions, expected {len(spec.dims)}")
    for axis, (dim, length) in enumerate(zip(spec.dims, a.shape)):
        _bind(f"{name} axis {axis}", dim, length, bound)
    if spec.nonneg and a.size and a.min() < 0:
        raise LayoutError(f"{name} holds negative values")


def _csr(prefix: str, arrays: dict, spec: Csr, bound: dict) -> None:
    data = _get(arrays, f"{prefix}_data")
    indices = _get(arrays, f"{prefix}_indices")
    indptr = _get(arrays, f"{prefix}_indptr")
    _dense(f"{prefix}_data", data, Dense("f", None), bound)
    _dense(f"{prefix}_indices", indices, Dense("i", len(data)), bound)
    _dense(f"{prefix}_indptr", indptr, Dense("i", None), bound)
    _bind(f"{prefix}_indptr length - 1", spec.rows, len(indptr) - 1, bound)
    if len(indptr) == 0 or indptr[0] != 0 or indptr[-1] != len(indices):
        raise LayoutError(f"{prefix}_indptr must run from 0 to {len(indices)}")
    if len(indptr) > 1 and np.any(np.diff(indptr) < 0):
        raise LayoutError(f"{prefix}_indptr decreases")
    cols = spec.cols if isinstance(spec.cols, int) else bound.get(spec.cols)
    if cols is None:
        raise LayoutError(f"{prefix}: the number of columns ({spec.cols}) is not known")
    if len(indices) and (indices.min() < 0 or indices.max() >= cols):
        raise LayoutError(f"{prefix}_indices has values outside [0, {cols})")
