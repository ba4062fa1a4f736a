"""Normalisation ops: batch norm (training and evaluation forms) and layer norm.

Batch norm (E-15), per channel (axis 1) over the m = N·(spatial) values:

    training  mu, v = batch mean and biased variance,  s = sqrt(v + eps)  (or sqrt(v) + eps with
              ``eps_mode="std_plus_eps"``, the slides' formula), x^ = (x - mu)/s,
              y = gamma·x^ + beta;   with g = dy·gamma:
              dx = (1/s)(g - mean g - c·x^·mean(g·x^)),  c = 1 (sqrt form), s/sqrt(v) (slide form)
              dgamma = sum dy·x^,  dbeta = sum dy
    eval      y = gamma·(x - mu_run)/s_run + beta,  dx = dy·gamma/s_run (running stats constant)

The training forward and backward are the fused kernels of ``kernels/{cpu,gpu}/batchnorm.py``.
"""
import numbers

import kernels
from kernels.cpu import batchnorm as _cpu
from kernels.gpu import batchnorm as _gpu

from ..autograd import Function, no_grad
from ..backend import get_array_module
from ..tensor import Tensor

__all__ = ["batch_norm", "layer_norm"]

EPS_MODES = ("sqrt", "std_plus_eps")


def _forward_kernel(x):
    return kernels.dispatch(x, _cpu.batchnorm_forward_ref, _cpu.batchnorm_forward_numba,
                            _gpu.batchnorm_forward_cupy)


def _backward_kernel(dy):
    return kernels.dispatch(dy, _cpu.batchnorm_backward_ref, _cpu.batchnorm_backward_numba,
                            _gpu.batchnorm_backward_cupy)


class BatchNormTrain(Function):
    """Training-mode batch norm with batch statistics; see the module docstring for the math.

    Outputs (y, batch mean, biased batch variance); the statistics carry no gradient."""
    save_inputs = False
    nondiff_outputs = (1, 2)

    def forward(self, x, weight, bias, eps=1e-5, eps_mode="sqrt"):
        xp = get_array_module(x)
        shape, c = x.shape, x.shape[1]
        x3 = x.reshape(shape[0], c, -1)
        gamma = xp.ones(c, x.dtype) if weight is None else weight
        beta = xp.zeros(c, x.dtype) if bias is None else bias
        plus = eps_mode == "std_plus_eps"
        y, xhat, mean, var, s = _forward_kernel(x)(x3, gamma, beta, eps, plus)
        self.xhat, self.shape = xhat, shape
        self.k = (gamma / s).astype(x.dtype)
        self.corr = (s / xp.sqrt(var)).astype(x.dtype) if plus else xp.ones(c, x.dtype)
        return y.reshape(shape), mean, var

    def backward(self, g, _gm=None, _gv=None):
        dy = g.reshape(self.xhat.shape)
        dx, dgamma, dbeta = _backward_kernel(dy)(dy, self.xhat, self.k, self.corr)
        e = self._edges
        return (dx.reshape(self.shape), dgamma if e[1] is not None else None,
                dbeta if e[2] is not None else None)


class BatchNormEval(Function):
    """y = x·k + (beta - mu_run·k), k = gamma/s_run;  dx = dy·k, dgamma = sum dy·(x - mu_run)/s_run,
    dbeta = sum dy (sums over every axis but 1)."""

    def forward(self, x, weight, bias, mean, var, eps=1e-5, eps_mode="sqrt"):
        xp = get_array_module(x)
        bshape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
        s = xp.sqrt(var) + eps if eps_mode == "std_plus_eps" else xp.sqrt(var + eps)
        s = s.astype(x.dtype)
        k = s ** -1 if weight is None else weight / s
        shift = -mean * k if bias is None else bias - mean * k
        self.x, self.mean = x, mean.reshape(bshape)
        self.s, self.k = s.reshape(bshape), k.reshape(bshape)
        return x * self.k + shift.reshape(bshape).astype(x.dtype)

    def backward(self, g):
        axes = (0,) + tuple(range(2, g.ndim))
        e = self._edges
        dx = g * self.k if e[0] is not None else None
        dgamma = (g * ((self.x - self.mean) / self.s)).sum(axis=axes) if e[1] is not None else None
        dbeta = g.sum(axis=axes) if e[2] is not None else None
        return dx, dgamma, dbeta, None, None


