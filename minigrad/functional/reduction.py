"""Reductions: sum, mean, var/std, max/min/amax/amin, logsumexp, prod, norm, cumsum, and the
index reductions (argmax, argmin, topk, sort, argsort, all, any).

Every reduction takes PyTorch's ``dim``/``keepdim`` and NumPy's ``axis``/``keepdims`` aliases.
``dim`` may be a tuple where torch allows one (sum, mean, var, std, amax, amin, logsumexp, norm,
all, any); max/min/prod/cumsum/argmax/argmin/topk/sort/argsort take a single int.

Backward of a reduction over axes A: the output gradient is re-expanded over A (``keepdim``
shape) and broadcast back to the input's shape, then scaled by the local derivative.

Tie rules (documented here once, tested in tests/minigrad/test_reduction.py):

* ``max(x)`` / ``min(x)`` without ``dim`` and ``amax``/``amin``: the gradient is split evenly
  among all elements equal to the extreme value of their slice (NaN counts as equal to a NaN
  result), as PyTorch does.
* ``max(x, dim)`` / ``min(x, dim)``: the index returned is the first occurrence of the extreme
  value, and the whole gradient goes to that index only.
* ``sort``/``argsort``/``topk`` sort stably (equal values keep their order; NaN sorts as the
  largest value, first when descending), so a tie is broken by the earlier index. PyTorch leaves
  the order of ties unspecified for ``topk``.
"""
import builtins
import math
import numbers
from collections import namedtuple

import numpy as np

from ..autograd import Function
from ..backend import get_array_module
from ..tensor import Tensor, _wrap
from ._util import dim_alias, normalize_dim, normalize_dims

__all__ = ["sum", "mean", "var", "std", "max", "min", "amax", "amin", "logsumexp", "prod",
           "norm", "argmax", "argmin", "cumsum", "all", "any", "topk", "sort", "argsort"]


class return_types:  # noqa: N801  (mirrors torch.return_types)
    """Named results of the ops returning (values, indices), as ``torch.return_types``."""
    max = namedtuple("max", ["values", "indices"])
    min = namedtuple("min", ["values", "indices"])
    topk = namedtuple("topk", ["values", "indices"])
    sort = namedtuple("sort", ["values", "indices"])


# ----------------------------------------------------------------------------- helpers

def _check_tensor(op, input):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a minigrad Tensor as input, got {type(input).__name__} "
                        "(wrap it with minigrad.tensor(...))")


def _check_float(op, input):
    if input.dtype.kind != "f":
        raise TypeError(f"{op}: expected a floating-point tensor, got dtype {input.dtype} "
                        f"(shape {input.shape}); convert it first, e.g. x.float()")


def _axes(op, input, dim, axis, keepdim, keepdims):
    """(axes, keepdim) from torch/NumPy-style arguments; axes is None for "all dims"."""
    dim, keepdim = dim_alias(op, dim, axis, keepdim, keepdims)
    if isinstance(dim, Tensor) or (dim is not None and not isinstance(dim, numbers.Integral)
                                   and not isinstance(dim, (tuple, list))):
        raise TypeError(f"{op}: dim must be an int or a tuple of ints, got {type(dim).__name__}")
    axes = normalize_dims(dim, input.ndim, op)
    if axes == () or input.ndim == 0:
        axes = None                     # dim=() means all dims; a 0-d tensor has nothing to reduce
    return axes, keepdim


def _single_dim(op, input, dim, axis):
    """One non-negative axis (torch ops that accept a single int only)."""
    dim, _ = dim_alias(op, dim, axis, False, None)
    if not isinstance(dim, numbers.Integral) or isinstance(dim, bool):
        raise TypeError(f"{op}: dim must be a single int, got {dim!r}")
    return normalize_dim(int(dim), input.ndim, op)


def _check_nonempty(op, shape, axes):
    reduced = range(len(shape)) if axes is None else axes
    if builtins.any(shape[a] == 0 for a in reduced):
        raise ValueError(f"{op}: cannot reduce over an empty dimension (input shape {shape}, "
                         f"dims {tuple(reduced)}); the result would be undefined")


def _count(shape, axes):
    return math.prod(shape) if axes is None else math.prod(shape[a] for a in axes)


