"""Weight initialisers (``torch.nn.init`` names, plus the TensorFlow/Keras forms the books use).

Every initialiser fills a tensor in place (no graph is recorded) and returns it. All randomness
goes through a :class:`minigrad.Generator` (``generator=``, default: the tensor's device's
default generator), so ``minigrad.manual_seed(s)`` makes initialisation reproducible.

Fans (:func:`_calculate_fan_in_and_fan_out`): for a weight of shape ``[out, in, *kernel]``
fan_in = in·prod(kernel), fan_out = out·prod(kernel) (PyTorch). A 1-D tensor of length n has
fan_in = fan_out = n (TensorFlow's convention, used by DLVR's Glorot-initialised biases; PyTorch
raises instead).
"""
import math

import numpy as np

from ..random import default_generator
from ..tensor import Tensor

__all__ = ["calculate_gain", "uniform_", "normal_", "constant_", "zeros_", "ones_", "eye_",
           "xavier_uniform_", "xavier_normal_", "glorot_uniform_", "glorot_normal_",
           "kaiming_uniform_", "kaiming_normal_", "he_uniform_", "he_normal_", "orthogonal_",
           "trunc_normal_", "lecun_uniform_", "lecun_uniform", "_calculate_fan_in_and_fan_out"]


def _check(tensor, op):
    if not isinstance(tensor, Tensor):
        raise TypeError(f"nn.init.{op}: expected a minigrad Tensor, got {type(tensor).__name__}")
    if tensor.dtype.kind != "f":
        raise TypeError(f"nn.init.{op}: only floating-point tensors can be initialised, got "
                        f"{tensor.dtype}")


def _fill(tensor, values):
    """Write ``values`` (an array of the tensor's shape) into the tensor without recording."""
    tensor.data[...] = values
    tensor._vc[0] += 1
    return tensor


