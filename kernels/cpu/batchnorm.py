"""Batch-norm hot loops (training mode): fused statistics + normalisation forward and the fused
backward, as NumPy references (``*_ref``) and Numba kernels (``*_numba``).

Arrays are viewed as ``[N, C, L]`` (L = H·W, or 1 for ``[N, C]`` inputs); statistics are per
channel over the m = N·L values. With s the per-channel divisor (``sqrt(var + eps)``, or
``sqrt(var) + eps`` when ``std_plus_eps``) and x^ = (x - mean)/s:

forward   y = x^·gamma + beta
backward  dbeta = sum dy,  dgamma = sum dy·x^,
          dx = k·(dy - dbeta/m - corr·x^·dgamma/m),  k = gamma/s,
          corr = 1 for the sqrt(var + eps) form and s/sqrt(var) for the sqrt(var) + eps form
          (E-15: dx = (1/s)(g - mean g) - (x - mu)(2/m) f'(var)/s^2 sum(g (x - mu)), g = dy·gamma).

The Numba kernels make two passes over each channel (sums, then the elementwise result) and
accumulate in float64; the references use NumPy reductions. Both also run the references'
math on CuPy arrays (the GPU versions live in ``kernels/gpu/batchnorm.py``).
"""
import math

import numpy as np
from numba import njit


def batchnorm_forward_ref(x, gamma, beta, eps, std_plus_eps):
    """(y, xhat, mean, var, s) for ``x [N, C, L]``; gamma/beta ``[C]`` (ones/zeros if absent);
    ``var`` is the biased batch variance."""
    m = x.shape[0] * x.shape[2]
    mean = x.sum(axis=(0, 2)) / m
    xc = x - mean[:, None]
    var = (xc * xc).sum(axis=(0, 2)) / m
    s = np.sqrt(var) + eps if std_plus_eps else np.sqrt(var + eps)
    xhat = xc * (1 / s)[:, None]
    y = xhat * gamma[:, None] + beta[:, None]
    return y, xhat, mean, var, s


def batchnorm_backward_ref(dy, xhat, k, corr):
    """(dx, dgamma, dbeta) for ``dy, xhat [N, C, L]``, ``k = gamma/s`` and ``corr`` ``[C]``."""
    m = dy.shape[0] * dy.shape[2]
    dbeta = dy.sum(axis=(0, 2))
    dgamma = (dy * xhat).sum(axis=(0, 2))
    dx = k[:, None] * (dy - (dbeta / m)[:, None] - xhat * (corr * dgamma / m)[:, None])
    return dx, dgamma, dbeta


@njit(cache=True, fastmath={"reassoc", "contract", "nsz"})
def _forward_nb(x, gamma, beta, eps, std_plus_eps, y, xhat, mean, var, s):
    n_, c_, l_ = x.shape
    m = n_ * l_
    for c in range(c_):
        acc = 0.0
        for n in range(n_):
            for i in range(l_):
                acc += x[n, c, i]
        mu = acc / m
        acc = 0.0
        for n in range(n_):
            for i in range(l_):
                d = x[n, c, i] - mu
                acc += d * d
        v = acc / m
        sd = math.sqrt(v) + eps if std_plus_eps else math.sqrt(v + eps)
        mean[c], var[c], s[c] = mu, v, sd
        inv, g, b = 1.0 / sd, gamma[c], beta[c]
        for n in range(n_):
            for i in range(l_):
                h = (x[n, c, i] - mu) * inv
                xhat[n, c, i] = h
                y[n, c, i] = h * g + b


def batchnorm_forward_numba(x, gamma, beta, eps, std_plus_eps):
    """Numba version of :func:`batchnorm_forward_ref` (same arguments and results)."""
    x = np.ascontiguousarray(x)
    c = x.shape[1]
    y, xhat = np.empty_like(x), np.empty_like(x)
    mean, var, s = (np.empty(c, x.dtype) for _ in range(3))
    _forward_nb(x, gamma.astype(x.dtype), beta.astype(x.dtype), float(eps), bool(std_plus_eps),
                y, xhat, mean, var, s)
    return y, xhat, mean, var, s


@njit(cache=True, fastmath={"reassoc", "contract", "nsz"})
def _backward_nb(dy, xhat, k, corr, dx, dgamma, dbeta):
    n_, c_, l_ = dy.shape
    m = n_ * l_
    for c in range(c_):
        sb = 0.0
        sg = 0.0
        for n in range(n_):
            for i in range(l_):
                d = dy[n, c, i]
                sb += d
                sg += d * xhat[n, c, i]
        dbeta[c], dgamma[c] = sb, sg
        mb, mg, kc = sb / m, corr[c] * sg / m, k[c]
        for n in range(n_):
            for i in range(l_):
                dx[n, c, i] = kc * (dy[n, c, i] - mb - xhat[n, c, i] * mg)


def batchnorm_backward_numba(dy, xhat, k, corr):
    """Numba version of :func:`batchnorm_backward_ref` (same arguments and results)."""
    dy = np.ascontiguousarray(dy)
    xhat = np.ascontiguousarray(xhat, dtype=dy.dtype)
    c = dy.shape[1]
    dx = np.empty_like(dy)
    dgamma, dbeta = np.empty(c, dy.dtype), np.empty(c, dy.dtype)
    _backward_nb(dy, xhat, k.astype(dy.dtype), corr.astype(dy.dtype), dx, dgamma, dbeta)
    return dx, dgamma, dbeta
