"""Memory-mapped loading of .npz artifacts (models/npz.py)."""
from __future__ import annotations

import mmap
import zipfile

import numpy as np
import pytest

from models.npz import load_arrays


def _is_mapped(a: np.ndarray) -> bool:
    base = a
    while getattr(base, "base", None) is not None:
        base = base.base
        if isinstance(base, mmap.mmap):
            return True
    return False


def test_uncompressed_members_are_read_only_maps_with_the_saved_values(tmp_path):
    f = tmp_path / "a.npz"
    vec = np.arange(10, dtype=np.float32)
    mat = np.asfortranarray(np.arange(12, dtype=np.int64).reshape(3, 4))
    np.savez(f, vec=vec, mat=mat, empty=np.zeros((0, 3)))
    got = load_arrays(f, ["vec", "mat", "empty"])
    np.testing.assert_array_equal(got["vec"], vec)
    np.testing.assert_array_equal(got["mat"], mat)
    assert got["empty"].shape == (0, 3)
    assert type(got["vec"]) is np.ndarray and _is_mapped(got["vec"])
    with pytest.raises(ValueError):
        got["vec"][0] = 1.0  # read-only: a worker can never scribble on a shared model


def test_compressed_members_are_read_normally(tmp_path):
    f = tmp_path / "c.npz"
    np.savez_compressed(f, x=np.arange(5))
    got = load_arrays(f, ["x"])
    np.testing.assert_array_equal(got["x"], np.arange(5))
    assert not _is_mapped(got["x"])


def test_object_arrays_are_refused(tmp_path):
    f = tmp_path / "o.npz"
    np.savez(f, x=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="objects"):
        load_arrays(f, ["x"])


def test_truncated_or_missing_member_raises(tmp_path):
    f = tmp_path / "t.npz"
    np.savez(f, x=np.arange(1000, dtype=np.float64))
    with pytest.raises(KeyError):
        load_arrays(f, ["nope"])
    data = f.read_bytes()
    f.write_bytes(data[: len(data) // 2])
    with pytest.raises((ValueError, zipfile.BadZipFile, OSError)):
        load_arrays(f, ["x"])


def _flip_a_byte_inside(f, member: str) -> None:
    """Corrupt one byte of `member`'s array data in place (as a bad disk block would)."""
    with zipfile.ZipFile(f) as zf:
        info = zf.getinfo(member)
    data = bytearray(f.read_bytes())
    data[info.header_offset + info.compress_size] ^= 0xFF  # well inside the member
    f.write_bytes(bytes(data))


def test_a_flipped_bit_fails_the_crc_instead_of_being_served(tmp_path):
    f = tmp_path / "b.npz"
    np.savez(f, x=np.arange(1000, dtype=np.float64))
    _flip_a_byte_inside(f, "x.npy")
    with pytest.raises(zipfile.BadZipFile, match="CRC"):
        load_arrays(f, ["x"])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_infinite_floats_are_refused(tmp_path, bad):
    f = tmp_path / "n.npz"
    x = np.ones(50, dtype=np.float32)
    x[17] = bad
    np.savez(f, x=x, ok=np.arange(3))
    with pytest.raises(ValueError, match="NaN or infinite"):
        load_arrays(f, ["x"])
    np.testing.assert_array_equal(load_arrays(f, ["ok"])["ok"], np.arange(3))  # ints: fine


def test_saved_arrays_are_aligned_and_readable_by_numpy(tmp_path):
    """Every array's data starts at a multiple of 64 bytes in the file, so the mapped
    array is aligned (BLAS takes it; an unaligned 59k x 64 product was 30x slower)."""
    from models.npz import ALIGN, save_arrays
    arrays = {"a": np.arange(7, dtype=np.int8), "bb": np.ones((3, 5), np.float32),
              "c" * 9: np.zeros(0), "d": np.asfortranarray(np.arange(12.0).reshape(3, 4))}
    for n in range(3):  # names and sizes of every length mod 64 around them
        arrays[f"x{n}" * (n + 1)] = np.full(13 + n, n, np.float64)
    path = save_arrays(tmp_path / "m.npz", arrays)
    back = load_arrays(path, list(arrays))
    with np.load(path) as plain:
        for name, value in arrays.items():
            np.testing.assert_array_equal(back[name], value)
            np.testing.assert_array_equal(plain[name], value)
            if back[name].size:
                assert back[name].flags.aligned and back[name].ctypes.data % ALIGN == 0, name
