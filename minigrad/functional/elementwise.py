"""Elementwise ops: arithmetic with broadcasting, unary math, comparisons, casts.

Binary ops broadcast as NumPy does; their backward returns gradients of the broadcast shape and
the engine sums them back to each input's shape (``autograd.unbroadcast``). Python numbers are
constants that keep the tensor's dtype (``x * 2.0`` stays float32).
"""
import numpy as np

from ..autograd import Function
from ..backend import get_array_module, normalize_device
from ..backend import to_device as _move
from ..dtypes import as_dtype
from ..tensor import Tensor, _wrap
from ._util import check_broadcast, lift

__all__ = [
    "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "pow",
    "maximum", "minimum", "where", "neg", "negative", "abs", "exp", "log", "log1p", "sqrt",
    "rsqrt", "square", "reciprocal", "sin", "cos", "tanh", "sign", "clamp", "clip",
    "eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor", "logical_not",
    "isfinite", "isnan", "isinf", "floor", "ceil", "round", "floor_divide", "remainder",
    "cast", "to_device", "clone",
]


# ----------------------------------------------------------------------------- binary arithmetic

class Add(Function):
    """y = a + b;  da = dy, db = dy (summed over broadcast axes)."""
    save_inputs = False

    def forward(self, a, b):
        return a + b

    def backward(self, g):
        return g, g


class Sub(Function):
    """y = a - b;  da = dy, db = -dy."""
    save_inputs = False

    def forward(self, a, b):
        return a - b

    def backward(self, g):
        return g, (-g if self._edges[1] is not None else None)


class Mul(Function):
    """y = a * b;  da = dy * b, db = dy * a."""

    def forward(self, a, b):
        self.a, self.b = a, b
        return a * b

    def backward(self, g):
        e = self._edges
        return (g * self.b if e[0] is not None else None,
                g * self.a if e[1] is not None else None)


class Div(Function):
    """y = a / b;  da = dy / b, db = -dy * a / b^2 = -dy * y / b."""

    def forward(self, a, b):
        self.a, self.b = a, b
        return a / b

    def backward(self, g):
        e = self._edges
        ga = g / self.b
        return (ga if e[0] is not None else None,
                -ga * self.a / self.b if e[1] is not None else None)


class Pow(Function):
    """y = a ** b;  da = dy * b * a^(b-1), db = dy * y * log(a) (a > 0)."""

    def forward(self, a, b):
        self.a, self.b = a, b
        self.y = y = a ** b
        return y

    def backward(self, g):
        a, b, e = self.a, self.b, self._edges
        ga = g * b * a ** (b - 1) if e[0] is not None else None
        gb = None
        if e[1] is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                log_a = np.log(np.where(a > 0, a, 1))   # d/db is 0 where a == 0 (0 ** b = 0)
            gb = g * self.y * log_a
        return ga, gb


class Maximum(Function):
    """y = max(a, b);  the gradient goes to a where a >= b (first argument wins ties), else to b.

    (PyTorch splits ties half/half; the texts' convention is first-wins, see engine-ops E-2.)"""
    save_inputs = False

    def forward(self, a, b):
        self.mask = a >= b
        return np.maximum(a, b)

    def backward(self, g):
        return np.where(self.mask, g, 0), np.where(self.mask, 0, g)


class Minimum(Function):
    """y = min(a, b);  the gradient goes to a where a <= b (first argument wins ties), else to b."""
    save_inputs = False

    def forward(self, a, b):
        self.mask = a <= b
        return np.minimum(a, b)

    def backward(self, g):
        return np.where(self.mask, g, 0), np.where(self.mask, 0, g)


class Where(Function):
    """y = cond ? a : b;  da = dy * cond, db = dy * (not cond); cond gets no gradient."""
    save_inputs = False

    def forward(self, cond, a, b):
        self.cond = cond
        return np.where(cond, a, b)

    def backward(self, g):
        return None, np.where(self.cond, g, 0), np.where(self.cond, 0, g)


def _binary(op, name):
    def f(a, b):
        if not isinstance(a, Tensor):
            a = lift(a, b)
        elif not isinstance(b, Tensor):
            b = lift(b, a)
        try:
            return op.apply(a, b)
        except ValueError:
            check_broadcast(name, a, b)     # raises a clear error if the shapes are the cause
            raise
    f.__name__ = name
    f.__qualname__ = name
    f.__doc__ = op.__doc__
    return f


add = _binary(Add, "add")
sub = subtract = _binary(Sub, "sub")
mul = multiply = _binary(Mul, "mul")
div = divide = true_divide = _binary(Div, "div")
pow = _binary(Pow, "pow")  # noqa: A001
maximum = _binary(Maximum, "maximum")
minimum = _binary(Minimum, "minimum")