def _squeeze(y, axes):
    """Drop the reduced axes of a keepdim result."""
    return y.reshape(()) if axes is None else y.squeeze(axis=axes)


def _keep(g, axes, keepdim, ndim):
    """Gradient of a reduction brought back to the keepdim shape (broadcastable to the input)."""
    if keepdim or ndim == 0:
        return g
    if axes is None:
        return g.reshape((1,) * ndim)
    return np.expand_dims(g, axes)


def index_along(idx, dim):
    """The advanced index that picks position ``idx`` along ``dim`` in every slice (the other
    axes by position): ``a[index_along(idx, dim)] == take_along_axis(a, idx, dim)``."""
    xp = get_array_module(idx)
    return tuple(idx if d == dim else
                 xp.arange(n).reshape([-1 if k == d else 1 for k in range(idx.ndim)])
                 for d, n in enumerate(idx.shape))


def _scatter_along(shape, dim, idx, values):
    """zeros(shape) with ``values`` written at ``idx`` along ``dim`` (idx distinct per slice)."""
    out = get_array_module(values).zeros(shape, values.dtype)
    out[index_along(idx, dim)] = values
    return out


# ----------------------------------------------------------------------------- Functions

class Sum(Function):
    """y = sum_{i in axes} x_i;  dx = dy broadcast back over the summed axes."""
    save_inputs = False

    def forward(self, x, axes=None, keepdim=False):
        self.shape, self.axes, self.keepdim = x.shape, axes, keepdim
        return x.sum(axis=axes, keepdims=keepdim)

    def backward(self, g):
        return np.broadcast_to(_keep(g, self.axes, self.keepdim, len(self.shape)), self.shape)


class Mean(Function):
    """y = (1/n) sum_{i in axes} x_i (n = number of reduced elements);  dx = dy / n broadcast."""
    save_inputs = False

    def forward(self, x, axes=None, keepdim=False):
        self.shape, self.axes, self.keepdim = x.shape, axes, keepdim
        self.n = _count(x.shape, axes)
        return x.mean(axis=axes, keepdims=keepdim)

    def backward(self, g):
        g = _keep(g, self.axes, self.keepdim, len(self.shape)) / self.n
        return np.broadcast_to(g, self.shape)


