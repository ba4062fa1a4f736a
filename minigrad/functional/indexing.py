"""Indexing ops: ``x[idx]`` (:func:`index`), ``x[idx] = v`` (:func:`index_put`), gather/scatter,
index_select/index_add, masks, one_hot.

Two Functions do all the differentiable work:

* :class:`Index`, y = x[idx] with NumPy's full semantics (ints, slices with any step, None,
  Ellipsis, integer arrays/tensors, bool masks, mixed basic + advanced). Backward writes dy into
  zeros of x's shape at the same positions: plain assignment when every element of x is read at
  most once (basic indexing, masks), ``backend.scatter_add`` when integer arrays may repeat an
  index, so repeated reads accumulate their gradients.
* :class:`IndexPut`, y = x with y[idx] = v (or += v). dx is dy with the overwritten entries
  zeroed (all of dy when accumulating), dv = dy[idx] (reduced to v's shape by the engine).

gather, index_select, take_along_dim, masked_select and narrow are :class:`Index` with a
constructed index; scatter, scatter_add and index_add are :class:`IndexPut`; masked_fill is
``where``. Indices are checked up front: out-of-range entries and non-integer index tensors raise
an ``IndexError`` naming the op, the index and the shape (CuPy would silently wrap them).
"""
import numbers

import numpy as np

from ..autograd import Function
from ..backend import DeviceError, device_of, get_array_module, scatter_add as _scatter_add
from ..backend import to_device
from ..tensor import Tensor, _wrap
from ._util import lift, normalize_dim
from .elementwise import mul, where
from .shape import expand, reshape, share_version

__all__ = [
    "index", "index_put", "gather", "scatter", "scatter_add", "index_select", "index_add",
    "masked_fill", "masked_select", "take_along_dim", "narrow", "one_hot",
]


# ----------------------------------------------------------------------------- index handling

def _is_array(a):
    return hasattr(a, "dtype") and hasattr(a, "ndim") and not isinstance(a, np.generic)


def _raw_item(item, like):
    if isinstance(item, Tensor):
        item = item.data
    elif isinstance(item, list):
        item = np.asarray(item) if item else np.zeros(0, np.intp)
    if _is_array(item) and like is not None and device_of(item) != device_of(like):
        item = to_device(item, device_of(like))
    return item


def _raw_index(index, like=None):
    """The index with every Tensor (also inside a tuple) replaced by its array and lists made
    arrays. With ``like`` (the array to be indexed) index arrays are moved to its device and
    every entry is checked against its shape (``IndexError`` for out-of-range entries)."""
    if like is not None:
        return _prepare_index("__setitem__", like, index)[0]
    if isinstance(index, tuple):
        return tuple(_raw_item(i, None) for i in index)
    return _raw_item(index, None)


def _bad_entry(op, item):
    kind = f"a {item.dtype} array" if _is_array(item) else f"{item!r} of type {type(item).__name__}"
    return IndexError(f"{op}: invalid index entry {kind}: indices must be integers, slices, None, "
                      "Ellipsis, bools, or integer/bool arrays or tensors (convert float index "
                      "tensors with .long())")


def _check_range(op, lo, hi, n, dim, shape, allow_negative=True):
    if hi >= n or lo < (-n if allow_negative else 0):
        bad = hi if hi >= n else lo
        valid = f"{-n} .. {n - 1}" if allow_negative else f"0 .. {n - 1}"
        raise IndexError(f"{op}: index {bad} is out of range for dim {dim} of size {n} (tensor "
                         f"of shape {shape}; valid indices are {valid})")


