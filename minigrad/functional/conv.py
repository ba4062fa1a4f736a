"""Convolution ops on im2col: conv1d/conv2d, transposed convolution, unfold/fold.

Layout NCHW, PyTorch signatures. How a convolution is computed (engine-ops E-15):

* **forward**: pad X, copy every kh x kw window once into ``cols = [N, G, C_g*kh*kw, OH*OW]``
  (the im2col matrix, per sample and group; ``kernels/cpu/conv.py``) and do one GEMM per
  (sample, group): ``Y = W_col @ cols (+ b)``, with ``W_col = [G, C_out/G, C_g*kh*kw]``. Small
  images put the whole batch in one GEMM instead (``cols = [G, C_g*kh*kw, N*OH*OW]``).
  1x1 convolutions with stride 1 and no padding need no im2col: ``cols`` is X reshaped.
* **backward**: ``dW = sum_n dY_n @ cols_nᵀ`` (one GEMM per sample and group; the columns are
  rebuilt from the padded input, a few samples at a time so they stay in cache);
  ``dX = col2im(W_colᵀ @ dY)``: the input-gradient columns are scattered back to the window
  positions they came from (overlapping windows accumulate) and the padding is cropped;
  ``db = sum over N, OH, OW of dY``.
* **depthwise** (groups == C_in, one input channel per group) has too little work per GEMM, so
  it runs a direct loop kernel (``kernels/cpu/conv.py``; NumPy reference beside it).
* **transposed convolution** is the input-gradient map of the convolution with the same
  settings, exposed as an op: ``Y = crop(col2im(W_colᵀ @ X))``; its backward is a forward
  convolution (dX) and an im2col GEMM (dW).

Padding: an int, a pair (per axis), a per-side quadruple ``(top, bottom, left, right)``,
``"valid"`` (none) or ``"same"`` (TensorFlow SAME: output = ceil(in/stride), the extra pad on
the bottom/right). Output size per axis: ``(in + p_before + p_after - d*(k - 1) - 1)//s + 1``.
"""
import importlib
import math
import numbers

import numpy as np

from kernels import dispatch
from kernels.cpu import conv as _K

from ..autograd import Function, is_grad_enabled
from ..tensor import Tensor

__all__ = ["conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "conv_transpose2d_same",
           "unfold", "fold"]


# ----------------------------------------------------------------------------- argument helpers

def gpu_kernel(module, name):
    """A callable that imports ``kernels.gpu.<module>`` (and so CuPy) only when first called,
    which happens only for CuPy arrays."""
    def call(*args):
        return getattr(importlib.import_module(f"kernels.gpu.{module}"), name)(*args)
    call.__name__ = name
    return call


def ntuple(op, name, value, n, minimum=1):
    """``value`` as an n-tuple of ints >= ``minimum`` (an int is repeated), or a clear error."""
    if isinstance(value, numbers.Integral):
        value = (int(value),) * n
    try:
        value = tuple(int(v) for v in value)
    except TypeError:
        raise TypeError(f"{op}: {name} must be an int or a tuple of {n} ints, got {value!r}") from None
    if len(value) != n:
        raise ValueError(f"{op}: {name} must be an int or a tuple of {n} ints, got {value!r}")
    if any(v < minimum for v in value):
        raise ValueError(f"{op}: {name} must be >= {minimum}, got {value!r}")
    return value