class Var(Function):
    """v = sum (x - mean)^2 / max(0, n - c) (c = correction: 1 unbiased, 0 biased);
    dx = dv * 2 (x - mean) / (n - c).  (n - c <= 0 gives inf/nan, as PyTorch.)"""
    save_inputs = False

    def forward(self, x, axes=None, keepdim=False, correction=1):
        self.axes, self.keepdim, self.ndim = axes, keepdim, x.ndim
        self.denom = builtins.max(0, _count(x.shape, axes) - correction)
        self.d = d = x - x.mean(axis=axes, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            return self._finish((d * d).sum(axis=axes, keepdims=keepdim) / self.denom)

    def _finish(self, v):
        return v

    def backward(self, g):
        with np.errstate(divide="ignore", invalid="ignore"):
            return _keep(g, self.axes, self.keepdim, self.ndim) * 2 * self.d / self.denom


class Std(Var):
    """s = sqrt(var(x));  dx = ds * (x - mean) / ((n - c) s), and 0 where s = 0 (the subgradient
    PyTorch uses for a constant slice)."""
    save_outputs = True

    def _finish(self, v):
        self.s = s = np.sqrt(v)
        return s

    def backward(self, g):
        s = _keep(self.s, self.axes, self.keepdim, self.ndim)
        with np.errstate(divide="ignore", invalid="ignore"):
            g_var = np.where(s == 0, 0, _keep(g, self.axes, self.keepdim, self.ndim) / (2 * s))
            return g_var * 2 * self.d / self.denom


class AMax(Function):
    """y = max (``largest``) or min of x over axes;  dx = dy [x == y] / #{x == y}: the gradient
    is split evenly among ties (a NaN result counts NaN inputs as equal), as PyTorch does."""
    save_outputs = True

    def forward(self, x, axes=None, keepdim=False, largest=True):
        self.x, self.axes, self.keepdim = x, axes, keepdim
        self.y = y = x.max(axis=axes, keepdims=True) if largest else x.min(axis=axes, keepdims=True)
        return y if keepdim else _squeeze(y, axes)

    def backward(self, g):
        x, y = self.x, self.y
        mask = (x == y) | (np.isnan(x) & np.isnan(y))
        share = _keep(g, self.axes, self.keepdim, x.ndim) / mask.sum(axis=self.axes, keepdims=True)
        return np.where(mask, share, 0)


class TakeAlongDim(Function):
    """y = x gathered at ``idx`` along ``dim`` (y_j = x_{idx_j});  dx = dy scattered into zeros
    at idx along dim. Used by max/min with dim, topk and sort, whose indices are distinct within
    a slice (so nothing accumulates)."""
    save_inputs = False

    def forward(self, x, idx, dim=0, keepdim=True):
        self.shape, self.dim, self.keepdim = x.shape, dim, keepdim
        if x.ndim == 0:
            x, idx = x.reshape(1), idx.reshape(1)
        self.idx = idx
        y = np.take_along_axis(x, idx, axis=dim)
        return y.reshape(()) if not self.shape else (y if keepdim else y.squeeze(axis=dim))

    def backward(self, g):
        if not self.shape:
            return g.reshape(()), None
        if not self.keepdim:
            g = np.expand_dims(g, self.dim)
        return _scatter_along(self.shape, self.dim, self.idx, g), None


class LogSumExp(Function):
    """y = m + log sum exp(x - m) over axes (m = max, 0 where m is infinite, for stability);
    dx = dy exp(x - y) = dy softmax(x)."""
    save_outputs = True

    def forward(self, x, axes=None, keepdim=False):
        self.x, self.axes, self.keepdim = x, axes, keepdim
        m = x.max(axis=axes, keepdims=True)
        m = np.where(np.isinf(m), 0, m)
        with np.errstate(divide="ignore"):
            self.y = y = np.log(np.exp(x - m).sum(axis=axes, keepdims=True)) + m
        return y if keepdim else _squeeze(y, axes)

    def backward(self, g):
        return _keep(g, self.axes, self.keepdim, self.x.ndim) * np.exp(self.x - self.y)


class Prod(Function):
    """y = prod x_i along ``dim`` (all elements when dim is None);
    dx_j = dy prod_{i != j} x_i, computed as (exclusive cumprod from the left) * (exclusive
    cumprod from the right): no division, so zeros are exact (one zero: only that element gets
    a gradient; two or more: all gradients are 0)."""

    def forward(self, x, dim=None, keepdim=False):
        self.x, self.dim, self.keepdim = x, dim, keepdim
        return x.prod(axis=dim, keepdims=keepdim)

    def backward(self, g):
        x, dim = self.x, self.dim
        xm = x.reshape(-1) if dim is None else np.moveaxis(x, dim, -1)
        if xm.shape[-1] == 0:
            return np.zeros_like(x)
        xp = get_array_module(x)
        ones = xp.ones(xm.shape[:-1] + (1,), x.dtype)
        left = np.concatenate([ones, np.cumprod(xm[..., :-1], axis=-1)], axis=-1)
        rev = np.flip(xm, axis=-1)
        right = np.flip(np.concatenate([ones, np.cumprod(rev[..., :-1], axis=-1)], axis=-1), axis=-1)
        others = left * right
        if dim is None:
            return (others * g).reshape(x.shape)
        g = g if self.keepdim else np.expand_dims(g, dim)
        return np.moveaxis(others, -1, dim) * g


class Norm(Function):
    """Vector p-norm over axes: y = (sum |x|^p + eps)^(1/p); p = inf: max |x|; p = -inf: min |x|;
    p = 0: number of non-zeros (no gradient).

    Backward (as PyTorch's norm_backward):
      p = 1: dx = dy sign(x);  p = 2: dx = dy x / y;
      other finite p: dx = dy sign(x) |x|^(p-1) / y^(p-1);
      p = +-inf: dx = dy sign(x) [|x| == y] / #{|x| == y} (ties share evenly).
    Subgradient at 0 (eps = 0): where y = 0 the gradient is 0 (p = 1: sign(0) = 0); for p < 1
    elements x = 0 get 0."""
    save_outputs = True

    def forward(self, x, p=2.0, axes=None, keepdim=False, eps=0.0):
        self.x, self.p, self.axes, self.keepdim = x, p, axes, keepdim
        a = np.abs(x)
        if p == math.inf:
            y = a.max(axis=axes, keepdims=True)
        elif p == -math.inf:
            y = a.min(axis=axes, keepdims=True)
        elif p == 0:
            y = (x != 0).sum(axis=axes, keepdims=True).astype(x.dtype)
        elif p == 1:
            y = a.sum(axis=axes, keepdims=True) + eps
        elif p == 2:
            y = np.sqrt((x * x).sum(axis=axes, keepdims=True) + eps)
        else:
            y = ((a ** p).sum(axis=axes, keepdims=True) + eps) ** (1.0 / p)
        self.y = y
        return y if keepdim else _squeeze(y, axes)

    def backward(self, g):
        x, y, p = self.x, self.y, self.p
        g = _keep(g, self.axes, self.keepdim, x.ndim)
        if p == 0:
            return np.zeros_like(x)
        if p == 1:
            return np.sign(x) * g
        with np.errstate(divide="ignore", invalid="ignore"):
            if p == 2:
                return g * np.where(y == 0, 0, x / y)
            if math.isinf(p):
                a = np.abs(x)
                mask = (a == y) | np.isnan(a)
                return np.sign(x) * np.where(mask, g / mask.sum(axis=self.axes, keepdims=True), 0)
            if p < 1:
                scaled = np.sign(x) * np.where(x == 0, 0, np.abs(x) ** (p - 1))
                return scaled * g * y ** (1 - p)
            scaled = np.sign(x) * np.abs(x) ** (p - 1)
            return scaled * np.where(y == 0, 0, g / y ** (p - 1))


class Cumsum(Function):
    """y_i = sum_{j <= i} x_j along ``dim`` (flattened when dim is None);
    dx_j = sum_{i >= j} dy_i, a reversed cumulative sum of dy."""
    save_inputs = False

    def forward(self, x, dim=None):
        self.shape, self.dim = x.shape, dim
        y = np.cumsum(x, axis=dim)
        return y.reshape(()) if x.ndim == 0 else y

    def backward(self, g):
        if g.ndim == 0:
            return g
        d = 0 if self.dim is None else self.dim
        return np.flip(np.cumsum(np.flip(g, axis=d), axis=d), axis=d).reshape(self.shape)


# ----------------------------------------------------------------------------- public ops

def sum(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):  # noqa: A001
    """Sum over ``dim`` (int or tuple; all dims when None). y = sum x; dx = dy broadcast back.

    Integer and bool inputs sum to int64 (as torch); ``dtype`` casts the input first."""
    _check_tensor("sum", input)
    axes, keepdim = _axes("sum", input, dim, axis, keepdim, keepdims)
    if dtype is not None:
        input = input.to(dtype=dtype)
    elif input.dtype.kind in "biu":
        input = input.to(dtype=np.int64)
    return Sum.apply(input, axes=axes, keepdim=keepdim)


def mean(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """Mean over ``dim`` (int or tuple; all dims when None). y = sum x / n; dx = dy / n.

    Floating-point input only (as torch); ``dtype`` casts the input first."""
    _check_tensor("mean", input)
    if dtype is not None:
        input = input.to(dtype=dtype)
    _check_float("mean", input)
    axes, keepdim = _axes("mean", input, dim, axis, keepdim, keepdims)
    return Mean.apply(input, axes=axes, keepdim=keepdim)


def _moment(cls, op, input, dim, unbiased, keepdim, correction, ddof, axis, keepdims):
    _check_tensor(op, input)
    _check_float(op, input)
    if isinstance(dim, bool):               # torch.var(x, True): the legacy `unbiased` position
        dim, unbiased = None, dim
    given = [name for name, v in (("unbiased", unbiased), ("correction", correction),
                                  ("ddof", ddof)) if v is not None]
    if len(given) > 1:
        raise TypeError(f"{op}: give only one of unbiased=, correction= and ddof=, got {given}")
    if unbiased is not None:
        correction = 1 if unbiased else 0
    elif ddof is not None:
        correction = ddof
    elif correction is None:
        correction = 1
    if not isinstance(correction, numbers.Real) or correction < 0:
        raise ValueError(f"{op}: correction must be a non-negative number, got {correction!r}")
    axes, keepdim = _axes(op, input, dim, axis, keepdim, keepdims)
    return cls.apply(input, axes=axes, keepdim=keepdim, correction=correction)


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, ddof=None,
        axis=None, keepdims=None):
    """Variance over ``dim``: sum (x - mean)^2 / (n - correction). dx = dv 2 (x - mean)/(n - c).

    PyTorch semantics: ``correction=1`` (default, Bessel's unbiased estimate) or 0; the legacy
    ``unbiased=True/False`` means correction 1/0; NumPy's ``ddof`` is accepted as an alias.
    n - correction <= 0 gives inf/nan, as torch."""
    return _moment(Var, "var", input, dim, unbiased, keepdim, correction, ddof, axis, keepdims)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, ddof=None,
        axis=None, keepdims=None):
    """Standard deviation sqrt(var) over ``dim`` (same options as :func:`var`).
    ds/dx = (x - mean) / ((n - c) s); 0 where s = 0 (as torch)."""
    return _moment(Std, "std", input, dim, unbiased, keepdim, correction, ddof, axis, keepdims)