def _prepare_index(op, x, index):
    """Check ``index`` against array ``x``; return (raw index, whether integer arrays occur,
    whether it is basic indexing only)."""
    shape = tuple(x.shape)
    items = [_raw_item(i, x) for i in (index if isinstance(index, tuple) else (index,))]
    dims, ellipses, basic, has_int = [], 0, True, False
    for it in items:
        if it is None:
            dims.append(0)
        elif it is Ellipsis:
            dims.append(None)
            ellipses += 1
        elif isinstance(it, (bool, np.bool_)):
            dims.append(0)
            basic = False
        elif isinstance(it, (numbers.Integral, slice)):
            dims.append(1)
        elif _is_array(it) and it.dtype.kind == "b":
            dims.append(it.ndim)
            basic = False
        elif _is_array(it) and it.dtype.kind in "iu":
            dims.append(1)
            basic, has_int = False, True
        else:
            raise _bad_entry(op, it)
    if ellipses > 1:
        raise IndexError(f"{op}: an index can only have a single Ellipsis (...), got {index!r}")
    used = sum(d for d in dims if d is not None)
    if used > len(shape):
        raise IndexError(f"{op}: too many indices for a tensor of shape {shape}: the index "
                         f"addresses {used} dims")
    pos = 0
    for it, d in zip(items, dims):
        if d is None:
            pos += len(shape) - used
            continue
        if isinstance(it, numbers.Integral) and not isinstance(it, (bool, np.bool_)):
            _check_range(op, int(it), int(it), shape[pos], pos, shape)
        elif _is_array(it) and it.dtype.kind in "iu" and it.size:
            _check_range(op, int(it.min()), int(it.max()), shape[pos], pos, shape)
        elif _is_array(it) and it.dtype.kind == "b" and tuple(it.shape) != shape[pos:pos + d]:
            raise IndexError(f"{op}: boolean mask of shape {tuple(it.shape)} does not match the "
                             f"sizes {shape[pos:pos + d]} of dims {pos}..{pos + d - 1} of the "
                             f"tensor of shape {shape}")
        pos += d
    if basic and not ellipses:
        items.append(Ellipsis)          # x[0, 1, ...] is a 0-d view where x[0, 1] is a scalar copy
    raw = tuple(items) if isinstance(index, tuple) or len(items) > 1 else items[0]
    return raw, has_int, basic


def _int_tensor(op, name, t, x):
    """The array of an integer index tensor, on ``x``'s device (a clear error otherwise)."""
    a = t.data if isinstance(t, Tensor) else np.asarray(t)
    if a.dtype.kind not in "iu":
        raise IndexError(f"{op}: {name} must be an integer (int64) tensor, got dtype {a.dtype}")
    if device_of(a) != x.device:
        raise DeviceError(f"{op}: {name} is on {device_of(a)} but input is on {x.device}")
    return a


# ----------------------------------------------------------------------------- Functions

class Index(Function):
    """y = x[idx] (NumPy indexing);  dx = zeros(x.shape) with dx[idx] = dy for basic indexing
    and masks (each element read at most once), or scatter_add(zeros, idx, dy) when integer
    arrays may read an element several times (their gradients accumulate)."""
    save_inputs = False

    def forward(self, x, index=None, accumulate=False):
        self.shape, self.index, self.accumulate = x.shape, index, accumulate
        return x[index]

    def backward(self, g):
        dx = get_array_module(g).zeros(self.shape, g.dtype)
        if self.accumulate:
            return _scatter_add(dx, self.index, g)
        dx[self.index] = g
        return dx


class IndexPut(Function):
    """y = copy of x with y[idx] = v (``accumulate``: y[idx] += v, repeated indices adding up);
    dx = dy with the written entries zeroed (``accumulate``: dx = dy); dv = dy[idx], summed to
    v's shape. With repeated indices and no accumulation the surviving write is unspecified (as
    in torch) and every copy of v receives dy of its target."""
    save_inputs = False

    def forward(self, x, v, index=None, accumulate=False):
        self.index, self.accumulate = index, accumulate
        self.vndim = getattr(v, "ndim", 0)
        y = x.copy()
        if accumulate:
            _scatter_add(y, index, v)
        else:
            y[index] = v
        return y

    def backward(self, g):
        dx = dv = None
        if self._edges[0] is not None:
            dx = g
            if not self.accumulate:
                dx = g.copy()
                dx[self.index] = 0
        if self._edges[1] is not None:
            dv = g[self.index]
            if self.vndim > dv.ndim:            # v had extra leading 1s (NumPy allows that)
                dv = dv.reshape((1,) * (self.vndim - dv.ndim) + dv.shape)
        return dx, dv


