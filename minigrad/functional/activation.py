"""Activations and softmax. Each docstring gives the forward formula and the backward rule."""
import math

import numpy as np

from ..autograd import Function
from ..backend import special
from ._util import normalize_dim

__all__ = ["sigmoid", "relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "softplus",
           "hardtanh", "hard_sigmoid", "softmax", "log_softmax"]


class Sigmoid(Function):
    """y = 1 / (1 + e^-x) (computed stably for large |x|);  dx = dy * y (1 - y)."""
    save_inputs, save_outputs = False, True

    def forward(self, x):
        self.y = y = special(x).expit(x)
        return y

    def backward(self, g):
        y = self.y
        return g * y * (1 - y)


class ReLU(Function):
    """y = max(x, 0);  dx = dy * [x > 0]."""
    save_inputs = False

    def forward(self, x):
        self.mask = x > 0
        return np.maximum(x, 0)

    def backward(self, g):
        return g * self.mask


class ReLU6(Function):
    """y = min(max(x, 0), 6);  dx = dy * [0 < x < 6]."""
    save_inputs = False

    def forward(self, x):
        self.mask = (x > 0) & (x < 6)
        return np.clip(x, 0, 6)

    def backward(self, g):
        return g * self.mask


class LeakyReLU(Function):
    """y = x if x > 0 else a x;  dx = dy if x > 0 else a dy."""
    save_inputs = False

    def forward(self, x, slope=0.01):
        self.slope = slope
        self.mask = x > 0
        return np.where(self.mask, x, x * slope)

    def backward(self, g):
        return np.where(self.mask, g, g * self.slope)


class ELU(Function):
    """y = s x if x > 0 else s a (e^x - 1);  dx = s dy if x > 0 else dy (y + s a).

    s = 1 gives ELU; s = 1.0507..., a = 1.6732... gives SELU."""
    save_inputs, save_outputs = False, True

    def forward(self, x, alpha=1.0, scale=1.0):
        self.alpha, self.scale = alpha, scale
        self.mask = x > 0
        self.y = y = np.where(self.mask, x * scale, (scale * alpha) * np.expm1(np.minimum(x, 0)))
        return y

    def backward(self, g):
        return np.where(self.mask, g * self.scale, g * (self.y + self.scale * self.alpha))


class GELU(Function):
    """Exact: y = x Phi(x), dx = dy (Phi(x) + x phi(x)).  Tanh form: y = x/2 (1 + tanh u),
    u = sqrt(2/pi) (x + 0.044715 x^3), dx = dy (1/2 (1 + tanh u) + x/2 (1 - tanh^2 u) u')."""

    def forward(self, x, approximate="none"):
        self.x, self.approximate = x, approximate
        if approximate == "tanh":
            self.t = np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3))
            return 0.5 * x * (1 + self.t)
        self.cdf = 0.5 * (1 + special(x).erf(x / math.sqrt(2)))
        return x * self.cdf

    def backward(self, g):
        x = self.x
        if self.approximate == "tanh":
            t = self.t
            du = math.sqrt(2 / math.pi) * (1 + 3 * 0.044715 * x * x)
            return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du)
        pdf = np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
        return g * (self.cdf + x * pdf)


class Softplus(Function):
    """y = log(1 + e^(b x)) / b, linear (y = x) where b x > threshold;  dx = dy sigmoid(b x)."""

    def forward(self, x, beta=1.0, threshold=20.0):
        self.x, self.beta, self.threshold = x, beta, threshold
        bx = beta * x
        soft = (np.maximum(bx, 0) + np.log1p(np.exp(-np.abs(bx)))) / beta
        return np.where(bx > threshold, x, soft)

    def backward(self, g):
        bx = self.beta * self.x
        return np.where(bx > self.threshold, g, g * special(bx).expit(bx))


class Hardtanh(Function):
    """y = clip(x, lo, hi);  dx = dy * [lo < x < hi]."""
    save_inputs = False

    def forward(self, x, lo=-1.0, hi=1.0):
        self.mask = (x > lo) & (x < hi)
        return np.clip(x, lo, hi)

    def backward(self, g):
        return g * self.mask


