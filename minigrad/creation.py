"""Tensor factories: ``tensor``, ``zeros``, ``ones``, ``full``, ``arange``, ``rand``, ... (as PyTorch).

Every factory takes ``dtype`` (float32 by default for floating results), ``device`` (the default
device unless given) and ``requires_grad``. Random factories draw from ``generator`` or the
default generator of the device (seeded by ``minigrad.manual_seed``).
"""
import numpy as np

from .backend import from_dlpack_array, normalize_device, xp_for
from .dtypes import DEFAULT_FLOAT, as_dtype
from .random import default_generator
from .tensor import Tensor, _as_array, _wrap
from .functional._util import as_shape


def _finish(data, requires_grad):
    t = _wrap(data, False, None, 0)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _xp_dtype(dtype, device, default=DEFAULT_FLOAT):
    device = normalize_device(device)
    return xp_for(device), (default if dtype is None else as_dtype(dtype)), device


def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of ``data`` (nested lists, scalars, arrays, tensors).

    Python floats become float32, ints int64, bools bool; arrays keep their dtype."""
    source = data.data if isinstance(data, Tensor) else data
    on_device = hasattr(source, "__cuda_array_interface__") or isinstance(source, np.ndarray)
    if device is None and not on_device:
        device = normalize_device(None)
    arr = _as_array(source, as_dtype(dtype), device)
    if arr is source or on_device:
        arr = arr.copy()                # tensor() always owns its memory
    return _finish(arr, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like :func:`tensor` but shares memory with an array when no conversion is needed."""
    if isinstance(data, Tensor) and dtype is None and device is None:
        return data
    return Tensor(data, dtype=dtype, device=device)


def from_numpy(array):
    """A CPU tensor sharing memory with a NumPy array."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy expects a numpy.ndarray, got {type(array).__name__}")
    return _wrap(array, False, None, 0)


def from_dlpack(obj):
    """Zero-copy import of any DLPack-capable array (PyTorch, CuPy, NumPy, JAX tensors)."""
    return _wrap(from_dlpack_array(obj), False, None, 0)


def zeros(*size, dtype=None, device=None, requires_grad=False):
    xp, dtype, _ = _xp_dtype(dtype, device)
    return _finish(xp.zeros(as_shape("zeros", size), dtype), requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False):
    xp, dtype, _ = _xp_dtype(dtype, device)
    return _finish(xp.ones(as_shape("ones", size), dtype), requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False):
    xp, dtype, _ = _xp_dtype(dtype, device)
    return _finish(xp.empty(as_shape("empty", size), dtype), requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    default = (np.dtype(bool) if isinstance(fill_value, bool) else
               np.dtype(np.int64) if isinstance(fill_value, int) else DEFAULT_FLOAT)
    xp, dtype, _ = _xp_dtype(dtype, device, default)
    return _finish(xp.full(as_shape("full", (size,)), fill_value, dtype), requires_grad)


def _like(fn, input, dtype, device, requires_grad, *args):
    return fn(input.shape, *args, dtype=input.dtype if dtype is None else dtype,
              device=input.device if device is None else device, requires_grad=requires_grad)


def zeros_like(input, dtype=None, device=None, requires_grad=False):
    return _like(zeros, input, dtype, device, requires_grad)


def ones_like(input, dtype=None, device=None, requires_grad=False):
    return _like(ones, input, dtype, device, requires_grad)


def empty_like(input, dtype=None, device=None, requires_grad=False):
    return _like(empty, input, dtype, device, requires_grad)


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False):
    return full(input.shape, fill_value, dtype=input.dtype if dtype is None else dtype,
                device=input.device if device is None else device, requires_grad=requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """Values in [start, end) spaced by ``step``; int64 for integer arguments, else float32."""
    if end is None:
        start, end = 0, start
    integral = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
    xp, dtype, _ = _xp_dtype(dtype, device, np.dtype(np.int64) if integral else DEFAULT_FLOAT)
    return _finish(xp.arange(start, end, step).astype(dtype), requires_grad)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    xp, dtype, _ = _xp_dtype(dtype, device)
    return _finish(xp.linspace(start, end, steps).astype(dtype), requires_grad)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    xp, dtype, _ = _xp_dtype(dtype, device)
    return _finish(xp.eye(n, m, dtype=dtype), requires_grad)


def _gen(generator, device):
    return generator if generator is not None else default_generator(device)


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform samples in [0, 1)."""
    _, dtype, device = _xp_dtype(dtype, device)
    return _finish(_gen(generator, device).uniform(0, 1, as_shape("rand", size), dtype), requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal samples."""
    _, dtype, device = _xp_dtype(dtype, device)
    return _finish(_gen(generator, device).normal(0, 1, as_shape("randn", size), dtype), requires_grad)


def randint(low, high=None, size=(), generator=None, dtype=None, device=None):
    """Integers in [low, high) (int64)."""
    if high is None:
        low, high = 0, low
    _, dtype, device = _xp_dtype(dtype, device, np.dtype(np.int64))
    return _finish(_gen(generator, device).integers(low, high, tuple(size), dtype), False)


def randperm(n, generator=None, device=None):
    """A random permutation of 0 .. n-1 (int64)."""
    device = normalize_device(device)
    return _finish(_gen(generator, device).permutation(n).astype(np.int64), False)


def normal(mean, std, size, generator=None, dtype=None, device=None, requires_grad=False):
    """Samples from N(mean, std^2)."""
    _, dtype, device = _xp_dtype(dtype, device)
    return _finish(_gen(generator, device).normal(mean, std, tuple(size), dtype), requires_grad)


def uniform(low, high, size, generator=None, dtype=None, device=None, requires_grad=False):
    """Samples from U[low, high)."""
    _, dtype, device = _xp_dtype(dtype, device)
    return _finish(_gen(generator, device).uniform(low, high, tuple(size), dtype), requires_grad)


def bernoulli(p, size=None, generator=None, dtype=None, device=None):
    """0/1 samples with P(1) = p (p a number or a tensor of probabilities); no gradient."""
    if isinstance(p, Tensor):
        gen = _gen(generator, p.device)
        return _finish((gen.uniform(0, 1, p.shape, p.dtype) < p.data).astype(p.dtype), False)
    _, dtype, device = _xp_dtype(dtype, device)
    return _finish(_gen(generator, device).bernoulli(p, tuple(size), dtype), False)


def rand_like(input, generator=None, dtype=None):
    return rand(*input.shape, generator=generator, dtype=dtype or input.dtype, device=input.device)


def randn_like(input, generator=None, dtype=None):
    return randn(*input.shape, generator=generator, dtype=dtype or input.dtype, device=input.device)