def same_padding(size, kernel, stride, dilation):
    """TensorFlow SAME padding of one axis: (before, after) with output = ceil(size/stride)
    and the odd pixel after (bottom/right)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + dilation * (kernel - 1) + 1 - size, 0)
    return total // 2, total - total // 2


def resolve_padding(op, padding, sizes, kernel, stride, dilation):
    """Per-side pads ``(before_0, after_0, before_1, after_1, ...)`` for every padding form."""
    n = len(sizes)
    if isinstance(padding, str):
        mode = padding.lower()
        if mode == "valid":
            return (0,) * (2 * n)
        if mode == "same":
            return sum((same_padding(*a) for a in zip(sizes, kernel, stride, dilation)), ())
        raise ValueError(f"{op}: padding must be an int, a tuple, 'valid' or 'same', got {padding!r}")
    if isinstance(padding, numbers.Integral):
        padding = (int(padding),) * n
    padding = tuple(int(p) for p in padding)
    if len(padding) == n:
        padding = sum(((p, p) for p in padding), ())
    elif len(padding) != 2 * n:
        raise ValueError(f"{op}: padding must have {n} (per axis) or {2 * n} (per side) entries, "
                         f"got {padding!r}")
    if any(p < 0 for p in padding):
        raise ValueError(f"{op}: padding must be >= 0, got {padding!r}")
    return padding


def out_size(op, size, before, after, kernel, stride, dilation):
    span = dilation * (kernel - 1) + 1
    if size + before + after < span:
        raise ValueError(f"{op}: kernel size {kernel} (dilation {dilation}, span {span}) is larger "
                         f"than the padded input size {size + before + after} "
                         f"(input {size} + padding {before}+{after})")
    return (size + before + after - span) // stride + 1


def pad2d(x, pads, value=0.0):
    """``x`` ``[N, C, H, W]`` padded by ``(top, bottom, left, right)`` cells of ``value``."""
    top, bottom, left, right = pads
    if not (top or bottom or left or right):
        return x
    n, c, h, w = x.shape
    out = np.full_like(x, value, shape=(n, c, h + top + bottom, w + left + right))
    out[:, :, top:top + h, left:left + w] = x
    return out


def crop2d(x, pads):
    top, bottom, left, right = pads
    h, w = x.shape[2:]
    return x[:, :, top:h - bottom, left:w - right]


def _geometry(x_shape, w_shape, pads, stride, dilation):
    """(OH, OW) of a conv of ``x_shape`` by ``w_shape`` with per-side ``pads``."""
    h, w = x_shape[2:]
    kh, kw = w_shape[2:]
    return ((h + pads[0] + pads[1] - dilation[0] * (kh - 1) - 1) // stride[0] + 1,
            (w + pads[2] + pads[3] - dilation[1] * (kw - 1) - 1) // stride[1] + 1)


# ----------------------------------------------------------------------------- array-level conv

def _depthwise(cg, groups):
    """Depthwise: one input channel per group (groups == C_in), channel multiplier C_out/C_in."""
    return cg == 1 and groups > 1


# The im2col columns are built and consumed a chunk of samples at a time, laid out
# [G, C_g*kh*kw, n*OH*OW] so that each chunk is ONE GEMM per group, and never kept: backward
# rebuilds them from the padded input (keeping them measured no faster: reading them back
# from memory costs what rebuilding them in cache does). With one BLAS thread chunks of
# ~512 KiB (half of a core's L2 here) stay in cache between the copy and the GEMM: against
# 4 MiB chunks the slides' CNN training step ran 26.1 -> 22.6 ms, LeNet conv1 fwd+bwd 3.9 ->
# 2.7 ms, the transposed conv 99 -> 87 ms; layers whose one sample exceeds it (CIFAR) run a
# sample at a time. With several BLAS threads every GEMM call is a fork/join of the pool (32
# per-sample GEMMs ran 3-5x slower on 2 threads than on one on a busy machine), so chunks grow
# to CHUNK_BYTES_THREADED (kept under the 32 MiB mmap threshold of minigrad/memory.py, so the
# buffers are reused instead of page-faulted in on every call).
CHUNK_BYTES = 512 << 10
CHUNK_BYTES_THREADED = 24 << 20
_BLAS_THREADS = None


def blas_threads():
    """How many threads NumPy's BLAS uses (threadpoolctl when installed, else the usual
    environment variables, else every core); looked up once."""
    global _BLAS_THREADS
    if _BLAS_THREADS is None:
        try:
            from threadpoolctl import threadpool_info
            found = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
        except Exception:       # not installed, or an unknown BLAS
            found = []
        if not found:
            import os
            env = [os.environ.get(v) for v in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                                               "OMP_NUM_THREADS")]
            found = [int(next((e for e in env if e and e.isdigit()), os.cpu_count() or 1))]
        _BLAS_THREADS = max(found)
    return _BLAS_THREADS


def _chunks(n, per_sample_bytes):
    limit = CHUNK_BYTES if blas_threads() == 1 else CHUNK_BYTES_THREADED
    step = max(1, limit // max(per_sample_bytes, 1))
    return [slice(i, min(i + step, n)) for i in range(0, n, step)]


def im2col(xpad, kh, kw, stride, dilation, oh, ow, groups=1):
    """im2col of the padded input a chunk of samples at a time: ``cols(sl)`` is the
    ``[G, C_g*kh*kw, n*OH*OW]`` columns of samples ``sl``, the batch the inner index, so that
    a chunk's GEMM is one call and its outputs are the columns ``n*OH*OW`` of the chunk."""
    fn = dispatch(xpad, _K.im2col_ref, _K.im2col_fast)
    rows, args = xpad.shape[1] // groups * kh * kw, (kh, kw, *stride, *dilation, oh, ow, True)
    return lambda sl: fn(xpad[sl], *args).reshape(groups, rows, -1)


