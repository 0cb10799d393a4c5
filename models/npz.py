"""Read arrays out of an uncompressed `.npz` as read-only memory maps.

`np.savez` stores each array as a plain `.npy` member of a zip file (no compression), so
its bytes sit contiguously in the file. Mapping them instead of reading them means every
`chatrec serve` worker shares one copy of the model in the OS page cache, and loading is
near-instant. Members that are compressed, or whose dtype holds objects, are read
normally (objects are refused: allow_pickle stays off)."""
from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import numpy as np

_LOCAL_HEADER = 30  # fixed part of a zip local file header


def load_arrays(path: str | Path, names: tuple[str, ...] | list[str]) -> dict[str, np.ndarray]:
    """{name: array} for `names` stored in the .npz at `path`; mapped where possible.

    Raises OSError, KeyError, ValueError or zipfile.BadZipFile on a broken file."""
    path = Path(path)
    out: dict[str, np.ndarray] = {}
    with zipfile.ZipFile(path) as zf, open(path, "rb") as f:
        for name in names:
            info = zf.getinfo(f"{name}.npy")
            out[name] = _mapped(path, f, info) if info.compress_type == zipfile.ZIP_STORED \
                else _read(zf, info)
    return out


def _mapped(path: Path, f, info: zipfile.ZipInfo) -> np.ndarray:
    f.seek(info.header_offset)
    header = f.read(_LOCAL_HEADER)
    if header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    f.seek(info.header_offset + _LOCAL_HEADER + name_len + extra_len)
    version = np.lib.format.read_magic(f)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
    else:
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
    if dtype.hasobject:
        raise ValueError(f"{info.filename} holds Python objects; refusing to unpickle")
    offset = f.tell()
    size = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if offset + size > path.stat().st_size:
        raise ValueError(f"{info.filename} is truncated")
    if size == 0:  # mmap cannot map zero bytes
        return np.zeros(shape, dtype=dtype, order="F" if fortran else "C")
    mm = np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=shape,
                   order="F" if fortran else "C")
    return np.asarray(mm)  # a plain read-only ndarray view over the mapping


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> np.ndarray:
    with zf.open(info) as member:
        return np.lib.format.read_array(member, allow_pickle=False)
