"""Convolution hot loops: col2im (scatter-add of patches) and depthwise convolution.

Each kernel has a plain NumPy reference (``*_ref``, vectorised over the batch and channels,
looping only over the kh*kw kernel taps) and a Numba version (``*_numba``) that loops over
every element, parallel over (sample, channel) pairs so no two threads write the same cell.
``kernels.dispatch`` picks one; ``MINIGRAD_NUMBA=0`` selects the references. The references
use only ``np.*`` functions and array methods, so they also run on CuPy arrays.

Shapes (NCHW): ``col`` is ``[N, C, kh, kw, OH, OW]``: ``col[n, c, i, j, oh, ow]`` is the input
cell ``(oh*sh + i*dh, ow*sw + j*dw)`` of the (already padded) image.
"""
import numpy as np
from numba import njit, prange


def _taps(kh, kw, sh, sw, dh, dw, oh, ow):
    """(i, j, rows, cols): the strided slices of the padded image that tap (i, j) reads."""
    for i in range(kh):
        for j in range(kw):
            yield i, j, slice(i * dh, i * dh + sh * (oh - 1) + 1, sh), \
                slice(j * dw, j * dw + sw * (ow - 1) + 1, sw)


# ----------------------------------------------------------------------------- col2im

def col2im_ref(col, hp, wp, sh, sw, dh, dw):
    """Sum every patch of ``col`` back into a zero ``[N, C, hp, wp]`` image (overlaps add)."""
    n, c, kh, kw, oh, ow = col.shape
    out = np.zeros_like(col, shape=(n, c, hp, wp))
    for i, j, rows, cols in _taps(kh, kw, sh, sw, dh, dw, oh, ow):
        out[:, :, rows, cols] += col[:, :, i, j]
    return out


@njit(parallel=True, cache=True, fastmath=True)
def col2im_numba(col, hp, wp, sh, sw, dh, dw):
    n_, c_, kh, kw, oh_, ow_ = col.shape
    out = np.zeros((n_, c_, hp, wp), col.dtype)
    for nc in prange(n_ * c_):
        n, c = nc // c_, nc % c_
        img = out[n, c]
        for i in range(kh):
            for j in range(kw):
                for oh in range(oh_):
                    src, dst = col[n, c, i, j, oh], img[oh * sh + i * dh]
                    for ow in range(ow_):
                        dst[ow * sw + j * dw] += src[ow]
    return out


# ----------------------------------------------------------------------------- depthwise

def depthwise_conv_ref(x, w, sh, sw, dh, dw, oh, ow):
    """y[n, c*M + m] = sum_ij w[c, m, i, j] * x[n, c, oh*sh + i*dh, ow*sw + j*dw];
    ``x`` padded ``[N, C, Hp, Wp]``, ``w`` ``[C, M, kh, kw]`` (M = channel multiplier)."""
    n, c = x.shape[:2]
    _, m, kh, kw = w.shape
    y = np.zeros_like(x, shape=(n, c, m, oh, ow))
    for i, j, rows, cols in _taps(kh, kw, sh, sw, dh, dw, oh, ow):
        y += x[:, :, None, rows, cols] * w[None, :, :, i, j, None, None]
    return y.reshape(n, c * m, oh, ow)


def depthwise_conv_grad_input_ref(g, w, hp, wp, sh, sw, dh, dw):
    """dx (padded) = scatter of g[n, c*M + m] * w[c, m, i, j] to every tap position."""
    n, cm, oh, ow = g.shape
    c, m, kh, kw = w.shape
    g = g.reshape(n, c, m, oh, ow)
    dx = np.zeros_like(g, shape=(n, c, hp, wp))
    for i, j, rows, cols in _taps(kh, kw, sh, sw, dh, dw, oh, ow):
        dx[:, :, rows, cols] += (g * w[None, :, :, i, j, None, None]).sum(axis=2)
    return dx


def depthwise_conv_grad_weight_ref(g, x, m, kh, kw, sh, sw, dh, dw):
    """dw[c, m, i, j] = sum_{n, oh, ow} g[n, c*M + m, oh, ow] * x[n, c, oh*sh + i*dh, ow*sw + j*dw]."""
    n, cm, oh, ow = g.shape
    c = cm // m
    g = g.reshape(n, c, m, oh, ow)
    dw_ = np.zeros_like(g, shape=(c, m, kh, kw))
    for i, j, rows, cols in _taps(kh, kw, sh, sw, dh, dw, oh, ow):
        dw_[:, :, i, j] = (g * x[:, :, None, rows, cols]).sum(axis=(0, 3, 4))
    return dw_


# Numba versions: row views (x[n, c][row]) keep the innermost loop a plain strided 1-D loop
# that LLVM vectorises; fastmath lets it reassociate the sums.

@njit(parallel=True, cache=True, fastmath=True)
def depthwise_conv_numba(x, w, sh, sw, dh, dw, oh_, ow_):
    n_, c_ = x.shape[0], x.shape[1]
    _, m_, kh, kw = w.shape
    y = np.zeros((n_, c_ * m_, oh_, ow_), x.dtype)
    for nc in prange(n_ * c_):
        n, c = nc // c_, nc % c_
        xs = x[n, c]
        for m in range(m_):
            ys = y[n, c * m_ + m]
            for i in range(kh):
                for j in range(kw):
                    wv = w[c, m, i, j]
                    for oh in range(oh_):
                        xr, yr = xs[oh * sh + i * dh], ys[oh]
                        for ow in range(ow_):
                            yr[ow] += wv * xr[ow * sw + j * dw]
    return y


@njit(parallel=True, cache=True, fastmath=True)
def depthwise_conv_grad_input_numba(g, w, hp, wp, sh, sw, dh, dw):
    n_, _, oh_, ow_ = g.shape
    c_, m_, kh, kw = w.shape
    dx = np.zeros((n_, c_, hp, wp), g.dtype)
    for nc in prange(n_ * c_):
        n, c = nc // c_, nc % c_
        dxs = dx[n, c]
        for m in range(m_):
            gs = g[n, c * m_ + m]
            for i in range(kh):
                for j in range(kw):
                    wv = w[c, m, i, j]
                    for oh in range(oh_):
                        gr, dr = gs[oh], dxs[oh * sh + i * dh]
                        for ow in range(ow_):
                            dr[ow * sw + j * dw] += wv * gr[ow]
    return dx


@njit(parallel=True, cache=True, fastmath=True)
def depthwise_conv_grad_weight_numba(g, x, m_, kh, kw, sh, sw, dh, dw):
    n_, cm, oh_, ow_ = g.shape
    c_ = cm // m_
    out = np.zeros((c_, m_, kh, kw), g.dtype)
    for c in prange(c_):
        for m in range(m_):
            for i in range(kh):
                for j in range(kw):
                    acc = g[0, 0, 0, 0] * 0          # accumulate in the array's dtype
                    for n in range(n_):
                        gs, xs = g[n, c * m_ + m], x[n, c]
                        for oh in range(oh_):
                            gr, xr = gs[oh], xs[oh * sh + i * dh]
                            for ow in range(ow_):
                                acc += gr[ow] * xr[ow * sw + j * dw]
                    out[c, m, i, j] = acc
    return out