def where(condition, input, other):
    """``where(condition, a, b)``: ``a`` where ``condition`` is true, else ``b`` (broadcasting).

    Gradient: da = dy * cond, db = dy * (1 - cond) (reduced to each input's shape)."""
    check_broadcast("where", condition, input, other)
    ref = input if isinstance(input, Tensor) else other
    if not isinstance(input, Tensor):
        input = lift(input, ref)
    if not isinstance(other, Tensor):
        other = lift(other, ref)
    cond = condition.data if isinstance(condition, Tensor) else condition
    if not isinstance(ref, Tensor):
        raise TypeError("where: at least one of input/other must be a Tensor")
    if getattr(cond, "dtype", None) != np.bool_:
        cond = get_array_module(ref.data).asarray(cond).astype(bool)
    return Where.apply(cond, input, other)


# ----------------------------------------------------------------------------- unary math

class Neg(Function):
    """y = -x;  dx = -dy."""
    save_inputs = False

    def forward(self, x):
        return -x

    def backward(self, g):
        return -g


class Abs(Function):
    """y = |x|;  dx = dy * sign(x) (0 at x = 0, as PyTorch)."""

    def forward(self, x):
        self.x = x
        return np.abs(x)

    def backward(self, g):
        return g * np.sign(self.x)


class Exp(Function):
    """y = e^x;  dx = dy * y."""
    save_inputs, save_outputs = False, True

    def forward(self, x):
        self.y = y = np.exp(x)
        return y

    def backward(self, g):
        return g * self.y


class Log(Function):
    """y = ln x;  dx = dy / x."""

    def forward(self, x):
        self.x = x
        return np.log(x)

    def backward(self, g):
        return g / self.x


class Log1p(Function):
    """y = ln(1 + x);  dx = dy / (1 + x)."""

    def forward(self, x):
        self.x = x
        return np.log1p(x)

    def backward(self, g):
        return g / (1 + self.x)


class Sqrt(Function):
    """y = sqrt(x);  dx = dy / (2 y)."""
    save_inputs, save_outputs = False, True

    def forward(self, x):
        self.y = y = np.sqrt(x)
        return y

    def backward(self, g):
        return g / (2 * self.y)


class Rsqrt(Function):
    """y = 1 / sqrt(x);  dx = -dy * y^3 / 2."""
    save_inputs, save_outputs = False, True

    def forward(self, x):
        self.y = y = 1 / np.sqrt(x)
        return y

    def backward(self, g):
        y = self.y
        return -0.5 * g * y * y * y


class Square(Function):
    """y = x^2;  dx = 2 x dy."""

    def forward(self, x):
        self.x = x
        return x * x

    def backward(self, g):
        return 2 * g * self.x


class Reciprocal(Function):
    """y = 1 / x;  dx = -dy * y^2."""
    save_inputs, save_outputs = False, True

    def forward(self, x):
        self.y = y = 1 / x
        return y

    def backward(self, g):
        return -g * self.y * self.y


class Sin(Function):
    """y = sin x;  dx = dy cos x."""

    def forward(self, x):
        self.x = x
        return np.sin(x)

    def backward(self, g):
        return g * np.cos(self.x)


class Cos(Function):
    """y = cos x;  dx = -dy sin x."""

    def forward(self, x):
        self.x = x
        return np.cos(x)

    def backward(self, g):
        return -g * np.sin(self.x)


class Tanh(Function):
    """y = tanh x;  dx = dy (1 - y^2)."""
    save_inputs, save_outputs = False, True

    def forward(self, x):
        self.y = y = np.tanh(x)
        return y

    def backward(self, g):
        y = self.y
        return g * (1 - y * y)


class Sign(Function):
    """y = sign(x) in {-1, 0, 1};  dx = 0 (piecewise constant)."""
    save_inputs = False

    def forward(self, x):
        return np.sign(x)

    def backward(self, g):
        return g * 0


class Clamp(Function):
    """y = min(max(x, lo), hi);  dx = dy where lo <= x <= hi, else 0 (bounds inclusive, as PyTorch)."""
    save_inputs = False

    def forward(self, x, lo=None, hi=None):
        if lo is not None and hi is not None:
            self.mask = (x >= lo) & (x <= hi)
        else:
            self.mask = (x >= lo) if lo is not None else (x <= hi)
        return np.clip(x, lo, hi)

    def backward(self, g):
        return np.where(self.mask, g, 0)


def _unary(op, name):
    def f(input):
        return op.apply(input)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = op.__doc__
    return f


