"""Max-pooling hot loops: forward with argmax, and the gradient scatter.

Windows may overlap (kernel != stride) and the input arrives padded with -inf. The argmax is
the *tap* ``i*kw + j`` of the first maximum in row-major window order (ties go to the earliest
tap, as in PyTorch's CPU kernel). The backward adds each output gradient to its argmax cell;
overlapping windows that share an argmax accumulate.

``*_ref`` are vectorised NumPy references (one pass per kernel tap; they also run on CuPy
arrays); ``*_numba`` loop over every element, parallel over (sample, channel) pairs so no two
threads write the same cell.
"""
import numpy as np
from numba import njit, prange

from .conv import _taps


def max_pool2d_ref(x, kh, kw, sh, sw, dh, dw, oh, ow):
    """(y, arg): window maxima of padded ``x`` ``[N, C, Hp, Wp]`` and the tap of the first max."""
    y = arg = None
    for i, j, rows, cols in _taps(kh, kw, sh, sw, dh, dw, oh, ow):
        v = x[:, :, rows, cols]
        if y is None:
            y, arg = v.copy(), np.zeros_like(v, dtype=np.int32)
        else:
            better = v > y                          # strict: an equal later value never wins
            y = np.where(better, v, y)
            arg = np.where(better, np.int32(i * kw + j), arg)
    return y, arg


def max_pool2d_backward_ref(g, arg, hp, wp, kh, kw, sh, sw, dh, dw):
    """Padded-input gradient: g added to the argmax tap of every window."""
    n, c, oh, ow = g.shape
    dx = np.zeros_like(g, shape=(n, c, hp, wp))
    zero = np.zeros((), dtype=g.dtype)
    for i, j, rows, cols in _taps(kh, kw, sh, sw, dh, dw, oh, ow):
        dx[:, :, rows, cols] += np.where(arg == i * kw + j, g, zero)
    return dx


@njit(parallel=True, cache=True)
def max_pool2d_numba(x, kh, kw, sh, sw, dh, dw, oh_, ow_):
    n_, c_ = x.shape[0], x.shape[1]
    y = np.empty((n_, c_, oh_, ow_), x.dtype)
    arg = np.empty((n_, c_, oh_, ow_), np.int32)
    for nc in prange(n_ * c_):
        n, c = nc // c_, nc % c_
        for oh in range(oh_):
            for ow in range(ow_):
                best = x[n, c, oh * sh, ow * sw]
                at = 0
                for i in range(kh):
                    for j in range(kw):
                        v = x[n, c, oh * sh + i * dh, ow * sw + j * dw]
                        if v > best:
                            best = v
                            at = i * kw + j
                y[n, c, oh, ow] = best
                arg[n, c, oh, ow] = at
    return y, arg


@njit(parallel=True, cache=True)
def max_pool2d_backward_numba(g, arg, hp, wp, kh, kw, sh, sw, dh, dw):
    n_, c_, oh_, ow_ = g.shape
    dx = np.zeros((n_, c_, hp, wp), g.dtype)
    for nc in prange(n_ * c_):
        n, c = nc // c_, nc % c_
        for oh in range(oh_):
            for ow in range(ow_):
                a = arg[n, c, oh, ow]
                dx[n, c, oh * sh + (a // kw) * dh, ow * sw + (a % kw) * dw] += g[n, c, oh, ow]
    return dx


# ----------------------------------------------------------------------------- kernel == stride

def max_pool2d_max_ref(x, kh, kw, oh, ow):
    """Maxima of the non-overlapping kh x kw windows of ``x`` (kernel == stride, no padding;
    rows/columns past OH*kh, OW*kw are ignored): kh*kw strided slices folded with np.maximum.
    There is no Numba version: a one-pass Numba loop measured 3x slower than this fold (the
    fold ran 5x faster than PyTorch's CPU max_pool2d)."""
    xc = x[:, :, :oh * kh, :ow * kw]
    y = xc[:, :, ::kh, ::kw]
    for i in range(kh):
        for j in range(kw):
            if i or j:
                y = np.maximum(y, xc[:, :, i::kh, j::kw])
    return y


def max_pool2d_first_max_backward_ref(g, x, y, kh, kw, h, w):
    """Non-overlapping windows (kernel == stride, no padding) when the forward kept only the
    maxima ``y`` (it folded strided slices with np.maximum): dY goes to the first cell of its
    window, in row-major order, that equals the maximum. ``x`` is the input cropped to
    ``[N, C, OH*kh, OW*kw]``; returns the ``[N, C, h, w]`` input gradient."""
    n, c, oh, ow = g.shape
    dx = np.zeros_like(g, shape=(n, c, h, w))
    taken = None
    zero = np.zeros((), dtype=g.dtype)
    for i in range(kh):
        for j in range(kw):
            hit = x[:, :, i::kh, j::kw] == y
            if taken is not None:
                hit &= ~taken
            dx[:, :, i:oh * kh:kh, j:ow * kw:kw] = np.where(hit, g, zero)
            taken = hit if taken is None else taken | hit
    return dx


@njit(parallel=True, cache=True)
def max_pool2d_first_max_backward_numba(g, x, y, kh, kw, h, w):
    n_, c_, oh_, ow_ = g.shape
    dx = np.zeros((n_, c_, h, w), g.dtype)
    for nc in prange(n_ * c_):
        n, c = nc // c_, nc % c_
        for oh in range(oh_):
            for ow in range(ow_):
                best = y[n, c, oh, ow]
                found = False
                for i in range(kh):
                    for j in range(kw):
                        if not found and x[n, c, oh * kh + i, ow * kw + j] == best:
                            dx[n, c, oh * kh + i, ow * kw + j] = g[n, c, oh, ow]
                            found = True
    return dx
