"""Tensor: an array on a device plus what autograd needs (``requires_grad``, ``grad``, its node).

A tensor wraps a NumPy (CPU) or CuPy (GPU) array in ``.data``. Tensors made by the user are
*leaves*; tensors produced by a recorded op point at that op's graph node (``grad_fn``).
``backward()`` fills ``.grad`` of every leaf that requires grad. Every op of
``minigrad.functional`` is also a method here (``x.exp()``, ``x.sum(dim=1)``, ``x.reshape(2, 3)``).
"""
import weakref

import numpy as np

from . import autograd
from .backend import device_of, get_array_module, normalize_device, to_device, to_numpy
from .dtypes import DEFAULT_FLOAT, as_dtype


def _wrap(data, requires_grad, node, idx):
    """Fast internal constructor: no checks, no copies."""
    if not hasattr(data, "shape") or isinstance(data, np.generic):
        data = np.asarray(data)
    t = object.__new__(Tensor)
    t.data = data
    t.grad = None
    t.requires_grad = requires_grad
    t._node = node
    t._out_idx = idx
    t._vc = [0]
    t._hooks = None
    t.name = None
    return t


def _as_array(data, dtype, device):
    """Convert user data (nested lists, scalars, arrays, tensors) to an array on ``device``."""
    if isinstance(data, Tensor):
        data = data.data
    if hasattr(data, "__cuda_array_interface__") or type(data).__module__.startswith("cupy"):
        arr = data
    else:
        arr = np.asarray(data)
        if dtype is None and not isinstance(data, np.ndarray) and arr.dtype == np.float64:
            arr = arr.astype(DEFAULT_FLOAT)     # Python floats -> float32, as torch.tensor does
    if dtype is not None and arr.dtype != dtype:
        arr = arr.astype(dtype)
    if device is not None:
        arr = to_device(arr, device)
    return arr


