"""Convolution hot loops: im2col (the copy of patches), col2im (its adjoint, a scatter-add)
and depthwise convolution.

Each kernel has a plain NumPy reference (``*_ref``, vectorised over the batch and channels,
looping only over the kh*kw kernel taps) and a Numba version (``*_numba``) that loops over
every element; the depthwise kernels run parallel over (sample, channel) pairs (or channels
for the weight gradient) so no two threads write the same cell.
``kernels.dispatch`` picks one; ``MINIGRAD_NUMBA=0`` selects the references. The references
use only ``np.*`` functions and array methods, so they also run on CuPy arrays.

Shapes (NCHW): ``col`` is ``[N, C, kh, kw, OH, OW]``: ``col[n, c, i, j, oh, ow]`` is the input
cell ``(oh*sh + i*dh, ow*sw + j*dw)`` of the (already padded) image.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numba import njit, prange, uint64


def _taps(kh, kw, sh, sw, dh, dw, oh, ow):
    """(i, j, rows, cols): the strided slices of the padded image that tap (i, j) reads."""
    for i in range(kh):
        for j in range(kw):
            yield i, j, slice(i * dh, i * dh + sh * (oh - 1) + 1, sh), \
                slice(j * dw, j * dw + sw * (ow - 1) + 1, sw)


# ----------------------------------------------------------------------------- im2col

def im2col_ref(x, kh, kw, sh, sw, dh, dw, oh, ow, batch_inner=False):
    """The windows of padded ``x`` ``[N, C, Hp, Wp]`` copied to ``[N, C, kh, kw, OH, OW]``, or
    to ``[C, kh, kw, N, OH, OW]`` with ``batch_inner`` (the whole-batch GEMM layout)."""
    n, c = x.shape[:2]
    out = np.empty_like(x, shape=(c, kh, kw, n, oh, ow) if batch_inner else (n, c, kh, kw, oh, ow))
    for i, j, rows, cols in _taps(kh, kw, sh, sw, dh, dw, oh, ow):
        if batch_inner:
            out[:, i, j] = x[:, :, rows, cols].transpose(1, 0, 2, 3)
        else:
            out[:, :, i, j] = x[:, :, rows, cols]
    return out


# ----------------------------------------------------------------------------- col2im

def col2im_ref(col, hp, wp, sh, sw, dh, dw, batch_inner=False):
    """Sum every patch of ``col`` ``[N, C, kh, kw, OH, OW]`` (``[C, kh, kw, N, OH, OW]`` with
    ``batch_inner``) back into a zero ``[N, C, hp, wp]`` image (overlaps add)."""
    if batch_inner:
        col = col.transpose(3, 0, 1, 2, 4, 5)
    n, c, kh, kw, oh, ow = col.shape
    out = np.zeros_like(col, shape=(n, c, hp, wp))
    for i, j, rows, cols in _taps(kh, kw, sh, sw, dh, dw, oh, ow):
        out[:, :, rows, cols] += col[:, :, i, j]
    return out


# The Numba kernels index flat views of C-contiguous arrays with *unsigned* offsets: Numba then
# emits no negative-index wraparound code and creates no row views inside the loops (either
# one made these loops 4-5x slower), so LLVM vectorises the unit-stride inner loops; fastmath
# lets it reassociate the sums.

@njit(cache=True, fastmath=True)
def _axpy(a, x, xo, xs, y, yo, ys, n):
    """y[yo + k*ys] += a * x[xo + k*xs] for k < n (flat arrays, unsigned offsets)."""
    if xs == 1 and ys == 1:
        for k in range(n):
            y[yo + uint64(k)] += a * x[xo + uint64(k)]
    else:
        for k in range(n):
            y[yo + uint64(k * ys)] += a * x[xo + uint64(k * xs)]


@njit(cache=True, fastmath=True)
def _dot(x, xo, xs, y, yo, n):
    """Σ_k x[xo + k*xs] * y[yo + k] in the arrays' dtype (flat arrays, unsigned offsets)."""
    acc = x[0] * 0
    if xs == 1:
        for k in range(n):
            acc += x[xo + uint64(k)] * y[yo + uint64(k)]
    else:
        for k in range(n):
            acc += x[xo + uint64(k * xs)] * y[yo + uint64(k)]
    return acc


# im2col and col2im run between the GEMMs of one conv (a few samples at a time): they are
# serial on purpose, so Numba's OpenMP pool and OpenBLAS's threads never take turns spinning
# on the same cores; the GEMMs carry the conv's parallelism.