class HardSigmoid(Function):
    """y = clip(a x + b, 0, 1) (Keras: a = 0.2, b = 0.5);  dx = a dy inside (0, 1), else 0."""
    save_inputs = False

    def forward(self, x, slope=0.2, offset=0.5):
        z = slope * x + offset
        self.mask, self.slope = (z > 0) & (z < 1), slope
        return np.clip(z, 0, 1)

    def backward(self, g):
        return g * self.mask * self.slope


class Softmax(Function):
    """y = e^(x - max) / sum e^(x - max) along ``dim``;  dx = y (dy - sum(dy y))."""
    save_inputs, save_outputs = False, True

    def forward(self, x, dim=-1):
        self.dim = dim
        e = np.exp(x - x.max(axis=dim, keepdims=True))
        e /= e.sum(axis=dim, keepdims=True)
        self.y = e
        return e

    def backward(self, g):
        y = self.y
        gy = g * y
        return gy - y * gy.sum(axis=self.dim, keepdims=True)


class LogSoftmax(Function):
    """y = x - logsumexp(x) along ``dim``;  dx = dy - softmax(x) sum(dy)."""
    save_inputs, save_outputs = False, True

    def forward(self, x, dim=-1):
        self.dim = dim
        shifted = x - x.max(axis=dim, keepdims=True)
        y = shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
        self.y = y
        return y

    def backward(self, g):
        return g - np.exp(self.y) * g.sum(axis=self.dim, keepdims=True)


def sigmoid(input):
    """Logistic function. y = 1/(1 + e^-x); dx = dy y (1 - y)."""
    return Sigmoid.apply(input)


def relu(input):
    """Rectified linear unit. y = max(x, 0); dx = dy [x > 0]."""
    return ReLU.apply(input)


def relu6(input):
    """ReLU capped at 6 (MobileNet). y = min(max(x, 0), 6); dx = dy [0 < x < 6]."""
    return ReLU6.apply(input)


def leaky_relu(input, negative_slope=0.01):
    """y = x (x > 0) else a x; dx = dy or a dy. (GANs use a = 0.2, YOLO 0.1.)"""
    return LeakyReLU.apply(input, slope=negative_slope)


def elu(input, alpha=1.0):
    """y = x (x > 0) else a (e^x - 1); dx = dy or dy (y + a)."""
    return ELU.apply(input, alpha=alpha)


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def selu(input):
    """y = s elu(x, a) with s = 1.0507, a = 1.6733; dx = s dy (x > 0) else dy (y + s a)."""
    return ELU.apply(input, alpha=SELU_ALPHA, scale=SELU_SCALE)


def gelu(input, approximate="none"):
    """Gaussian error linear unit x Phi(x) (``approximate="tanh"`` for the tanh form)."""
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return GELU.apply(input, approximate=approximate)


def softplus(input, beta=1.0, threshold=20.0):
    """y = log(1 + e^(b x))/b (stable), y = x where b x > threshold; dx = dy sigmoid(b x)."""
    return Softplus.apply(input, beta=beta, threshold=threshold)


def hardtanh(input, min_val=-1.0, max_val=1.0):
    """y = clip(x, min_val, max_val); dx = dy inside the open interval, else 0."""
    if min_val >= max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) must be less than max_val ({max_val})")
    return Hardtanh.apply(input, lo=min_val, hi=max_val)


def hard_sigmoid(input, slope=0.2, offset=0.5):
    """Keras <= 2.2 hard sigmoid clip(0.2 x + 0.5, 0, 1); dx = 0.2 dy inside, 0 outside."""
    return HardSigmoid.apply(input, slope=slope, offset=offset)


def softmax(input, dim=-1, axis=None):
    """Softmax along ``dim`` (alias ``axis``). y = e^(x - max)/sum; dx = y (dy - sum(dy y))."""
    dim = normalize_dim(dim if axis is None else axis, input.ndim, "softmax")
    return Softmax.apply(input, dim=dim)


def log_softmax(input, dim=-1, axis=None):
    """Stable log-softmax along ``dim``. y = x - logsumexp(x); dx = dy - softmax(x) sum(dy)."""
    dim = normalize_dim(dim if axis is None else axis, input.ndim, "log_softmax")
    return LogSoftmax.apply(input, dim=dim)