# ----------------------------------------------------------------------------- x[idx], x[idx] = v

def index(input, idx):
    """``input[idx]`` with NumPy semantics (what ``Tensor.__getitem__`` calls).

    Basic indexing (ints, slices incl. negative steps, None, Ellipsis) returns a view sharing
    memory and version counter with ``input``; integer arrays/tensors and bool masks return a
    copy, mixed with basic entries exactly as NumPy. dx = zeros with dy written back at the
    indexed positions (scatter-added for integer arrays: repeated indices accumulate)."""
    raw, has_int, _ = _prepare_index("index", input.data, idx)
    return share_version(Index.apply(input, index=raw, accumulate=has_int), input)


def index_put(input, indices, values, accumulate=False):
    """A copy of ``input`` with ``out[indices] = values`` (``accumulate=True``: ``+=``, repeated
    indices adding up), what ``Tensor.__setitem__`` records in grad mode. ``indices`` is any
    index :func:`index` accepts (torch's tuple of index tensors included); ``values`` broadcasts
    to ``input[indices]``. dx = dy with the written entries zeroed (accumulate: dy);
    dvalues = dy[indices] summed to values' shape."""
    raw, _, _ = _prepare_index("index_put", input.data, indices)
    if not isinstance(values, (Tensor, numbers.Number)):
        values = lift(values, input)
    try:
        return IndexPut.apply(input, values, index=raw, accumulate=bool(accumulate))
    except ValueError as e:
        raise ValueError(f"index_put: values of shape {tuple(getattr(values, 'shape', ()))} "
                         f"cannot be written into the indexed part of the tensor of shape "
                         f"{input.shape} ({e})") from None


_index = index


# ----------------------------------------------------------------------------- along a dim

def _along(xp, idx, dim):
    """The index tuple that reads ``x[..., idx[i, j, k], ...]`` at position (i, j, k): ``idx``
    for ``dim``, broadcast aranges for the other dims."""
    nd = idx.ndim
    return tuple(idx if a == dim else xp.arange(n).reshape((1,) * a + (n,) + (1,) * (nd - a - 1))
                 for a, n in enumerate(idx.shape))


def _gather_index(op, input, dim, index, allow_negative=False):
    """Validated (index tuple, index shape) for gather/scatter-style ops (torch's shape rules)."""
    a = _int_tensor(op, "index", index, input)
    if input.ndim == 0 or a.ndim != input.ndim:
        raise ValueError(f"{op}: index must have as many dims as input (at least 1), got index "
                         f"of shape {tuple(a.shape)} for input of shape {input.shape}")
    d = normalize_dim(dim, input.ndim, op)
    for k, (ni, nx) in enumerate(zip(a.shape, input.shape)):
        if k != d and ni > nx:
            raise ValueError(f"{op}: index of shape {tuple(a.shape)} is larger than input of "
                             f"shape {input.shape} in dim {k} (only dim {dim} may differ)")
    if a.size:
        _check_range(op, int(a.min()), int(a.max()), input.shape[d], d, input.shape,
                     allow_negative)
    return _along(get_array_module(a), a, d), tuple(a.shape)


def gather(input, dim, index):
    """out[i][j][k] = input[index[i][j][k]][j][k] for dim=0 (likewise for other dims), as
    ``torch.gather``: index has input's number of dims and is no larger outside ``dim``.
    dx = dy scatter-added into zeros at the gathered positions (repeats accumulate)."""
    pos, _ = _gather_index("gather", input, dim, index)
    return Index.apply(input, index=pos, accumulate=True)


def _scatter(op, input, dim, index, src, accumulate):
    pos, shape = _gather_index(op, input, dim, index)
    if isinstance(src, Tensor):
        if src.ndim != len(shape) or any(s < n for s, n in zip(src.shape, shape)):
            raise ValueError(f"{op}: src of shape {src.shape} must have index's {len(shape)} dims "
                             f"and be at least as large as index {shape} in each")
        if src.shape != shape:
            src = _index(src, tuple(slice(0, n) for n in shape))
    elif not isinstance(src, numbers.Number):
        raise TypeError(f"{op}: src must be a Tensor or a number, got {type(src).__name__}")
    return IndexPut.apply(input, src, index=pos, accumulate=accumulate)