def _extreme(op, largest, input, dim, keepdim, axis, keepdims):
    _check_tensor(op, input)
    if isinstance(dim, Tensor):             # torch.max(a, b): the elementwise maximum
        from .elementwise import maximum, minimum
        return (maximum if largest else minimum)(input, dim)
    if dim is None and axis is None:
        if keepdims or keepdim:
            raise TypeError(f"{op}: keepdim needs a dim (max(x) reduces everything)")
        _check_nonempty(op, input.shape, None)
        return AMax.apply(input, axes=None, keepdim=False, largest=largest)
    d = _single_dim(op, input, dim, axis)
    keepdim = bool(keepdim if keepdims is None else keepdims)
    _check_nonempty(op, input.shape, (d,) if input.ndim else None)
    data = input.data
    if input.ndim:
        idx = (data.argmax(axis=d, keepdims=True) if largest
               else data.argmin(axis=d, keepdims=True)).astype(np.int64)
    else:
        idx = get_array_module(data).zeros((), np.int64)
    values = TakeAlongDim.apply(input, idx, dim=d, keepdim=keepdim)
    indices = idx if keepdim or not input.ndim else idx.squeeze(axis=d)
    return getattr(return_types, op)(values, _wrap(indices, False, None, 0))


def max(input, dim=None, keepdim=False, *, axis=None, keepdims=None):  # noqa: A001
    """Largest value.

    * ``max(x)``: a 0-d tensor; the gradient is split evenly among tied maxima (as torch).
    * ``max(x, dim, keepdim=False)``: a namedtuple ``(values, indices)`` (int64 indices of the
      first maximum in each slice); the whole gradient goes to that index.
    * ``max(x, other)`` with a tensor ``other``: the elementwise :func:`maximum`.
    NaN propagates (a NaN is the maximum)."""
    return _extreme("max", True, input, dim, keepdim, axis, keepdims)