@njit(cache=True)
def im2col_numba(x, kh, kw, sh, sw, dh, dw, oh_, ow_, batch_inner=False):
    """Copy every image row of every patch into its column row; the image is read plane by
    plane (sample, channel) in memory order, the column rows are written where they belong.
    With stride 2 (and no dilation) taps j and j+1 read the even and odd cells of one image
    row: copied together, that is one contiguous read LLVM vectorises (de-interleaving), not
    two gathers (the slides' CNN training step: 22.0 -> 21.2 ms)."""
    n_, c_, hp, wp = x.shape
    out = np.empty((c_, kh, kw, n_, oh_, ow_) if batch_inner else (n_, c_, kh, kw, oh_, ow_), x.dtype)
    img, col = np.ascontiguousarray(x).reshape(-1), out.reshape(-1)
    pairs = sw == 2 and dw == 1
    next_tap = uint64((n_ if batch_inner else 1) * oh_ * ow_)     # plane of tap j+1 - tap j
    for nc in range(n_ * c_):
        n, c = nc // c_, nc % c_
        for i in range(kh):
            for j in range(kw):
                if pairs and j % 2 == 1:
                    continue                                # copied with tap j - 1
                tap = (c * kh + i) * kw + j
                plane = (tap * n_ + n) if batch_inner else (nc * kh + i) * kw + j
                for oh in range(oh_):
                    co = uint64((plane * oh_ + oh) * ow_)
                    io = uint64((nc * hp + oh * sh + i * dh) * wp + j * dw)
                    if sw == 1:                             # unit stride: LLVM vectorises it
                        for k in range(ow_):
                            col[co + uint64(k)] = img[io + uint64(k)]
                    elif pairs and j + 1 < kw:
                        for k in range(ow_):
                            col[co + uint64(k)] = img[io + uint64(2 * k)]
                            col[co + next_tap + uint64(k)] = img[io + uint64(2 * k + 1)]
                    else:
                        for k in range(ow_):
                            col[co + uint64(k)] = img[io + uint64(k * sw)]
    return out


def im2col_strided(x, kh, kw, sh, sw, dh, dw, oh_, ow_, batch_inner=False):
    """im2col as ONE strided copy: a zero-copy window view of ``x`` (sliding_window_view),
    reordered, then copied once. Same layouts as :func:`im2col_ref`."""
    win = sliding_window_view(x, (dh * (kh - 1) + 1, dw * (kw - 1) + 1), axis=(2, 3))
    win = win[:, :, :sh * (oh_ - 1) + 1:sh, :sw * (ow_ - 1) + 1:sw, ::dh, ::dw]   # [N,C,OH,OW,kh,kw]
    return np.ascontiguousarray(win.transpose((1, 4, 5, 0, 2, 3) if batch_inner else (0, 1, 4, 5, 2, 3)))


NUMBA_IM2COL_BYTES = 16 << 20


def im2col_fast(x, kh, kw, sh, sw, dh, dw, oh_, ow_, batch_inner=False):
    """The CPU im2col: the Numba row loop for columns up to NUMBA_IM2COL_BYTES (the conv's
    chunks), the strided copy beyond. Measured (1 thread, float32, batch-inner layout):
    CIFAR 64-channel 3x3 chunk of 2 samples (4.7 MB) 0.21 ms vs 0.30 ms; the slides' CNN conv2
    chunk (4.1 MB) 0.67 vs 0.76 ms; but 16 CIFAR samples (38 MB) 19 ms vs 7 ms: the loop's
    scattered writes to that many fresh pages cost more than the copy's ordered ones."""
    big = x.shape[0] * x.shape[1] * kh * kw * oh_ * ow_ * x.itemsize > NUMBA_IM2COL_BYTES
    fn = im2col_strided if big else im2col_numba
    return fn(x, kh, kw, sh, sw, dh, dw, oh_, ow_, batch_inner)