def scatter_add(input, dim, index, src):
    """out = input; out[index[i][j][k]][j][k] += src[i][j][k] for dim=0 (likewise for other
    dims), repeated indices accumulating, as ``torch.scatter_add``. Only the leading
    ``index.shape`` block of ``src`` is used. dinput = dy; dsrc = dy gathered at the positions."""
    return _scatter("scatter_add", input, dim, index, src, True)


def scatter(input, dim, index, src=None, value=None):
    """out = input; out[index[i][j][k]][j][k] = src[i][j][k] for dim=0 (or ``value``), as
    ``torch.scatter``. With repeated indices the surviving write is unspecified (as in torch).
    Gradient: dinput = dy with the written positions zeroed; dsrc = dy gathered at the positions
    (every copy gets the gradient of its target, torch's rule)."""
    if (src is None) == (value is None):
        raise TypeError("scatter: give exactly one of src (a tensor or number) and value")
    return _scatter("scatter", input, dim, index, src if value is None else value, False)


def _select_index(op, input, dim, index):
    a = _int_tensor(op, "index", index, input)
    if a.ndim > 1:
        raise ValueError(f"{op}: index must be 0-D or 1-D, got shape {tuple(a.shape)}")
    d = normalize_dim(dim, input.ndim, op)
    n = input.shape[d] if input.ndim else 1
    if a.size:
        _check_range(op, int(a.min()), int(a.max()), n, d, input.shape, allow_negative=False)
    return (slice(None),) * d + (a.reshape(-1),)


def index_select(input, dim, index):
    """The entries ``index`` (1-D int tensor, repeats allowed) along ``dim``, as
    ``torch.index_select``. dx = dy scatter-added back along ``dim`` (repeats accumulate)."""
    return Index.apply(input, index=_select_index("index_select", input, dim, index),
                       accumulate=True)


def index_add(input, dim, index, source, alpha=1):
    """out = input; out[..., index[i], ...] += alpha * source[..., i, ...] along ``dim``
    (repeated indices accumulate), as ``torch.index_add``. dinput = dy;
    dsource = alpha * dy[..., index, ...]."""
    pos = _select_index("index_add", input, dim, index)
    expected = input.shape[:len(pos) - 1] + (pos[-1].shape[0],) + input.shape[len(pos):]
    if not isinstance(source, Tensor) or source.shape != expected:
        raise ValueError(f"index_add: source must be a tensor of shape {expected} (input "
                         f"{input.shape} with dim {dim} of size len(index)), got "
                         f"{getattr(source, 'shape', type(source).__name__)}")
    if alpha != 1:
        source = mul(source, alpha)
    return IndexPut.apply(input, source, index=pos, accumulate=True)


def take_along_dim(input, indices, dim=None):
    """Pick values along ``dim`` at ``indices`` (negative indices count from the end),
    broadcasting input and indices in the other dims, as ``torch.take_along_dim``/
    ``np.take_along_axis``; ``dim=None`` works on both flattened.
    dx = dy scatter-added back (repeats accumulate, broadcasting undone)."""
    a = _int_tensor("take_along_dim", "indices", indices, input)
    if dim is None:
        return index(reshape(input, -1), _wrap(a.reshape(-1), False, None, 0))
    if a.ndim != input.ndim:
        raise ValueError(f"take_along_dim: indices of shape {tuple(a.shape)} must have as many "
                         f"dims as input of shape {input.shape}")
    d = normalize_dim(dim, input.ndim, "take_along_dim")
    xs, ixs = list(input.shape), list(a.shape)
    xs[d] = ixs[d] = 1
    try:
        common = list(np.broadcast_shapes(tuple(xs), tuple(ixs)))
    except ValueError:
        raise ValueError(f"take_along_dim: input of shape {input.shape} and indices of shape "
                         f"{tuple(a.shape)} do not broadcast outside dim {dim}") from None
    n = input.shape[d]
    if a.size:
        _check_range("take_along_dim", int(a.min()), int(a.max()), n, d, input.shape)
    xp = get_array_module(a)
    common[d] = a.shape[d]
    idx = xp.broadcast_to(xp.where(a < 0, a + n, a), tuple(common))
    common[d] = n
    return Index.apply(expand(input, tuple(common)), index=_along(xp, idx, d), accumulate=True)