def _grad_cols(g, groups):
    """dY [n, C_out, OH, OW] as [G, C_out/G, n*OH*OW] (one transposing copy)."""
    n, co, oh, ow = g.shape
    return g.reshape(n, groups, co // groups, oh * ow).transpose(1, 2, 0, 3).reshape(
        groups, co // groups, n * oh * ow)


def _col_range(sl, per):
    """The GEMM columns of sample slice ``sl`` (``per`` = OH*OW columns a sample)."""
    return slice(sl.start * per, sl.stop * per)


def conv_forward(x, w, pads, stride, dilation, groups, keep=True):
    """Y = conv2d(X, W) on arrays; returns ``(Y, saved)`` where ``saved`` is what the weight
    gradient needs (the padded input; None unless ``keep``). Each chunk's GEMM writes its
    columns of Y_col [G, C_out/G, N*OH*OW]; one transposing copy makes Y NCHW."""
    n, c = x.shape[:2]
    co, cg, kh, kw = w.shape
    oh, ow = _geometry(x.shape, w.shape, pads, stride, dilation)
    xpad = pad2d(x, pads)
    if _depthwise(cg, groups):
        xpad = np.ascontiguousarray(xpad)
        fn = dispatch(xpad, _K.depthwise_conv_ref, _K.depthwise_conv_numba,
                      gpu_kernel("conv", "depthwise_conv"))
        y = fn(xpad, np.ascontiguousarray(w.reshape(c, co // c, kh, kw)), *stride, *dilation, oh, ow)
        return y, (xpad if keep else None)
    wg = w.reshape(groups, co // groups, cg * kh * kw)
    ycol = np.empty_like(x, shape=(groups, co // groups, n * oh * ow),
                         dtype=np.result_type(x.dtype, w.dtype))
    cols = im2col(xpad, kh, kw, stride, dilation, oh, ow, groups)
    for sl in _chunks(n, c * kh * kw * oh * ow * x.itemsize):
        ycol[:, :, _col_range(sl, oh * ow)] = np.matmul(wg, cols(sl))
    y = np.ascontiguousarray(ycol.reshape(co, n, oh, ow).transpose(1, 0, 2, 3))
    return y, (xpad if keep else None)


def conv_grad_weight(g, xpad, w_shape, stride, dilation, groups):
    """dW = Σ_n dY_n @ cols_nᵀ per group, the columns rebuilt from the padded input ``xpad``
    (or the depthwise kernel). Computed as dWᵀ = cols @ dYᵀ: the long-K product with the big
    operand on the left ran 1.4x (one thread) to 10x (two threads) faster in OpenBLAS."""
    co, cg, kh, kw = w_shape
    n, _, oh, ow = g.shape
    if _depthwise(cg, groups):
        fn = dispatch(g, _K.depthwise_conv_grad_weight_ref, _K.depthwise_conv_grad_weight_numba,
                      gpu_kernel("conv", "depthwise_conv_grad_weight"))
        return fn(np.ascontiguousarray(g), xpad, co // groups, kh, kw, *stride, *dilation).reshape(w_shape)
    gcol = _grad_cols(g, groups).transpose(0, 2, 1)            # [G, N*OH*OW, C_out/G]
    cols = im2col(xpad, kh, kw, stride, dilation, oh, ow, groups)
    dwt = None
    for sl in _chunks(n, cg * groups * kh * kw * oh * ow * xpad.itemsize):
        part = np.matmul(cols(sl), gcol[:, _col_range(sl, oh * ow)])
        if dwt is None:
            dwt = part
        else:
            dwt += part
    return np.ascontiguousarray(dwt.transpose(0, 2, 1)).reshape(w_shape)


def conv_grad_input(g, w, canvas, stride, dilation, groups):
    """The padded-input gradient ``[N, C, *canvas]`` of a conv: col2im(W_colᵀ @ dY)."""
    n, co, oh, ow = g.shape
    _, cg, kh, kw = w.shape
    c = cg * groups
    if _depthwise(cg, groups):
        fn = dispatch(g, _K.depthwise_conv_grad_input_ref, _K.depthwise_conv_grad_input_numba,
                      gpu_kernel("conv", "depthwise_conv_grad_input"))
        return fn(np.ascontiguousarray(g), np.ascontiguousarray(w.reshape(c, co // c, kh, kw)),
                  *canvas, *stride, *dilation)
    wt = w.reshape(groups, co // groups, cg * kh * kw).transpose(0, 2, 1)
    gcol = _grad_cols(g, groups)
    chunks = _chunks(n, c * kh * kw * oh * ow * g.itemsize)
    dx = None if len(chunks) == 1 else np.empty_like(g, shape=(n, c) + tuple(canvas),
                                                      dtype=np.result_type(g.dtype, w.dtype))
    for sl in chunks:
        dcol = np.matmul(wt, gcol[:, :, _col_range(sl, oh * ow)]).reshape(c, kh, kw, -1, oh, ow)
        part = _col2im(dcol, canvas, stride, dilation, batch_inner=True)
        if dx is None:
            return part
        dx[sl] = part
    return dx


def _canvas(shape, pads):
    return shape[2] + pads[0] + pads[1], shape[3] + pads[2] + pads[3]


# ----------------------------------------------------------------------------- Functions

class _ConvBase(Function):
    """Shared frame of the conv Functions: 1-D inputs run as height-1 images, the bias is added
    after the 2-D op, db = Σ_{N,OH,OW} dY. Subclasses give ``forward2d`` and ``grads2d``."""

    def forward(self, x, w, b, stride, pads, dilation, groups, need=(True, True), size=None):
        self.one_d = x.ndim == 3
        if self.one_d:
            x, w = x[:, :, None, :], w[:, :, None, :]
        self.args = (pads, stride, dilation, groups)
        y = self.forward2d(x, w, need, size)
        if b is not None:
            y += b.reshape(1, -1, 1, 1)             # y is a fresh array (or a view of one)
        return y[:, :, 0] if self.one_d else y

    def backward(self, g):
        if self.one_d:
            g = g[:, :, None, :]
        e = self._edges
        dx, dw = self.grads2d(g, e[0] is not None, e[1] is not None)
        db = g.sum(axis=(0, 2, 3)) if e[2] is not None else None
        if self.one_d:
            dx = None if dx is None else dx[:, :, 0]
            dw = None if dw is None else dw[:, :, 0]
        return dx, dw, db


class ConvNd(_ConvBase):
    """Y = W_col @ im2col(pad(X)) + b  (1-D inputs run as height-1 images).

    dW = Σ_n dY_n @ cols_nᵀ;  dX = crop(col2im(W_colᵀ @ dY));  db = Σ_{N,OH,OW} dY."""

    def forward2d(self, x, w, need, size):
        pads, stride, dilation, groups = self.args
        y, self.xpad = conv_forward(x, w, pads, stride, dilation, groups, keep=need[1])
        self.w = w if need[0] else None
        self.x_shape, self.w_shape = x.shape, w.shape
        return y

    def grads2d(self, g, want_x, want_w):
        pads, stride, dilation, groups = self.args
        dx = crop2d(conv_grad_input(g, self.w, _canvas(self.x_shape, pads), stride, dilation,
                                    groups), pads) if want_x else None
        dw = conv_grad_weight(g, self.xpad, self.w_shape, stride, dilation, groups) if want_w else None
        return dx, dw


class ConvTransposeNd(_ConvBase):
    """Y = crop(col2im(W_colᵀ @ X)) + b: the input gradient of the conv with the same settings.

    dX = conv(dY, W) (same stride/padding/dilation/groups);  dW = Σ_n X_n @ im2col(dY)_nᵀ;
    db = Σ_{N,OH,OW} dY. ``pads`` are the matching conv's paddings of Y and ``size`` Y's size."""

    def forward2d(self, x, w, need, size):
        pads, stride, dilation, groups = self.args
        self.x, self.w = (x if need[1] else None), w
        return crop2d(conv_grad_input(x, w, _canvas((0, 0) + size, pads), stride, dilation, groups), pads)

    def grads2d(self, g, want_x, want_w):
        if not (want_x or want_w):
            return None, None
        pads, stride, dilation, groups = self.args
        dx, gpad = conv_forward(g, self.w, pads, stride, dilation, groups, keep=want_w)
        dw = conv_grad_weight(self.x, gpad, self.w.shape, stride, dilation, groups) if want_w else None
        return (dx if want_x else None), dw


class Unfold(Function):
    """cols[n, c*kh*kw + i*kw + j, p*OW + q] = pad(X)[n, c, p*sh + i*dh, q*sw + j*dw] (im2col);
    dX = crop(col2im(dcols))."""
    save_inputs = False

    def forward(self, x, kernel, dilation, pads, stride):
        oh, ow = _geometry(x.shape, (0, 0) + kernel, pads, stride, dilation)
        self.args = (x.shape, kernel, dilation, pads, stride, oh, ow)
        return _unfold(pad2d(x, pads), kernel, stride, dilation, oh, ow)

    def backward(self, g):
        x_shape, kernel, dilation, pads, stride, oh, ow = self.args
        n, c = x_shape[:2]
        return crop2d(_col2im(g.reshape(n, c, *kernel, oh, ow), _canvas(x_shape, pads), stride,
                              dilation), pads)


class Fold(Function):
    """Y = crop(col2im(cols)) (overlapping patches add up); dcols = im2col(pad(dY))."""
    save_inputs = False

    def forward(self, cols, size, kernel, dilation, pads, stride):
        n = cols.shape[0]
        c = cols.shape[1] // (kernel[0] * kernel[1])
        oh, ow = _geometry((n, c) + size, (0, 0) + kernel, pads, stride, dilation)
        self.args = (kernel, dilation, pads, stride, oh, ow)
        canvas = _canvas((n, c) + size, pads)
        return crop2d(_col2im(cols.reshape(n, c, *kernel, oh, ow), canvas, stride, dilation), pads)

    def backward(self, g):
        kernel, dilation, pads, stride, oh, ow = self.args
        return _unfold(pad2d(g, pads), kernel, stride, dilation, oh, ow)


def _unfold(xpad, kernel, stride, dilation, oh, ow):
    """[N, C*kh*kw, OH*OW] columns, sample-major (torch.nn.functional.unfold's layout)."""
    n, c = xpad.shape[:2]
    fn = dispatch(xpad, _K.im2col_ref, _K.im2col_fast)
    return fn(xpad, *kernel, *stride, *dilation, oh, ow, False).reshape(
        n, c * kernel[0] * kernel[1], oh * ow)


def _col2im(col, canvas, stride, dilation, batch_inner=False):
    col = np.ascontiguousarray(col)
    fn = dispatch(col, _K.col2im_ref, _K.col2im_numba, gpu_kernel("conv", "col2im"))
    return fn(col, *canvas, *stride, *dilation, batch_inner)


# ----------------------------------------------------------------------------- public ops

def _needs(*tensors):
    grad = is_grad_enabled()
    return tuple(bool(grad and isinstance(t, Tensor) and t.requires_grad) for t in tensors)


def _check_tensor(op, name, t, ndims):
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}: {name} must be a Tensor, got {type(t).__name__}")
    if t.ndim not in ndims:
        want = " or ".join(str(d) for d in ndims)
        raise ValueError(f"{op}: {name} must be {want}-D, got shape {tuple(t.shape)}")


def _check_groups(op, groups, c_in, c_out, in_name, out_name):
    if not isinstance(groups, numbers.Integral) or groups < 1:
        raise ValueError(f"{op}: groups must be a positive int, got {groups!r}")
    for name, ch in ((in_name, c_in), (out_name, c_out)):
        if ch % groups:
            raise ValueError(f"{op}: groups={groups} does not divide {name}={ch}")


def _check_bias(op, bias, c_out):
    if bias is None:
        return
    if not isinstance(bias, Tensor) or tuple(bias.shape) != (c_out,):
        raise ValueError(f"{op}: bias must be a Tensor of shape ({c_out},) (one per output "
                         f"channel), got {getattr(bias, 'shape', type(bias).__name__)}")


def _conv(op, nd, input, weight, bias, stride, padding, dilation, groups):
    _check_tensor(op, "input", input, (nd + 2,))
    _check_tensor(op, "weight", weight, (nd + 2,))
    stride = ntuple(op, "stride", stride, nd)
    dilation = ntuple(op, "dilation", dilation, nd)
    c_in, c_out, cg = input.shape[1], weight.shape[0], weight.shape[1]
    _check_groups(op, groups, c_in, c_out, "in_channels (input.shape[1])",
                  "out_channels (weight.shape[0])")
    if c_in != cg * groups:
        raise ValueError(f"{op}: input has {c_in} channels (input.shape[1], input shape "
                         f"{tuple(input.shape)}) but weight of shape {tuple(weight.shape)} with "
                         f"groups={groups} expects {cg * groups} (weight.shape[1] * groups)")
    _check_bias(op, bias, c_out)
    sizes, kernel = tuple(input.shape[2:]), tuple(weight.shape[2:])
    pads = resolve_padding(op, padding, sizes, kernel, stride, dilation)
    for a in range(nd):
        out_size(op, sizes[a], pads[2 * a], pads[2 * a + 1], kernel[a], stride[a], dilation[a])
    if nd == 1:
        pads, stride, dilation = (0, 0) + pads, (1,) + stride, (1,) + dilation
    return ConvNd.apply(input, weight, bias, stride=stride, pads=pads, dilation=dilation,
                        groups=int(groups), need=_needs(input, weight))


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (cross-correlation, as every DL library), NCHW.

    ``input`` [N, C_in, H, W], ``weight`` [C_out, C_in/groups, kh, kw], ``bias`` [C_out];
    ``padding``: int, pair, (top, bottom, left, right), "valid" or "same" (TensorFlow SAME:
    out = ceil(in/stride), extra pad bottom/right). groups = C_in is depthwise (C_out/C_in =
    channel multiplier). Y = W_col @ im2col(pad(X)) + b;
    dW = Σ_n dY_n @ cols_nᵀ, dX = crop(col2im(W_colᵀ @ dY)), db = Σ dY."""
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution, [N, C_in, L] by [C_out, C_in/groups, k]; padding int, (left, right),
    "valid" or "same". Runs as conv2d on height-1 images (same math)."""
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def _conv_transpose(op, nd, input, weight, bias, stride, padding, output_padding, groups,
                    dilation, output_size=None, same=False):
    _check_tensor(op, "input", input, (nd + 2,))
    _check_tensor(op, "weight", weight, (nd + 2,))
    stride = ntuple(op, "stride", stride, nd)
    dilation = ntuple(op, "dilation", dilation, nd)
    output_padding = ntuple(op, "output_padding", output_padding, nd, minimum=0)
    c_in, cg_out = input.shape[1], weight.shape[1]
    _check_groups(op, groups, c_in, weight.shape[0], "in_channels (input.shape[1])",
                  "weight.shape[0]")
    if weight.shape[0] != c_in:
        raise ValueError(f"{op}: input has {c_in} channels (input shape {tuple(input.shape)}) but "
                         f"weight of shape {tuple(weight.shape)} expects {weight.shape[0]} "
                         "(weight.shape[0] = in_channels)")
    c_out = cg_out * groups
    _check_bias(op, bias, c_out)
    sizes, kernel = tuple(input.shape[2:]), tuple(weight.shape[2:])
    full = tuple((s - 1) * st + d * (k - 1) + 1 for s, k, st, d in zip(sizes, kernel, stride, dilation))
    if same:                # TF SAME: out = in*s, crop pad_total//2 first and the rest at the end
        size = tuple(s * st for s, st in zip(sizes, stride)) if output_size is None else output_size
        before = tuple(max(f - o, 0) // 2 for f, o in zip(full, size))
    else:
        if isinstance(padding, str):
            raise ValueError(f"{op}: padding must be an int or a tuple; use conv_transpose2d_same "
                             "for TensorFlow SAME")
        for a in range(nd):
            if output_padding[a] >= max(stride[a], dilation[a]):
                raise ValueError(f"{op}: output_padding {output_padding} must be smaller than "
                                 f"stride {stride} or dilation {dilation}")
        p = resolve_padding(op, padding, sizes, kernel, stride, dilation)
        before = p[0::2]
        size = tuple(f - p[2 * a] - p[2 * a + 1] + output_padding[a] for a, f in enumerate(full))
    # Y is the input of the matching conv: canvas = Y padded by (before, after); rows past the
    # full extent (output_padding, k < s) receive no window and stay zero
    canvas = tuple(max(f, b + o) for f, b, o in zip(full, before, size))
    for a in range(nd):
        if size[a] <= 0 or canvas[a] - full[a] >= stride[a]:
            raise ValueError(f"{op}: output size {tuple(size)} is not reachable from input "
                             f"{sizes} with kernel {kernel}, stride {stride}, dilation {dilation}")
    pads = sum(((b, c - b - o) for b, c, o in zip(before, canvas, size)), ())
    size = tuple(int(o) for o in size)
    if nd == 1:
        pads, stride, dilation, size = (0, 0) + pads, (1,) + stride, (1,) + dilation, (1,) + size
    return ConvTransposeNd.apply(input, weight, bias, stride=stride, pads=pads, dilation=dilation,
                                 groups=int(groups), size=size, need=_needs(input, weight))


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """Transposed ("fractionally strided", "deconvolution") 2-D convolution, NCHW.

    ``weight`` [C_in, C_out/groups, kh, kw] (PyTorch layout). Output size
    (in - 1)*s - p_before - p_after + d*(k - 1) + output_padding + 1. It is the input gradient
    of conv2d with the same settings: Y = crop(col2im(W_colᵀ @ X)) + b;
    dX = conv2d(dY, W), dW = Σ_n X_n @ im2col(dY)_nᵀ, db = Σ dY."""
    return _conv_transpose("conv_transpose2d", 2, input, weight, bias, stride, padding,
                           output_padding, groups, dilation)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """1-D transposed convolution, [N, C_in, L] by [C_in, C_out/groups, k] (as conv_transpose2d)."""
    return _conv_transpose("conv_transpose1d", 1, input, weight, bias, stride, padding,
                           output_padding, groups, dilation)


def conv_transpose2d_same(input, weight, bias=None, stride=1, output_size=None, groups=1,
                          dilation=1):
    """TensorFlow-style transposed convolution (``conv2d_transpose(..., padding="SAME")``).

    Output size ``output_size`` (default in*stride per axis); the full result
    (in - 1)*s + d*(k - 1) + 1 is cropped by pad_total = full - out, pad_total//2 at the
    top/left and the rest at the bottom/right (zero rows are appended when k < s). Weight in
    PyTorch layout [C_in, C_out/groups, kh, kw] (TF's is [kh, kw, C_out, C_in])."""
    op = "conv_transpose2d_same"
    if output_size is not None:
        output_size = ntuple(op, "output_size", output_size[-2:] if len(output_size) > 2
                             else output_size, 2)
    return _conv_transpose(op, 2, input, weight, bias, stride, 0, 0, groups, dilation,
                           output_size=output_size, same=True)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """im2col as an op: [N, C, H, W] -> [N, C*kh*kw, L], one column per sliding window
    (torch.nn.functional.unfold). dX = col2im(dcols) (overlaps accumulate)."""
    op = "unfold"
    _check_tensor(op, "input", input, (4,))
    kernel = ntuple(op, "kernel_size", kernel_size, 2)
    dilation, stride = ntuple(op, "dilation", dilation, 2), ntuple(op, "stride", stride, 2)
    pads = resolve_padding(op, padding, input.shape[2:], kernel, stride, dilation)
    for a in range(2):
        out_size(op, input.shape[2 + a], pads[2 * a], pads[2 * a + 1], kernel[a], stride[a], dilation[a])
    return Unfold.apply(input, kernel=kernel, dilation=dilation, pads=pads, stride=stride)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """col2im as an op: [N, C*kh*kw, L] -> [N, C, H, W], summing overlapping patches
    (torch.nn.functional.fold). dcols = im2col(dY)."""
    op = "fold"
    _check_tensor(op, "input", input, (3,))
    size = ntuple(op, "output_size", output_size, 2)
    kernel = ntuple(op, "kernel_size", kernel_size, 2)
    dilation, stride = ntuple(op, "dilation", dilation, 2), ntuple(op, "stride", stride, 2)
    pads = resolve_padding(op, padding, size, kernel, stride, dilation)
    kk = kernel[0] * kernel[1]
    if input.shape[1] % kk:
        raise ValueError(f"{op}: input.shape[1]={input.shape[1]} is not divisible by "
                         f"kh*kw={kk} (kernel_size {kernel})")
    blocks = math.prod(out_size(op, size[a], pads[2 * a], pads[2 * a + 1], kernel[a], stride[a],
                                dilation[a]) for a in range(2))
    if input.shape[2] != blocks:
        raise ValueError(f"{op}: input has {input.shape[2]} blocks (input.shape[2]) but "
                         f"output_size {size} with kernel {kernel}, stride {stride}, padding "
                         f"{padding}, dilation {dilation} gives {blocks}")
    return Fold.apply(input, size=size, kernel=kernel, dilation=dilation, pads=pads, stride=stride)