@njit(cache=True, fastmath=True)
def col2im_numba(col, hp, wp, sh, sw, dh, dw, batch_inner=False):
    """Add every column row back onto its image row (the adjoint of im2col). ``col`` is read
    in memory order and the adds land in the planes of one channel (at most the whole
    batch's, ~0.4 MB for the slides' CNN: cache-resident); reading the image order instead
    measured 2-2.5x slower (scattered reads of the 12 MB columns). With stride 2 (and no
    dilation) taps j and j+1 add onto the even and odd cells of one image row, together."""
    if batch_inner:
        c_, kh, kw, n_, oh_, ow_ = col.shape
    else:
        n_, c_, kh, kw, oh_, ow_ = col.shape
    out = np.zeros((n_, c_, hp, wp), col.dtype)
    img, src = out.reshape(-1), np.ascontiguousarray(col).reshape(-1)
    pairs = sw == 2 and dw == 1
    next_tap = uint64((n_ if batch_inner else 1) * oh_ * ow_)     # plane of tap j+1 - tap j
    for plane in range(n_ * c_ * kh * kw):        # [c, i, j, n] or [n, c, i, j], memory order
        if batch_inner:
            tap, n = plane // n_, plane % n_       # tap = (c*kh + i)*kw + j
        else:
            tap, n = plane % (c_ * kh * kw), plane // (c_ * kh * kw)
        c, i, j = tap // (kh * kw), (tap // kw) % kh, tap % kw
        if pairs and j % 2 == 1:
            continue                                # added with tap j - 1
        base = ((n * c_ + c) * hp + i * dh) * wp + j * dw
        r = uint64(plane * oh_ * ow_)
        for oh in range(oh_):
            io = uint64(base + oh * sh * wp)
            if sw == 1:                             # unit stride: LLVM vectorises it
                for k in range(ow_):
                    img[io + uint64(k)] += src[r + uint64(k)]
            elif pairs and j + 1 < kw:
                for k in range(ow_):
                    img[io + uint64(2 * k)] += src[r + uint64(k)]
                    img[io + uint64(2 * k + 1)] += src[r + next_tap + uint64(k)]
            else:
                for k in range(ow_):
                    img[io + uint64(k * sw)] += src[r + uint64(k)]
            r += uint64(ow_)
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


@njit(parallel=True, cache=True, fastmath=True)
def _depthwise_rows(img, rows, w, n_, c_, hp, wp, oh_, ow_, sh, sw, dh, dw, to_image):
    """For every output row of channel c*M + m and tap (i, j): rows += w * image row
    (forward), or image row += w * rows (input gradient, the adjoint). Parallel over
    (sample, channel) planes: no two threads write the same cell."""
    _, m_, kh, kw = w.shape
    for nc in prange(n_ * c_):
        c = nc % c_
        for m in range(m_):
            for oh in range(oh_):
                ro = uint64(((nc * m_ + m) * oh_ + oh) * ow_)
                for i in range(kh):
                    for j in range(kw):
                        io = uint64((nc * hp + oh * sh + i * dh) * wp + j * dw)
                        if to_image:
                            _axpy(w[c, m, i, j], rows, ro, 1, img, io, sw, ow_)
                        else:
                            _axpy(w[c, m, i, j], img, io, sw, rows, ro, 1, ow_)


@njit(cache=True)
def depthwise_conv_numba(x, w, sh, sw, dh, dw, oh_, ow_):
    n_, c_, hp, wp = x.shape
    y = np.zeros((n_, c_ * w.shape[1], oh_, ow_), x.dtype)
    _depthwise_rows(np.ascontiguousarray(x).reshape(-1), y.reshape(-1), w, n_, c_, hp, wp,
                    oh_, ow_, sh, sw, dh, dw, False)
    return y


@njit(cache=True)
def depthwise_conv_grad_input_numba(g, w, hp, wp, sh, sw, dh, dw):
    n_, _, oh_, ow_ = g.shape
    c_ = w.shape[0]
    dx = np.zeros((n_, c_, hp, wp), g.dtype)
    _depthwise_rows(dx.reshape(-1), np.ascontiguousarray(g).reshape(-1), w, n_, c_, hp, wp,
                    oh_, ow_, sh, sw, dh, dw, True)
    return dx


@njit(parallel=True, cache=True, fastmath=True)
def depthwise_conv_grad_weight_numba(g, x, m_, kh, kw, sh, sw, dh, dw):
    n_, cm, oh_, ow_ = g.shape
    c_, hp, wp = x.shape[1], x.shape[2], x.shape[3]
    out = np.zeros((c_, m_, kh, kw), g.dtype)
    gf, xf = np.ascontiguousarray(g).reshape(-1), np.ascontiguousarray(x).reshape(-1)
    for c in prange(c_):
        for m in range(m_):
            for i in range(kh):
                for j in range(kw):
                    acc = gf[0] * 0                      # accumulate in the array's dtype
                    for n in range(n_):
                        for oh in range(oh_):
                            go = uint64((((n * c_ + c) * m_ + m) * oh_ + oh) * ow_)
                            xo = uint64(((n * c_ + c) * hp + oh * sh + i * dh) * wp + j * dw)
                            acc += _dot(xf, xo, sw, gf, go, ow_)
                    out[c, m, i, j] = acc
    return out