def narrow(input, dim, start, length):
    """``input[..., start:start + length, ...]`` along ``dim`` (a view), as ``torch.narrow``;
    ``start`` may be negative. dx = dy written into zeros at that block."""
    d = normalize_dim(dim, input.ndim, "narrow")
    n = input.shape[d]
    s = start + n if start < 0 else start
    if not 0 <= s <= n or length < 0 or s + length > n:
        raise IndexError(f"narrow: start {start} and length {length} do not fit in dim {dim} of "
                         f"size {n} (tensor of shape {input.shape})")
    return index(input, (slice(None),) * d + (slice(s, s + length),))


# ----------------------------------------------------------------------------- masks

def _mask_array(op, mask, input):
    m = mask.data if isinstance(mask, Tensor) else np.asarray(mask)
    if m.dtype != np.bool_:
        raise TypeError(f"{op}: mask must be a bool tensor, got dtype {m.dtype}")
    if device_of(m) != input.device:
        raise DeviceError(f"{op}: mask is on {device_of(m)} but input is on {input.device}")
    return m


def masked_fill(input, mask, value):
    """``value`` where ``mask`` is true, else ``input`` (mask broadcasts to input's shape; value
    is a number, -inf included, or a 0-d tensor), as ``torch.masked_fill``.
    dx = dy where not mask; dvalue = sum of dy where mask."""
    m = _mask_array("masked_fill", mask, input)
    try:
        ok = np.broadcast_shapes(tuple(m.shape), input.shape) == input.shape
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"masked_fill: mask of shape {tuple(m.shape)} does not broadcast to "
                         f"the input's shape {input.shape}")
    if isinstance(value, Tensor) and value.ndim != 0:
        raise ValueError(f"masked_fill: value must be a number or a 0-d tensor, got a tensor of "
                         f"shape {value.shape}")
    return where(_wrap(m, False, None, 0), value, input)


def masked_select(input, mask):
    """The entries of ``input`` where ``mask`` is true, as a 1-D tensor in row-major order
    (input and mask broadcast together), as ``torch.masked_select``.
    dx = dy written back at the selected positions (broadcasting undone)."""
    m = _mask_array("masked_select", mask, input)
    try:
        shape = tuple(np.broadcast_shapes(tuple(m.shape), input.shape))
    except ValueError:
        raise ValueError(f"masked_select: mask of shape {tuple(m.shape)} and input of shape "
                         f"{input.shape} cannot be broadcast together") from None
    m = get_array_module(m).broadcast_to(m, shape)
    return Index.apply(expand(input, shape), index=m, accumulate=False)


# ----------------------------------------------------------------------------- not differentiable

def one_hot(tensor, num_classes=-1):
    """int64 one-hot encoding with a new last dim: out[..., c] = 1 where tensor[...] == c, as
    ``torch.nn.functional.one_hot``; ``num_classes=-1`` uses max + 1. No gradient."""
    a = tensor.data if isinstance(tensor, Tensor) else np.asarray(tensor)
    if a.dtype.kind not in "iu":
        raise TypeError(f"one_hot: expected an integer (int64) class-index tensor, got dtype "
                        f"{a.dtype}")
    if num_classes == -1:
        if a.size == 0:
            raise ValueError("one_hot: cannot infer num_classes from an empty tensor; pass it")
        num_classes = int(a.max()) + 1
    if a.size and (int(a.min()) < 0 or int(a.max()) >= num_classes):
        raise ValueError(f"one_hot: class indices must be in 0 .. {num_classes - 1}, got values "
                         f"from {int(a.min())} to {int(a.max())}")
    xp = get_array_module(a)
    return _wrap((a[..., None] == xp.arange(num_classes)).astype(np.int64), False, None, 0)