def min(input, dim=None, keepdim=False, *, axis=None, keepdims=None):  # noqa: A001
    """Smallest value; see :func:`max` for the forms, indices and tie rules."""
    return _extreme("min", False, input, dim, keepdim, axis, keepdims)


def _amax(op, largest, input, dim, keepdim, axis, keepdims):
    _check_tensor(op, input)
    axes, keepdim = _axes(op, input, dim, axis, keepdim, keepdims)
    _check_nonempty(op, input.shape, axes)
    return AMax.apply(input, axes=axes, keepdim=keepdim, largest=largest)


def amax(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """Maximum over ``dim`` (int or tuple; all dims for None or ``()``). Values only; the gradient
    is split evenly among the tied maxima of each slice (as torch.amax)."""
    return _amax("amax", True, input, dim, keepdim, axis, keepdims)


def amin(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """Minimum over ``dim``; the gradient is split evenly among tied minima (as torch.amin)."""
    return _amax("amin", False, input, dim, keepdim, axis, keepdims)


def logsumexp(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """Stable log(sum(exp(x))) over ``dim`` (int or tuple; all dims when None):
    y = m + log sum exp(x - m), m = max; dx = dy softmax(x)."""
    _check_tensor("logsumexp", input)
    _check_float("logsumexp", input)
    axes, keepdim = _axes("logsumexp", input, dim, axis, keepdim, keepdims)
    _check_nonempty("logsumexp", input.shape, axes)
    return LogSumExp.apply(input, axes=axes, keepdim=keepdim)


def prod(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """Product over one ``dim`` (all elements when None). dx_j = dy prod_{i != j} x_i, exact when
    the input has zeros (no division)."""
    _check_tensor("prod", input)
    if dtype is not None:
        input = input.to(dtype=dtype)
    elif input.dtype.kind in "biu":
        input = input.to(dtype=np.int64)
    keepdim = bool(keepdim if keepdims is None else keepdims)
    if dim is None and axis is None or input.ndim == 0:
        d = None
    else:
        d = _single_dim("prod", input, dim, axis)
    return Prod.apply(input, dim=d, keepdim=keepdim)


def norm(input, p="fro", dim=None, keepdim=False, dtype=None, *, eps=0.0, axis=None,
         keepdims=None):
    """Vector p-norm over ``dim`` (int or tuple; all elements when None), as ``torch.norm``.

    ``p``: 'fro' (= 2 over the given dims), any real number (sum |x|^p)^(1/p), ``inf`` (max |x|),
    ``-inf`` (min |x|), 0 (count of non-zeros, zero gradient). ``eps`` (not in torch) is added
    inside the root: (sum |x|^p + eps)^(1/p), which keeps the gradient of an all-zero vector
    finite (capsule squash). Gradient: see :class:`Norm`; at y = 0 the subgradient 0 is used."""
    _check_tensor("norm", input)
    if dtype is not None:
        input = input.to(dtype=dtype)
    _check_float("norm", input)
    if p == "fro" or p is None:
        p = 2.0
    elif p == "nuc":
        raise NotImplementedError("norm: the nuclear norm (p='nuc') needs an SVD and is not "
                                  "implemented; use p='fro', a number or inf")
    elif isinstance(p, str) or not isinstance(p, numbers.Real):
        raise ValueError(f"norm: p must be 'fro', a real number or +-inf, got {p!r}")
    if eps < 0:
        raise ValueError(f"norm: eps must be >= 0, got {eps}")
    axes, keepdim = _axes("norm", input, dim, axis, keepdim, keepdims)
    if math.isinf(p):
        _check_nonempty("norm", input.shape, axes)
    return Norm.apply(input, p=float(p), axes=axes, keepdim=keepdim, eps=eps)


def cumsum(input, dim=None, *, dtype=None, axis=None):
    """Cumulative sum along ``dim`` (NumPy: the flattened input when dim/axis is None).
    y_i = sum_{j <= i} x_j; dx = reversed cumulative sum of dy."""
    _check_tensor("cumsum", input)
    if dtype is not None:
        input = input.to(dtype=dtype)
    elif input.dtype.kind in "biu":
        input = input.to(dtype=np.int64)
    d = None if dim is None and axis is None else _single_dim("cumsum", input, dim, axis)
    if input.ndim == 0:
        d = None
    return Cumsum.apply(input, dim=d)


# ----------------------------------------------------------------------------- no gradient

def _arg_extreme(op, largest, input, dim, keepdim, axis, keepdims):
    _check_tensor(op, input)
    keepdim = bool(keepdim if keepdims is None else keepdims)
    data = input.data
    if dim is None and axis is None:
        _check_nonempty(op, input.shape, None)
        idx = data.argmax() if largest else data.argmin()
        idx = idx.astype(np.int64).reshape((1,) * input.ndim if keepdim else ())
    else:
        d = _single_dim(op, input, dim, axis)
        if input.ndim == 0:
            idx = get_array_module(data).zeros((), np.int64)
        else:
            _check_nonempty(op, input.shape, (d,))
            idx = (data.argmax(axis=d, keepdims=keepdim) if largest
                   else data.argmin(axis=d, keepdims=keepdim)).astype(np.int64)
    return _wrap(idx, False, None, 0)


def argmax(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """Index (int64) of the first maximum along ``dim`` (of the flattened input when None).
    Not differentiable."""
    return _arg_extreme("argmax", True, input, dim, keepdim, axis, keepdims)


def argmin(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """Index (int64) of the first minimum along ``dim`` (flattened when None). Not differentiable."""
    return _arg_extreme("argmin", False, input, dim, keepdim, axis, keepdims)


def _logical(op, input, dim, keepdim, axis, keepdims):
    _check_tensor(op, input)
    axes, keepdim = _axes(op, input, dim, axis, keepdim, keepdims)
    data = input.data
    out = data.all(axis=axes, keepdims=keepdim) if op == "all" else data.any(axis=axes, keepdims=keepdim)
    return _wrap(out, False, None, 0)


def all(input, dim=None, keepdim=False, *, axis=None, keepdims=None):  # noqa: A001
    """True where every element over ``dim`` is non-zero (bool, not differentiable)."""
    return _logical("all", input, dim, keepdim, axis, keepdims)


def any(input, dim=None, keepdim=False, *, axis=None, keepdims=None):  # noqa: A001
    """True where some element over ``dim`` is non-zero (bool, not differentiable)."""
    return _logical("any", input, dim, keepdim, axis, keepdims)


def _sort_indices(data, dim, descending):
    """Stable argsort along ``dim`` with NaN as the largest value (last ascending, first
    descending), as torch.sort."""
    xp = get_array_module(data)
    if data.ndim == 0:
        return xp.zeros((), np.int64)
    if not descending:
        return np.argsort(data, axis=dim, kind="stable").astype(np.int64)
    nan = np.isnan(data) if data.dtype.kind == "f" else None
    key = ~data if data.dtype.kind == "b" else -(data.astype(np.int64) if data.dtype.kind == "u" else data)
    if nan is not None and bool(nan.any()):
        order = np.argsort(np.where(nan, 0, key), axis=dim, kind="stable")
        first = np.argsort(~np.take_along_axis(nan, order, axis=dim), axis=dim, kind="stable")
        return np.take_along_axis(order, first, axis=dim).astype(np.int64)
    return np.argsort(key, axis=dim, kind="stable").astype(np.int64)


def sort(input, dim=-1, descending=False, stable=False, *, axis=None):
    """Sort along ``dim``: a namedtuple (values, indices). Always stable (ties keep their
    order), NaN sorts as the largest value. dx = dy scattered back to the original positions;
    indices carry no gradient."""
    _check_tensor("sort", input)
    d = _single_dim("sort", input, None if axis is not None else dim, axis)
    idx = _sort_indices(input.data, d, descending)
    values = TakeAlongDim.apply(input, idx, dim=d, keepdim=True)
    return return_types.sort(values, _wrap(idx, False, None, 0))


def argsort(input, dim=-1, descending=False, stable=False, *, axis=None):
    """Indices (int64) that sort ``input`` along ``dim``: stable, NaN last ascending / first
    descending. Not differentiable."""
    _check_tensor("argsort", input)
    d = _single_dim("argsort", input, None if axis is not None else dim, axis)
    return _wrap(_sort_indices(input.data, d, descending), False, None, 0)


def topk(input, k, dim=-1, largest=True, sorted=True, *, axis=None):  # noqa: A002
    """The ``k`` largest (``largest=False``: smallest) values along ``dim`` and their int64
    indices, as a namedtuple (values, indices). ``sorted=True`` orders them best first;
    ``sorted=False`` keeps them in index order. Ties: earlier index first. dx = dy scattered at
    the indices (zeros elsewhere)."""
    _check_tensor("topk", input)
    d = _single_dim("topk", input, None if axis is not None else dim, axis)
    n = input.shape[d] if input.ndim else 1
    if not isinstance(k, numbers.Integral) or not 0 <= k <= n:
        raise ValueError(f"topk: k must be an int in [0, {n}] (size of dim {d} of the input of "
                         f"shape {input.shape}), got {k!r}")
    data = input.data
    idx = _sort_indices(data, d, largest)
    if input.ndim:
        idx = idx[(slice(None),) * d + (slice(0, k),)]
        if not sorted:
            idx = np.sort(idx, axis=d)
    values = TakeAlongDim.apply(input, idx, dim=d, keepdim=True)
    return return_types.topk(values, _wrap(idx, False, None, 0))
