"""dtypes: ``minigrad.float32``-style names for NumPy dtypes, and their normalisation.

A dtype may be given as one of these names, a NumPy dtype or type, or its string
(``"float32"``, ``"f4"``). Only floating tensors can require gradients.
"""
import numpy as np

float16 = half = np.dtype(np.float16)
float32 = float = np.dtype(np.float32)
float64 = double = np.dtype(np.float64)
int8 = np.dtype(np.int8)
int16 = np.dtype(np.int16)
int32 = int = np.dtype(np.int32)
int64 = long = np.dtype(np.int64)
uint8 = np.dtype(np.uint8)
bool = np.dtype(np.bool_)  # noqa: A001  (mirrors torch.bool)

DEFAULT_FLOAT = float32


def as_dtype(dtype):
    """Normalise ``dtype`` (name, NumPy dtype/type, string) to a ``numpy.dtype``."""
    if dtype is None:
        return None
    try:
        return np.dtype(dtype)
    except TypeError:
        raise TypeError(f"unknown dtype {dtype!r}: expected e.g. minigrad.float32, "
                        "np.float64 or 'int64'") from None


def is_floating(dtype):
    """True for float16/32/64."""
    return dtype.kind == "f"
