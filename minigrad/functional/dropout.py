"""Dropout (inverted): y = x·mask/(1 - p), mask ~ Bernoulli(1 - p);  dx = dy·mask/(1 - p).

In evaluation (``training=False``) dropout is the identity. ``keep_prob=`` is TensorFlow's way of
giving 1 - p. For gradient checks and reproducible runs pass an explicit ``mask`` (0/1 or
bool, broadcastable to the input) or a seeded ``generator``; by default masks come from the
device's default generator (``minigrad.manual_seed``)."""
import numbers

import numpy as np

from ..autograd import Function
from ..backend import device_of, to_device
from ..random import default_generator
from ..tensor import Tensor

__all__ = ["dropout", "dropout2d"]


class Dropout(Function):
    """y = x·m, m = mask·scale (scale = 1/(1 - p));  dx = dy·m."""
    save_inputs = False

    def forward(self, x, mask, scale=1.0):
        self.m = m = mask.astype(x.dtype) * x.dtype.type(scale)
        return x * m

    def backward(self, g):
        return g * self.m, None


def _p(op, p, keep_prob):
    if keep_prob is not None:
        if p is not None:
            raise ValueError(f"{op}: give either p (drop probability) or keep_prob, not both")
        p = 1.0 - keep_prob
    p = 0.5 if p is None else p
    if not isinstance(p, numbers.Real) or not 0.0 <= p <= 1.0:
        raise ValueError(f"{op}: dropout probability must be in [0, 1], got {p!r}")
    return float(p)


def _apply(op, input, p, training, mask, generator, mask_shape):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(input).__name__}")
    if not training or (p == 0.0 and mask is None):
        return input
    if mask is not None:
        m = mask.data if isinstance(mask, Tensor) else mask
        if device_of(m) != input.device:
            m = to_device(m, input.device)
        try:
            shape = tuple(m.shape)
            if np.broadcast_shapes(shape, input.shape) != input.shape:
                raise ValueError
        except ValueError:
            raise ValueError(f"{op}: mask of shape {tuple(m.shape)} does not broadcast to the "
                             f"input shape {input.shape}") from None
    else:
        gen = generator if generator is not None else default_generator(input.device)
        m = gen.bernoulli(1.0 - p, mask_shape, input.dtype)
    scale = 0.0 if p >= 1.0 else 1.0 / (1.0 - p)
    return Dropout.apply(input, m, scale=scale)


def dropout(input, p=None, training=True, inplace=False, *, keep_prob=None, mask=None,
            generator=None, noise_shape=None):
    """Inverted dropout: zero each element with probability ``p`` (default 0.5) and scale the
    rest by 1/(1 - p). ``keep_prob``: TensorFlow's 1 - p. ``noise_shape``: shape of the mask,
    broadcast over the input (e.g. ``(N, 1, L)`` drops whole feature rows, as TF). ``mask``:
    a fixed 0/1 mask (then no randomness is drawn). ``inplace`` is accepted and ignored."""
    p = _p("dropout", p, keep_prob)
    shape = input.shape if noise_shape is None else tuple(noise_shape)
    return _apply("dropout", input, p, training, mask, generator, shape)


def dropout2d(input, p=None, training=True, inplace=False, *, keep_prob=None, mask=None,
              generator=None):
    """Channel-wise dropout of ``(N, C, *)`` inputs: each whole feature map is zeroed with
    probability ``p`` (mask shape ``(N, C, 1, ...)``), survivors scaled by 1/(1 - p)."""
    p = _p("dropout2d", p, keep_prob)
    if input.ndim < 2:
        raise ValueError(f"dropout2d: input must have shape (N, C, *), got {input.shape}")
    shape = input.shape[:2] + (1,) * (input.ndim - 2)
    return _apply("dropout2d", input, p, training, mask, generator, shape)
