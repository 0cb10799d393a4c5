"""Write arrays to an uncompressed `.npz` with every array's data 64-byte aligned, and
read them back as read-only memory maps.

`np.savez` stores each array as a plain `.npy` member of a zip file (no compression), so
its bytes sit contiguously in the file. Mapping them instead of reading them means every
`chatrec serve` worker shares one copy of the model in the OS page cache, and loading is
near-instant. Members that are compressed, or whose dtype holds objects, are read
normally (objects are refused: allow_pickle stays off).

Mapping skips what reading would check, so `load_arrays` verifies it: every member's
zip CRC-32 (a flipped bit on disk is caught, not served), and that float arrays hold
no NaN or infinity (a model that learned NaN would answer every request with an empty
list). Both are one pass over the bytes at load time (docs/benchmarks/reliability.md).

`save_arrays` writes what `np.savez` writes, except that each member's local header gets
an extra field padding its data to a 64-byte boundary in the file (Android's zipalign
trick; the .npy header is already a multiple of 64). `np.savez` leaves the data wherever
the header ends, and a mapped array that is not aligned is not handed to BLAS: one
user's scores over ML-25M's 59k films (1 x 64 times 64 x 59k) took 46 ms instead of
1.4 ms."""
from __future__ import annotations

import mmap
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np

_LOCAL_HEADER = 30  # fixed part of a zip local file header
ALIGN = 64
_PAD_FIELD = 0xD935  # zipalign's extra-field id: readers skip fields they do not know
_ZIP64_EXTRA = 20    # what zipfile appends to the local header of a zip64 member


def save_arrays(path: str | Path, arrays: dict[str, np.ndarray]) -> Path:
    """Write `arrays` as an uncompressed .npz at `path` (np.load reads it too), each
    array's data at a multiple of ALIGN bytes in the file. Objects are refused."""
    path = Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, value in arrays.items():
            array = np.asanyarray(value)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            zip64 = array.nbytes > (1 << 31) - (1 << 20)  # as zipfile decides (with room)
            used = zf.fp.tell() + _LOCAL_HEADER + len(info.filename.encode()) + \
                (_ZIP64_EXTRA if zip64 else 0)
            pad = -used % ALIGN
            pad += ALIGN if 0 < pad < 4 else 0  # an extra field is at least its 4-byte head
            if pad:
                info.extra = struct.pack("<HH", _PAD_FIELD, pad - 4) + bytes(pad - 4)
            with zf.open(info, "w", force_zip64=zip64) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)
    return path


def load_arrays(path: str | Path, names: tuple[str, ...] | list[str]) -> dict[str, np.ndarray]:
    """{name: array} for `names` stored in the .npz at `path`; mapped where possible.

    Raises OSError, KeyError, ValueError or zipfile.BadZipFile on a broken file: a
    CRC mismatch is a BadZipFile, a NaN or infinity in a float array a ValueError."""
    path = Path(path)
    out: dict[str, np.ndarray] = {}
    with zipfile.ZipFile(path) as zf, open(path, "rb") as f:
        for name in names:
            info = zf.getinfo(f"{name}.npy")
            out[name] = _mapped(path, f, info) if info.compress_type == zipfile.ZIP_STORED \
                else _read(zf, info)  # zipfile checks the CRC of what it decompresses
            array = out[name]
            if array.dtype.kind in "fc" and not np.isfinite(array).all():
                raise ValueError(f"{info.filename} holds NaN or infinite values")
    return out


def _mapped(path: Path, f, info: zipfile.ZipInfo) -> np.ndarray:
    f.seek(info.header_offset)
    header = f.read(_LOCAL_HEADER)
    if header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    start = info.header_offset + _LOCAL_HEADER + name_len + extra_len
    if start + info.file_size > path.stat().st_size:
        raise ValueError(f"{info.filename} is truncated")
    if info.file_size and _crc32(f, start, info.file_size) != info.CRC:
        raise zipfile.BadZipFile(f"bad CRC-32 for {info.filename}: the file is corrupt")
    f.seek(start)
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


def _crc32(f, offset: int, size: int) -> int:
    """CRC-32 of `size` bytes at `offset` of the open file `f`, through a map (no copy)."""
    with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as whole, \
            memoryview(whole) as view, view[offset:offset + size] as member:
        return zlib.crc32(member)