neg = negative = _unary(Neg, "neg")
abs = _unary(Abs, "abs")  # noqa: A001
exp = _unary(Exp, "exp")
log = _unary(Log, "log")
log1p = _unary(Log1p, "log1p")
sqrt = _unary(Sqrt, "sqrt")
rsqrt = _unary(Rsqrt, "rsqrt")
square = _unary(Square, "square")
reciprocal = _unary(Reciprocal, "reciprocal")
sin = _unary(Sin, "sin")
cos = _unary(Cos, "cos")
tanh = _unary(Tanh, "tanh")
sign = _unary(Sign, "sign")


def clamp(input, min=None, max=None):  # noqa: A002
    """Clip to [min, max] (either may be None).

    Forward y = min(max(x, lo), hi); backward dx = dy where lo <= x <= hi, 0 outside."""
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be given")
    if min is not None and max is not None and min > max:
        raise ValueError(f"clamp: min ({min}) is greater than max ({max})")
    return Clamp.apply(input, lo=min, hi=max)


clip = clamp


# ----------------------------------------------------------------------------- not differentiable

def _nondiff(ufunc, name, doc):
    def f(input, other=None):
        a = input.data if isinstance(input, Tensor) else input
        if other is None:
            return _wrap(ufunc(a), False, None, 0)
        check_broadcast(name, input, other)
        b = other.data if isinstance(other, Tensor) else other
        if isinstance(input, Tensor) and isinstance(other, Tensor) and type(a) is not type(b):
            raise_devices(name, input, other)
        return _wrap(ufunc(a, b), False, None, 0)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc + " (no gradient: returns a new tensor outside the graph)"
    return f


def raise_devices(name, a, b):
    from ..backend import DeviceError
    raise DeviceError(f"{name}: operands are on different devices ({a.device} and {b.device})")


eq = _nondiff(np.equal, "eq", "a == b elementwise, as a bool tensor")
ne = _nondiff(np.not_equal, "ne", "a != b elementwise, as a bool tensor")
lt = _nondiff(np.less, "lt", "a < b elementwise, as a bool tensor")
le = _nondiff(np.less_equal, "le", "a <= b elementwise, as a bool tensor")
gt = _nondiff(np.greater, "gt", "a > b elementwise, as a bool tensor")
ge = _nondiff(np.greater_equal, "ge", "a >= b elementwise, as a bool tensor")
logical_and = _nondiff(np.logical_and, "logical_and", "a and b elementwise")
logical_or = _nondiff(np.logical_or, "logical_or", "a or b elementwise")
logical_xor = _nondiff(np.logical_xor, "logical_xor", "a xor b elementwise")
logical_not = _nondiff(np.logical_not, "logical_not", "not a elementwise")
isfinite = _nondiff(np.isfinite, "isfinite", "True where finite")
isnan = _nondiff(np.isnan, "isnan", "True where NaN")
isinf = _nondiff(np.isinf, "isinf", "True where +-inf")
floor = _nondiff(np.floor, "floor", "round down")
ceil = _nondiff(np.ceil, "ceil", "round up")
round = _nondiff(np.round, "round", "round half to even")  # noqa: A001
floor_divide = _nondiff(np.floor_divide, "floor_divide", "a // b")
remainder = _nondiff(np.remainder, "remainder", "a % b (sign of b)")


# ----------------------------------------------------------------------------- casts and copies

class Cast(Function):
    """y = x converted to another dtype;  dx = dy converted back (float -> float only)."""
    save_inputs = False

    def forward(self, x, dtype=None):
        self.dtype = x.dtype
        return x.astype(dtype)

    def backward(self, g):
        return g.astype(self.dtype)


def cast(input, dtype):
    """Convert to ``dtype``. Differentiable between floating dtypes; an integer/bool result is
    outside the graph."""
    dtype = as_dtype(dtype)
    if dtype.kind != "f":
        return _wrap(input.data.astype(dtype), False, None, 0)
    return Cast.apply(input, dtype=dtype)


class ToDevice(Function):
    """y = x copied to another device;  dx = dy copied back."""
    save_inputs = False

    def forward(self, x, device=None):
        self.src = "cpu" if isinstance(x, np.ndarray) else "cuda"
        return _move(x, device)

    def backward(self, g):
        return _move(g, self.src)


def to_device(input, device):
    """Copy to ``"cpu"`` or ``"cuda"``; differentiable (the gradient comes back)."""
    return ToDevice.apply(input, device=normalize_device(device))


class Clone(Function):
    """y = copy of x;  dx = dy."""
    save_inputs = False

    def forward(self, x):
        return x.copy()

    def backward(self, g):
        return g


def clone(input):
    """A copy with its own memory; gradient flows through unchanged."""
    return Clone.apply(input)
