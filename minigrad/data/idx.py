"""The IDX file format of MNIST and Fashion-MNIST: reader and writer.

Layout (big-endian): two zero bytes, a type byte (0x08 uint8, 0x09 int8, 0x0B int16,
0x0C int32, 0x0D float32, 0x0E float64), the number of dimensions, one uint32 per dimension,
then the values in row-major order. Files may be gzip-compressed (``.gz``; detected from the
content, not the name). Every way a file can be damaged (bad magic, unknown type, truncated
header or data, trailing bytes, a broken gzip stream) raises :class:`DataFormatError` naming
the file.
"""
import gzip
import os
import struct
import zlib

import numpy as np

from ..io import atomic_open
from .errors import DataFormatError

__all__ = ["read_idx", "write_idx", "parse_idx"]

_TYPES = {0x08: np.dtype("u1"), 0x09: np.dtype("i1"), 0x0B: np.dtype(">i2"),
          0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
_CODES = {dt.newbyteorder("=") if dt.itemsize > 1 else dt: code for code, dt in _TYPES.items()}


def _read_bytes(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as e:
            raise DataFormatError(f"{path}: corrupt or truncated gzip stream ({e})") from None
    return raw


def parse_idx(raw, name="<bytes>"):
    """An array from the (uncompressed) bytes of an IDX file."""
    if len(raw) < 4:
        raise DataFormatError(f"{name}: truncated IDX header ({len(raw)} bytes)")
    zero, code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or code not in _TYPES:
        raise DataFormatError(f"{name}: not an IDX file (magic bytes {raw[:4].hex()}; expected "
                              "00 00 <type> <ndim>, e.g. 00000803 for images)")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataFormatError(f"{name}: truncated IDX header ({len(raw)} of {header} bytes)")
    shape = struct.unpack(f">{ndim}I", raw[4:header])
    dtype = _TYPES[code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    got = len(raw) - header
    if got < expected:
        raise DataFormatError(f"{name}: truncated IDX data: header says shape {shape} "
                              f"({expected} bytes) but only {got} bytes follow")
    if got > expected:
        raise DataFormatError(f"{name}: {got - expected} unexpected trailing bytes after the "
                              f"IDX data of shape {shape}")
    arr = np.frombuffer(raw, dtype, count=expected // dtype.itemsize, offset=header)
    return arr.reshape(shape).astype(dtype.newbyteorder("="))


def read_idx(path):
    """The array stored in the IDX file ``path`` (plain or gzip)."""
    path = os.fspath(path)
    return parse_idx(_read_bytes(path), path)


def write_idx(path, array, compress=None):
    """Write ``array`` as an IDX file (gzip when ``compress`` or the name ends in ``.gz``);
    written to a temporary file and renamed, so ``path`` is never left half-written."""
    path = os.fspath(path)
    array = np.asarray(array)
    key = array.dtype.newbyteorder("=") if array.dtype.itemsize > 1 else array.dtype
    if key not in _CODES:
        raise TypeError(f"write_idx: dtype {array.dtype} has no IDX type code "
                        f"(use one of uint8, int8, int16, int32, float32, float64)")
    code = _CODES[key]
    data = struct.pack(f">HBB{array.ndim}I", 0, code, array.ndim, *array.shape)
    data += np.ascontiguousarray(array, _TYPES[code]).tobytes()
    if compress or (compress is None and path.endswith(".gz")):
        data = gzip.compress(data, mtime=0)
    with atomic_open(path) as f:
        f.write(data)