class Tensor:
    """An n-dimensional array with reverse-mode autograd.

    ``Tensor(data, dtype=None, device=None, requires_grad=False)`` wraps ``data`` without copying
    when it is already an array of the right dtype and device (use :func:`minigrad.tensor` for a
    copy). Only floating-point tensors may require gradients.
    """
    __slots__ = ("data", "grad", "requires_grad", "_node", "_out_idx", "_vc", "_hooks", "name",
                 "__weakref__")
    __array_priority__ = 1000          # make ``ndarray + Tensor`` call Tensor.__radd__
    __hash__ = object.__hash__

    def __init__(self, data, dtype=None, device=None, requires_grad=False):
        dtype = as_dtype(dtype)
        self.data = _as_array(data, dtype, None if device is None else normalize_device(device))
        self.grad = None
        self.requires_grad = False
        self._node = None
        self._out_idx = 0
        self._vc = [0]
        self._hooks = None
        self.name = None
        if requires_grad:
            self.requires_grad_(True)

    # ------------------------------------------------------------------ properties
    @property
    def shape(self):
        return tuple(self.data.shape)

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def device(self):
        return device_of(self.data)

    @property
    def is_leaf(self):
        return self._node is None

    @property
    def grad_fn(self):
        """The graph node that produced this tensor (``None`` for leaves)."""
        return self._node

    @property
    def is_cuda(self):
        return self.device == "cuda"

    @property
    def T(self):
        """All axes reversed (a 2-D matrix is transposed)."""
        return _F.permute(self, *reversed(range(self.ndim)))

    @property
    def mT(self):
        """The last two axes swapped."""
        return _F.transpose(self, -2, -1)

    def numel(self):
        return int(self.data.size)

    def size(self, dim=None):
        """The shape, or its entry ``dim``, as ``torch.Tensor.size``."""
        return self.shape if dim is None else self.shape[dim]

    def dim(self):
        return self.data.ndim

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    # ------------------------------------------------------------------ autograd
    def requires_grad_(self, requires_grad=True):
        """Set ``requires_grad`` in place (leaves only); returns self."""
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(f"only floating-point tensors can require gradients; this tensor has "
                            f"dtype {self.dtype}. Convert it first, e.g. x.float().")
        if not requires_grad and self._node is not None:
            raise RuntimeError("requires_grad_(False) on a non-leaf tensor: use .detach() instead")
        self.requires_grad = bool(requires_grad)
        return self

    def backward(self, gradient=None, retain_graph=False):
        """Accumulate d(self)/d(leaf) (times ``gradient``) into ``leaf.grad`` for every leaf.

        ``gradient`` is required unless this tensor has a single element (then it is 1)."""
        if not self.requires_grad:
            raise RuntimeError("backward() on a tensor that does not require grad: no input of the "
                               "ops that produced it has requires_grad=True (or it was computed "
                               "under no_grad())")
        if gradient is None:
            if self.data.size != 1:
                raise RuntimeError(f"backward() without `gradient` needs a single-element tensor, "
                                   f"this one has shape {self.shape}; pass gradient= of that shape "
                                   "or reduce first (e.g. loss.sum())")
            xp = get_array_module(self.data)
            g = xp.ones(self.data.shape, self.data.dtype)
        else:
            g = gradient.data if isinstance(gradient, Tensor) else _as_array(gradient, None, self.device)
            if tuple(g.shape) != self.shape:
                raise RuntimeError(f"backward(): gradient has shape {tuple(g.shape)} but the "
                                   f"tensor has shape {self.shape}")
            if device_of(g) != self.device:
                raise RuntimeError(f"backward(): gradient is on {device_of(g)} but the tensor is "
                                   f"on {self.device}")
            g = g.astype(self.data.dtype, copy=False)
        autograd.run_backward([self], [g], retain_graph)

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned tensor
        replaces the gradient. Returns a handle with ``.remove()``."""
        if not self.requires_grad:
            raise RuntimeError("register_hook on a tensor that does not require grad")
        if self._node is None:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
        else:
            node = self._node
            if node._hooks is None:
                node._hooks = {}
            hooks = node._hooks.setdefault(self._out_idx, [])
        hooks.append(hook)
        return _HookHandle(hooks, hook)

    def retain_grad(self):
        """Keep ``.grad`` for this non-leaf tensor after backward."""
        if self._node is not None:
            node = self._node
            if node._retained is None:
                node._retained = {}
            node._retained[self._out_idx] = weakref.ref(self)

    def detach(self):
        """A new leaf sharing the data, cut from the graph (stop-gradient)."""
        return _wrap(self.data, False, None, 0)

    def detach_(self):
        """Cut this tensor from the graph in place."""
        self._node = None
        self.requires_grad = False
        return self

    def zero_(self):
        return self.fill_(0)

    def fill_(self, value):
        self._write_check("fill_")
        self.data.fill(value)
        self._vc[0] += 1
        return self

    # ------------------------------------------------------------------ conversion
    def item(self):
        if self.data.size != 1:
            raise ValueError(f"item() needs a single-element tensor, got shape {self.shape}")
        return self.data.reshape(()).item() if device_of(self.data) == "cpu" else self.data.item()

    def tolist(self):
        return to_numpy(self.data).tolist()

    def numpy(self):
        """The data as a NumPy array (shared memory on the CPU, a copy from the GPU)."""
        return to_numpy(self.data)

    def __array__(self, dtype=None, copy=None):
        a = to_numpy(self.data)
        return a if dtype is None else a.astype(dtype)

    def to(self, *args, device=None, dtype=None, copy=False):
        """``to(device)``, ``to(dtype)``, ``to(device, dtype)`` or keywords; differentiable."""
        for a in args:
            if isinstance(a, str) and (a == "cpu" or a.startswith("cuda")):
                device = a
            else:
                dtype = a
        out = self
        if dtype is not None and as_dtype(dtype) != self.dtype:
            out = _F.cast(out, dtype)
        if device is not None and normalize_device(device) != out.device:
            out = _F.to_device(out, device)
        if copy and out is self:
            out = self.clone()
        return out

    def cpu(self):
        return self.to("cpu")

    def cuda(self):
        return self.to("cuda")

    def float(self):
        return self.to(dtype=np.float32)

    def double(self):
        return self.to(dtype=np.float64)

    def half(self):
        return self.to(dtype=np.float16)

    def long(self):
        return self.to(dtype=np.int64)

    def int(self):
        return self.to(dtype=np.int32)

    def bool(self):
        return self.to(dtype=np.bool_)

    def type(self, dtype):
        return self.to(dtype=dtype)

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self.dtype.kind not in "iub":
            raise TypeError(f"only integer tensors can be used as an index, got {self.dtype}")
        return int(self.item())

    def __bool__(self):
        if self.data.size != 1:
            raise ValueError(f"the truth value of a tensor with {self.data.size} elements is "
                             "ambiguous; use .any() or .all()")
        return bool(self.item())

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.data.shape[0]))

    def __dlpack__(self, stream=None, **kwargs):
        return self.data.__dlpack__(**({"stream": stream} if stream is not None else {}), **kwargs)

    def __dlpack_device__(self):
        return self.data.__dlpack_device__()

    def __repr__(self):
        body = np.array2string(to_numpy(self.data), separator=", ", prefix="tensor(")
        extra = []
        if self.device != "cpu":
            extra.append(f"device='{self.device}'")
        if self.dtype != DEFAULT_FLOAT and self.dtype.kind == "f":
            extra.append(f"dtype={self.dtype}")
        elif self.dtype.kind != "f" and self.data.size == 0:
            extra.append(f"dtype={self.dtype}")
        if self._node is not None:
            extra.append(f"grad_fn=<{self._node.name}>")
        elif self.requires_grad:
            extra.append("requires_grad=True")
        return "tensor(" + body + "".join(", " + e for e in extra) + ")"

    # ------------------------------------------------------------------ operators
    def __add__(self, other):
        return _F.add(self, other)

    def __radd__(self, other):
        return _F.add(other, self)

    def __sub__(self, other):
        return _F.sub(self, other)

    def __rsub__(self, other):
        return _F.sub(other, self)

    def __mul__(self, other):
        return _F.mul(self, other)

    def __rmul__(self, other):
        return _F.mul(other, self)

    def __truediv__(self, other):
        return _F.div(self, other)

    def __rtruediv__(self, other):
        return _F.div(other, self)

    def __pow__(self, other):
        return _F.pow(self, other)

    def __rpow__(self, other):
        return _F.pow(other, self)

    def __matmul__(self, other):
        return _F.matmul(self, other)

    def __rmatmul__(self, other):
        return _F.matmul(other, self)

    def __neg__(self):
        return _F.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _F.abs(self)

    def __floordiv__(self, other):
        return _F.floor_divide(self, other)

    def __rfloordiv__(self, other):
        return _F.floor_divide(other, self)

    def __mod__(self, other):
        return _F.remainder(self, other)

    def __eq__(self, other):
        return _F.eq(self, other)

    def __ne__(self, other):
        return _F.ne(self, other)

    def __lt__(self, other):
        return _F.lt(self, other)

    def __le__(self, other):
        return _F.le(self, other)

    def __gt__(self, other):
        return _F.gt(self, other)

    def __ge__(self, other):
        return _F.ge(self, other)

    def __and__(self, other):
        return _F.logical_and(self, other)

    def __or__(self, other):
        return _F.logical_or(self, other)

    def __xor__(self, other):
        return _F.logical_xor(self, other)

    def __invert__(self):
        return _F.logical_not(self)

    # in-place forms: see _inplace
    def __iadd__(self, other):
        return self._inplace(_F.add, np.add, other, "+=")

    def __isub__(self, other):
        return self._inplace(_F.sub, np.subtract, other, "-=")

    def __imul__(self, other):
        return self._inplace(_F.mul, np.multiply, other, "*=")

    def __itruediv__(self, other):
        return self._inplace(_F.div, np.divide, other, "/=")

    def __ipow__(self, other):
        return self._inplace(_F.pow, np.power, other, "**=")

    def add_(self, other, alpha=1):
        return self._inplace(_F.add, np.add, other if alpha == 1 else other * alpha, "add_")

    def sub_(self, other, alpha=1):
        return self._inplace(_F.sub, np.subtract, other if alpha == 1 else other * alpha, "sub_")

    def mul_(self, other):
        return self._inplace(_F.mul, np.multiply, other, "mul_")

    def div_(self, other):
        return self._inplace(_F.div, np.divide, other, "div_")

    def clamp_(self, min=None, max=None):
        return self._rebind_or_write(_F.clamp(self, min, max) if self._records(None) else None,
                                     lambda d: d.clip(min, max, out=d), "clamp_")

    def copy_(self, src):
        """Copy ``src`` into this tensor (broadcasting), as ``torch.Tensor.copy_``."""
        src_t = src if isinstance(src, Tensor) else Tensor(src)
        if self._records(src_t):
            # clone: expand gives a read-only broadcast view; this tensor must own writable memory
            return self._rebind_or_write(_F.clone(_F.expand(_F.cast(src_t, self.dtype), *self.shape)),
                                         None, "copy_")
        src_d = to_device(src_t.data, self.device)
        xp = get_array_module(self.data)
        return self._rebind_or_write(None, lambda d: xp.copyto(d, src_d, casting="unsafe"), "copy_")

    def _records(self, other):
        """Would an op on (self, other) be recorded in the graph?"""
        return autograd._grad_enabled and (
            self.requires_grad or (isinstance(other, Tensor) and other.requires_grad))

    def _write_check(self, what):
        if autograd._grad_enabled and self.requires_grad and self._node is None:
            raise RuntimeError(
                f"in-place {what} on a leaf tensor that requires grad (shape {self.shape}): this "
                "would silently change a parameter the graph depends on. Wrap the update in "
                "`with minigrad.no_grad():` (as optimizers do), or use an out-of-place op.")

    def _inplace(self, op, ufunc, other, what):
        """``self op= other``.

        In grad mode with a tensor that requires grad involved, the op is recorded out of place
        and this tensor is re-pointed at the result (arrays saved by earlier ops stay intact).
        Otherwise the array is updated truly in place and the version counter is bumped, so a
        graph that saved this array refuses to backpropagate with the stale value."""
        if self._records(other):
            return self._rebind_or_write(op(self, other), None, what)
        o = other.data if isinstance(other, Tensor) else other
        if isinstance(other, Tensor) and device_of(o) != self.device:
            raise autograd.DeviceError(f"in-place {what}: tensor on {self.device}, other operand "
                                       f"on {device_of(o)}")

        def write(d):
            try:
                ufunc(d, o, out=d, casting="same_kind")
            except (ValueError, TypeError) as e:
                kind = ValueError if isinstance(e, ValueError) else TypeError
                raise kind(f"in-place {what}: cannot write the result of shapes/dtypes "
                              f"{self.shape}/{self.dtype} and {getattr(o, 'shape', ())}/"
                              f"{getattr(o, 'dtype', type(o).__name__)} into the left operand "
                              f"of shape {self.shape} and dtype {self.dtype}: {e}") from None
        return self._rebind_or_write(None, write, what)

    def _rebind_or_write(self, result, write, what):
        self._write_check(what)
        if result is not None:
            if result.shape != self.shape:
                raise RuntimeError(f"in-place {what}: result shape {result.shape} differs from "
                                   f"the tensor's shape {self.shape} (in-place ops cannot broadcast "
                                   "the left operand)")
            if result.dtype != self.dtype:
                result = _F.cast(result, self.dtype)
            self.data, self._node, self._out_idx = result.data, result._node, result._out_idx
            self._vc = result._vc       # the old array is untouched: ops that saved it stay valid
            self.requires_grad = result.requires_grad
        else:
            write(self.data)
            self._vc[0] += 1
        return self

    def where(self, condition, other):
        """``self`` where ``condition`` holds, else ``other`` (torch's ``Tensor.where``)."""
        return _F.where(condition, self, other)

    # ------------------------------------------------------------------ indexing
    def __getitem__(self, index):
        return _F.index(self, index)

    def __setitem__(self, index, value):
        if self._records(value):
            result = _F.index_put(self, index, value)
            self._rebind_or_write(result, None, "__setitem__")
            return
        self._write_check("__setitem__")
        v = value.data if isinstance(value, Tensor) else value
        self.data[_F._raw_index(index, self.data)] = v
        self._vc[0] += 1

    # torch's in-place indexing methods: recorded out of place and rebound in grad mode (as
    # _inplace), otherwise computed without a graph and written into this tensor's memory
    def _op_inplace(self, fn, what, other, *args):
        if self._records(other):
            return self._rebind_or_write(fn(self, *args), None, what)
        with autograd.no_grad():
            r = fn(self, *args).data
        return self._rebind_or_write(None, lambda d: d.__setitem__(Ellipsis, r), what)

    def masked_fill_(self, mask, value):
        return self._op_inplace(_F.masked_fill, "masked_fill_", value, mask, value)

    def index_put_(self, indices, values, accumulate=False):
        return self._op_inplace(_F.index_put, "index_put_", values, indices, values, accumulate)

    def scatter_(self, dim, index, src=None, value=None):
        return self._op_inplace(_F.scatter, "scatter_", src, dim, index, src, value)

    def scatter_add_(self, dim, index, src):
        return self._op_inplace(_F.scatter_add, "scatter_add_", src, dim, index, src)

    def index_add_(self, dim, index, source, alpha=1):
        return self._op_inplace(_F.index_add, "index_add_", source, dim, index, source, alpha)


class _HookHandle:
    def __init__(self, hooks, hook):
        self._hooks, self._hook = hooks, hook

    def remove(self):
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


# Every functional op is also a method: x.exp(), x.sum(dim=1), x.reshape(2, 3), ...
METHODS = (
    "abs", "exp", "log", "log1p", "sqrt", "rsqrt", "square", "pow", "sin", "cos", "tanh",
    "sigmoid", "relu", "clamp", "clip", "sign", "maximum", "minimum", "reciprocal",
    "sum", "mean", "var", "std", "max", "min", "amax", "amin", "logsumexp", "prod", "norm",
    "argmax", "argmin", "cumsum", "all", "any", "topk", "sort", "argsort",
    "matmul", "outer", "reshape", "view", "flatten", "transpose", "permute", "swapaxes", "squeeze",
    "unsqueeze", "expand", "expand_as", "broadcast_to", "split", "chunk", "flip", "roll",
    "repeat", "tile", "gather", "scatter_add", "masked_fill", "softmax", "log_softmax",
    "isfinite", "isnan", "clone", "eq", "ne", "lt", "le", "gt", "ge", "logical_not",
    "view_as", "reshape_as", "floor", "ceil", "round",
    "unflatten", "movedim", "moveaxis", "swapdims", "unbind", "repeat_interleave",
    "index_select", "index_add", "index_put", "scatter", "masked_select", "take_along_dim",
    "narrow",
)

from . import functional as _F  # noqa: E402  (functional needs Tensor defined)

for _name in METHODS:
    if not hasattr(Tensor, _name) and hasattr(_F, _name):
        setattr(Tensor, _name, getattr(_F, _name))
del _name