def _gen(tensor, generator):
    return generator if generator is not None else default_generator(tensor.device)


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for ``nonlinearity`` (PyTorch's table): 1 for linear/conv/sigmoid,
    5/3 tanh, sqrt(2) relu, sqrt(2/(1 + a^2)) leaky_relu (a = param, default 0.01), 3/4 selu."""
    linear = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
              "conv_transpose3d", "sigmoid")
    if nonlinearity in linear:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"calculate_gain: negative_slope {param!r} is not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def _calculate_fan_in_and_fan_out(tensor):
    """(fan_in, fan_out) of a weight ``[out, in, *kernel]``; a 1-D tensor of length n gives
    (n, n) (TensorFlow convention)."""
    shape = tensor.shape
    if len(shape) == 0:
        raise ValueError("fan in and fan out cannot be computed for a 0-d tensor")
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


def _fan(tensor, mode):
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with U(a, b)."""
    _check(tensor, "uniform_")
    return _fill(tensor, _gen(tensor, generator).uniform(a, b, tensor.shape, tensor.dtype))


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with N(mean, std^2)."""
    _check(tensor, "normal_")
    return _fill(tensor, _gen(tensor, generator).normal(mean, std, tensor.shape, tensor.dtype))


def trunc_normal_(tensor, mean=0.0, std=1.0, a=None, b=None, generator=None):
    """Fill with N(mean, std^2) truncated to [a, b] by re-drawing the values outside.

    The default bounds are mean -+ 2 std (TensorFlow's ``truncated_normal``, which re-draws
    draws more than two standard deviations from the mean). PyTorch's ``trunc_normal_`` takes
    absolute bounds with default [-2, 2]: pass ``a=-2, b=2`` for that."""
    _check(tensor, "trunc_normal_")
    lo = mean - 2 * std if a is None else a
    hi = mean + 2 * std if b is None else b
    if not lo < hi:
        raise ValueError(f"trunc_normal_: empty interval [{lo}, {hi}]")
    gen = _gen(tensor, generator)
    vals = gen.normal(mean, std, tensor.shape, np.float64)
    for _ in range(1000):
        bad = (vals < lo) | (vals > hi)
        n_bad = int(bad.sum())
        if n_bad == 0:
            break
        vals[bad] = gen.normal(mean, std, (n_bad,), np.float64)
    else:
        raise RuntimeError(f"trunc_normal_: could not draw values in [{lo}, {hi}] from "
                           f"N({mean}, {std}^2); the interval is too far in the tail")
    return _fill(tensor, vals.astype(tensor.dtype))


def constant_(tensor, val):
    """Fill with ``val``."""
    _check(tensor, "constant_")
    tensor.data.fill(val)
    tensor._vc[0] += 1
    return tensor


def zeros_(tensor):
    return constant_(tensor, 0.0)


def ones_(tensor):
    return constant_(tensor, 1.0)


def eye_(tensor):
    """A 2-D tensor becomes the identity (ones on the diagonal)."""
    _check(tensor, "eye_")
    if tensor.ndim != 2:
        raise ValueError(f"eye_: only 2-D tensors are supported, got shape {tensor.shape}")
    tensor.data.fill(0)
    n = min(tensor.shape)
    tensor.data[range(n), range(n)] = 1
    tensor._vc[0] += 1
    return tensor


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Glorot uniform: U(-a, a), a = gain·sqrt(6/(fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Glorot normal: N(0, std^2), std = gain·sqrt(2/(fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He uniform: U(-b, b), b = gain·sqrt(3/fan), gain = calculate_gain(nonlinearity, a).
    With the defaults for ReLU (``nonlinearity="relu"``): U(+-sqrt(6/fan_in))."""
    gain = calculate_gain(nonlinearity, a)
    bound = gain * math.sqrt(3.0 / _fan(tensor, mode))
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He normal: N(0, std^2), std = gain/sqrt(fan) (ReLU: sqrt(2/fan_in))."""
    gain = calculate_gain(nonlinearity, a)
    return normal_(tensor, 0.0, gain / math.sqrt(_fan(tensor, mode)), generator)


def he_uniform_(tensor, a=0, mode="fan_in", nonlinearity="relu", generator=None):
    """He uniform: kaiming_uniform_ defaulting to ReLU, U(+-sqrt(6/fan_in)) (Keras
    ``he_uniform``)."""
    return kaiming_uniform_(tensor, a, mode, nonlinearity, generator)


def he_normal_(tensor, a=0, mode="fan_in", nonlinearity="relu", generator=None):
    """He normal: kaiming_normal_ defaulting to ReLU, N(0, 2/fan_in)."""
    return kaiming_normal_(tensor, a, mode, nonlinearity, generator)


glorot_uniform_ = xavier_uniform_
glorot_normal_ = xavier_normal_


def orthogonal_(tensor, gain=1.0, generator=None):
    """A (semi-)orthogonal matrix from the QR decomposition of a Gaussian matrix, its columns'
    signs corrected by diag(R) (so the result is uniformly distributed); trailing dimensions
    are flattened: shape ``[rows, cols...]`` is treated as ``[rows, prod(cols)]``."""
    _check(tensor, "orthogonal_")
    if tensor.ndim < 2:
        raise ValueError(f"orthogonal_: only tensors with 2 or more dimensions are supported, "
                         f"got shape {tensor.shape}")
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flat = _gen(tensor, generator).normal(0.0, 1.0, (rows, cols), np.float64)
    if hasattr(flat, "get"):
        flat = flat.get()
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    vals = (gain * q).reshape(tensor.shape).astype(tensor.dtype)
    if tensor.device != "cpu":
        from ..backend import to_device
        vals = to_device(vals, tensor.device)
    return _fill(tensor, vals)


def lecun_uniform_(tensor, form="lenet", generator=None):
    """LeCun uniform. ``form="lenet"`` (LeNet-5, V-17): U(+-2.4/fan_in);
    ``form="keras"`` (Keras ``lecun_uniform``): U(+-sqrt(3/fan_in))."""
    fan_in, _ = _calculate_fan_in_and_fan_out(tensor)
    if form == "lenet":
        bound = 2.4 / fan_in
    elif form == "keras":
        bound = math.sqrt(3.0 / fan_in)
    else:
        raise ValueError(f"lecun_uniform_: form must be 'lenet' or 'keras', got {form!r}")
    return uniform_(tensor, -bound, bound, generator)


lecun_uniform = lecun_uniform_
