"""Small helpers shared by the op families: argument normalisation and error messages."""
import numbers

import numpy as np

from ..tensor import Tensor, _as_array


def lift(value, ref):
    """Make ``value`` usable beside tensor ``ref``: Python numbers stay numbers (they adopt the
    tensor's dtype), arrays and lists become constant tensors on ``ref``'s device."""
    if isinstance(value, (Tensor, numbers.Number)) or not isinstance(ref, Tensor):
        return value
    return Tensor(_as_array(value, None, ref.device))


def shape_of(a):
    return tuple(a.shape) if hasattr(a, "shape") else ()


def check_broadcast(op, *operands):
    """Raise a ValueError naming ``op`` and the shapes when they do not broadcast together."""
    shapes = [shape_of(a) for a in operands]
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        raise ValueError(f"{op}: shapes {' and '.join(str(s) for s in shapes)} cannot be broadcast "
                         "together (trailing dimensions must be equal or 1)") from None


def normalize_dim(dim, ndim, op="op"):
    """A dimension index in [0, ndim) from a possibly negative ``dim``."""
    if not -max(ndim, 1) <= dim < max(ndim, 1):
        raise IndexError(f"{op}: dimension {dim} is out of range for a tensor with {ndim} dims "
                         f"(expected {-max(ndim, 1)} .. {max(ndim, 1) - 1})")
    return dim % max(ndim, 1)


def normalize_dims(dim, ndim, op="op"):
    """``None`` (all axes) or a sorted tuple of non-negative axes from an int or a sequence."""
    if dim is None:
        return None
    if isinstance(dim, numbers.Integral):
        dim = (dim,)
    axes = tuple(sorted(normalize_dim(int(d), ndim, op) for d in dim))
    if len(set(axes)) != len(axes):
        raise ValueError(f"{op}: repeated dimension in {dim}")
    return axes


def dim_alias(op, dim, axis, keepdim, keepdims):
    """Accept NumPy's ``axis``/``keepdims`` as aliases of PyTorch's ``dim``/``keepdim``."""
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{op}: give either dim= or axis=, not both")
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    return dim, bool(keepdim)


def as_shape(op, shape, what="shape entries"):
    """Accept ``f(x, 2, 3)`` and ``f(x, (2, 3))`` shape (or dims: ``what="dimensions"``) arguments."""
    if len(shape) == 1 and not isinstance(shape[0], numbers.Integral):
        shape = tuple(shape[0])
    for s in shape:
        if not isinstance(s, numbers.Integral):
            raise TypeError(f"{op}: {what} must be integers, got {shape!r}")
    return tuple(int(s) for s in shape)