def _check_stat(name, t, c, op):
    if t is None:
        return
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}: {name} must be a Tensor or None, got {type(t).__name__}")
    if t.shape != (c,):
        raise ValueError(f"{op}: {name} must have shape ({c},) for an input with {c} channels, "
                         f"got {t.shape}")


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5, *, eps_mode="sqrt", unbiased_running_var=True):
    """Batch normalisation over axis 1 of ``input`` ``(N, C, *)`` (as ``torch.nn.functional.
    batch_norm``).

    ``training=True`` normalises with the batch statistics and, when running statistics are
    given, updates them in place: running <- (1 - momentum)·running + momentum·batch, the
    variance unbiased (·m/(m - 1)) unless ``unbiased_running_var=False``. ``training=False``
    uses the running statistics. ``eps_mode="std_plus_eps"`` divides by sqrt(var) + eps (the
    DLVR slides) instead of sqrt(var + eps). Math: see the module docstring."""
    op = "batch_norm"
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(input).__name__}")
    if input.ndim < 2:
        raise ValueError(f"{op}: input must have shape (N, C, *), got {input.shape}")
    if eps_mode not in EPS_MODES:
        raise ValueError(f"{op}: eps_mode must be one of {EPS_MODES}, got {eps_mode!r}")
    c = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        _check_stat(name, t, c, op)
    if not training:
        if running_mean is None or running_var is None:
            raise ValueError(f"{op}: evaluation mode (training=False) needs running_mean and "
                             "running_var")
        return BatchNormEval.apply(input, weight, bias, running_mean.data.astype(input.dtype),
                                   running_var.data.astype(input.dtype), eps=eps, eps_mode=eps_mode)
    m = input.numel() // max(c, 1)
    if m <= 1:
        raise ValueError(f"{op}: expected more than 1 value per channel when training, got input "
                         f"of shape {input.shape}")
    y, mean, var = BatchNormTrain.apply(input, weight, bias, eps=eps, eps_mode=eps_mode)
    if running_mean is not None or running_var is not None:
        if not isinstance(momentum, numbers.Number):
            raise TypeError(f"{op}: momentum must be a number, got {type(momentum).__name__}")
        with no_grad():
            if running_mean is not None:
                _ema_(running_mean, mean.data, momentum)
            if running_var is not None:
                v = var.data * (m / (m - 1)) if unbiased_running_var else var.data
                _ema_(running_var, v, momentum)
    return y


def _ema_(t, value, momentum):
    """t <- (1 - momentum)·t + momentum·value, in place (the version counter is bumped)."""
    d = t.data
    d *= 1 - momentum
    d += (momentum * value).astype(d.dtype, copy=False)
    t._vc[0] += 1


class LayerNorm(Function):
    """Normalise over the last k axes: x^ = (x - mean)/sqrt(var + eps), y = x^·w + b;
    with g = dy·w: dx = (1/s)(g - mean g - x^·mean(g·x^)), dw = sum dy·x^, db = sum dy
    (sums over the leading axes)."""
    save_inputs = False

    def forward(self, x, weight, bias, k=1, eps=1e-5):
        axes = tuple(range(x.ndim - k, x.ndim))
        mean = x.mean(axis=axes, keepdims=True)
        xc = x - mean
        var = (xc * xc).mean(axis=axes, keepdims=True)
        self.inv = inv = (var + eps) ** -0.5
        self.xhat = xhat = xc * inv
        self.axes, self.lead = axes, tuple(range(x.ndim - k))
        self.weight = None if weight is None else weight.copy()   # inputs are not version-checked
        y = xhat if weight is None else xhat * weight
        return y if bias is None else y + bias

    def backward(self, dy):
        e, xhat = self._edges, self.xhat
        g = dy if self.weight is None else dy * self.weight
        dx = None
        if e[0] is not None:
            dx = self.inv * (g - g.mean(axis=self.axes, keepdims=True)
                             - xhat * (g * xhat).mean(axis=self.axes, keepdims=True))
        dw = (dy * xhat).sum(axis=self.lead) if e[1] is not None else None
        db = dy.sum(axis=self.lead) if e[2] is not None else None
        return dx, dw, db


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Layer normalisation over the trailing ``normalized_shape`` axes (as
    ``torch.nn.functional.layer_norm``); ``weight``/``bias`` have shape ``normalized_shape``."""
    if isinstance(normalized_shape, numbers.Integral):
        normalized_shape = (int(normalized_shape),)
    normalized_shape = tuple(normalized_shape)
    k = len(normalized_shape)
    if k == 0 or input.shape[input.ndim - k:] != normalized_shape:
        raise ValueError(f"layer_norm: normalized_shape {normalized_shape} must match the "
                         f"trailing dimensions of the input shape {input.shape}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t.shape != normalized_shape:
            raise ValueError(f"layer_norm: {name} must have shape {normalized_shape}, got {t.shape}")
    return LayerNorm.apply(input, weight, bias, k=k, eps=eps)

