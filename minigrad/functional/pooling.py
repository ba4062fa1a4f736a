"""Pooling, unpooling and resizing, NCHW, PyTorch signatures (engine-ops E-3, E-15; SD-09).

* **max_pool2d**: padded cells are -inf (never selected). Tie rule: the gradient (and the
  returned index) goes to the *first* maximum in row-major window order. The general case
  runs the max+argmax kernel (``kernels/cpu/pooling.py``) and scatters the gradient back to
  the argmax cells (overlapping windows accumulate). kernel == stride without padding or
  indices keeps only the maxima (one pass; ``np.maximum`` over kh*kw strided slices in the
  NumPy reference) and finds the first maximum again in backward.
* **avg_pool2d**: y = window sum / divisor; the divisor counts padding cells
  (``count_include_pad=True``, PyTorch's default) or only the valid cells (``False``; this is
  TensorFlow's SAME average pool). dX: every window cell receives dY/divisor.
* **adaptive_avg_pool2d** / **interpolate** are separable linear maps Y = A_h X A_wᵀ with
  constant matrices (window averages; nearest or bilinear interpolation weights), so
  dX = A_hᵀ dY A_w.
* **max_unpool2d** puts every value at the position its paired max_pool2d recorded
  (zeros elsewhere); dX gathers dY at those positions.

Padding accepts an int, a pair, ``(top, bottom, left, right)``, ``"valid"`` or ``"same"``
(TensorFlow SAME) beyond PyTorch's int/pair.
"""
import math
import numbers

import numpy as np

from kernels import dispatch
from kernels.cpu import pooling as _K

from ..autograd import Function, is_grad_enabled
from ..backend import get_array_module
from ..tensor import Tensor
from .conv import crop2d, gpu_kernel, ntuple, pad2d, resolve_padding

__all__ = ["max_pool2d", "max_pool2d_with_indices", "avg_pool2d", "adaptive_avg_pool2d",
           "global_avg_pool2d", "max_unpool2d", "interpolate", "upsample"]


# ----------------------------------------------------------------------------- geometry

def _check_input(op, x, ndims=(4,)):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(x).__name__}")
    if x.ndim not in ndims:
        raise ValueError(f"{op}: input must be {' or '.join(map(str, ndims))}-D [N, C, H, W], "
                         f"got shape {tuple(x.shape)}")


def pool_geometry(op, sizes, kernel, stride, padding, dilation, ceil_mode):
    """Per-side pads (the bottom/right ones grown so ceil_mode windows fit) and (OH, OW).

    Output per axis: floor or ceil of (in + p_b + p_a - d(k - 1) - 1)/s, + 1; in ceil_mode the
    last window must start inside the input or the left padding (PyTorch's rule)."""
    symmetric = not isinstance(padding, str) and (isinstance(padding, numbers.Integral) or len(padding) == 2)
    pads = list(resolve_padding(op, padding, sizes, kernel, stride, dilation))
    outs = []
    for a in range(2):
        size, k, s, d = sizes[a], kernel[a], stride[a], dilation[a]
        before, after = pads[2 * a], pads[2 * a + 1]
        span = d * (k - 1) + 1
        if symmetric and before > span // 2:
            raise ValueError(f"{op}: padding {padding} should be at most half the (dilated) "
                             f"kernel size {kernel}")
        if before >= span or after >= span:
            raise ValueError(f"{op}: padding {padding} must be smaller than the (dilated) kernel "
                             f"size {kernel}: a window would hold only padding")
        total = size + before + after - span
        if total < 0:
            raise ValueError(f"{op}: kernel size {kernel} (dilation {dilation}) is larger than the "
                             f"padded input size {tuple(sizes)} + padding {padding}")
        out = (total + (s - 1 if ceil_mode else 0)) // s + 1
        if ceil_mode and (out - 1) * s >= size + before:
            out -= 1
        pads[2 * a + 1] = max(after, (out - 1) * s + span - size - before)
        outs.append(out)
    return tuple(pads), tuple(outs), tuple(p for p in resolve_padding(op, padding, sizes, kernel,
                                                                      stride, dilation))


def _pool_args(op, x, kernel_size, stride, padding, dilation, ceil_mode):
    kernel = ntuple(op, "kernel_size", kernel_size, 2)
    stride = kernel if stride is None or (not isinstance(stride, numbers.Integral) and len(stride) == 0) \
        else ntuple(op, "stride", stride, 2)
    dilation = ntuple(op, "dilation", dilation, 2)
    pads, outs, declared = pool_geometry(op, tuple(x.shape[2:]), kernel, stride, padding, dilation,
                                         ceil_mode)
    return kernel, stride, dilation, pads, outs, declared


# ----------------------------------------------------------------------------- max pooling

class MaxPool2d(Function):
    """y = max over each window of the -inf padded input (first maximum on ties);
    dX: each dY goes to its window's argmax cell (overlaps accumulate), padding cropped.
    Outputs (y, flat indices h*W + w into each input plane); the indices carry no gradient.
    The kernel == stride path keeps the input and a private copy of y (so an in-place op on
    the output cannot corrupt the gradient); the input's version is checked."""
    nondiff_outputs = (1,)

    def forward(self, x, kernel, stride, dilation, pads, outs, indices, need=True):
        n, c, h, w = x.shape
        kh, kw = kernel
        self.args = (x.shape, kernel, stride, dilation, pads)
        if kernel == stride and not any(pads) and dilation == (1, 1) and not indices:
            # non-overlapping windows: only the maxima (the backward finds the first max again)
            y = _K.max_pool2d_max_ref(x, kh, kw, *outs)
            if need:
                self.x, self.y = x[:, :, :outs[0] * kh, :outs[1] * kw], y.copy()
            self.arg = None
            return y, np.zeros_like(y, shape=(0,), dtype=np.int64)
        xpad = np.ascontiguousarray(pad2d(x, pads, -np.inf))
        fn = dispatch(xpad, _K.max_pool2d_ref, _K.max_pool2d_numba, gpu_kernel("pooling", "max_pool2d"))
        y, self.arg = fn(xpad, kh, kw, *stride, *dilation, *outs)
        if not indices:
            return y, np.zeros_like(y, shape=(0,), dtype=np.int64)
        xp = get_array_module(y)
        rows = xp.arange(outs[0]).reshape(-1, 1) * stride[0] - pads[0] + (self.arg // kw) * dilation[0]
        cols = xp.arange(outs[1]) * stride[1] - pads[2] + (self.arg % kw) * dilation[1]
        return y, (rows * w + cols).astype(np.int64)

    def backward(self, g, _):
        x_shape, kernel, stride, dilation, pads = self.args
        if self.arg is None:
            fn = dispatch(g, _K.max_pool2d_first_max_backward_ref,
                          _K.max_pool2d_first_max_backward_numba)
            return fn(np.ascontiguousarray(g), self.x, self.y, *kernel, *x_shape[2:])
        canvas = (x_shape[2] + pads[0] + pads[1], x_shape[3] + pads[2] + pads[3])
        g = np.ascontiguousarray(g)
        fn = dispatch(g, _K.max_pool2d_backward_ref, _K.max_pool2d_backward_numba,
                      gpu_kernel("pooling", "max_pool2d_backward"))
        return crop2d(fn(g, self.arg, *canvas, *kernel, *stride, *dilation), pads)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """2-D max pooling; windows may overlap; padding cells are -inf.

    y = max over each window; dX: all of dY to the window's first maximum (row-major order on
    ties), overlapping windows accumulate. ``return_indices=True`` also returns the flat
    positions h*W + w of the maxima in each input plane (for max_unpool2d)."""
    op = "max_pool2d"
    _check_input(op, input)
    kernel, stride, dilation, pads, outs, _ = _pool_args(op, input, kernel_size, stride, padding,
                                                         dilation, ceil_mode)
    y, idx = MaxPool2d.apply(input, kernel=kernel, stride=stride, dilation=dilation, pads=pads,
                             outs=outs, indices=bool(return_indices),
                             need=is_grad_enabled() and input.requires_grad)
    return (y, idx) if return_indices else y


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    """max_pool2d returning (output, indices) (torch.nn.functional.max_pool2d_with_indices)."""
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


# ----------------------------------------------------------------------------- average pooling

def _window_sum(x, kernel, stride, outs):
    kh, kw = kernel
    y = None
    for i in range(kh):
        for j in range(kw):
            v = x[..., i:i + stride[0] * (outs[0] - 1) + 1:stride[0], j:j + stride[1] * (outs[1] - 1) + 1:stride[1]]
            y = v if y is None else y + v
    return y


def _avg_divisor(xp, sizes, kernel, stride, pads, declared, outs, count_include_pad, dtype):
    """(OH, OW) divisors: the cells of each window that are input, plus declared padding when
    ``count_include_pad`` (cells past the padding, added for ceil_mode, never count)."""
    h, w = sizes
    mask = np.zeros((h + pads[0] + pads[1], w + pads[2] + pads[3]))
    if count_include_pad:
        mask[:pads[0] + h + declared[1], :pads[2] + w + declared[3]] = 1
    else:
        mask[pads[0]:pads[0] + h, pads[2]:pads[2] + w] = 1
    return xp.asarray(_window_sum(mask, kernel, stride, outs).astype(dtype))


class AvgPool2d(Function):
    """y = Σ_window pad(X) / divisor;  dX = crop(Σ_windows dY/divisor) (overlaps accumulate)."""
    save_inputs = False

    def forward(self, x, kernel, stride, pads, outs, divisor):
        self.args = (x.shape, kernel, stride, pads, outs)
        self.div = divisor
        return _window_sum(pad2d(x, pads), kernel, stride, outs) / divisor

    def backward(self, g):
        x_shape, (kh, kw), stride, pads, outs = self.args
        n, c, h, w = x_shape
        gd = g / self.div
        dx = np.zeros_like(g, shape=(n, c, h + pads[0] + pads[1], w + pads[2] + pads[3]))
        for i in range(kh):
            for j in range(kw):
                dx[:, :, i:i + stride[0] * (outs[0] - 1) + 1:stride[0],
                   j:j + stride[1] * (outs[1] - 1) + 1:stride[1]] += gd
        return crop2d(dx, pads)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """2-D average pooling. y = Σ_window x / divisor, divisor = kh*kw cells counted with
    padding (``count_include_pad=True``) or the valid cells only (``False``; use it with
    ``padding="same"`` for TensorFlow's SAME average pool), or ``divisor_override``.
    dX: each window cell receives dY/divisor (overlapping windows accumulate)."""
    op = "avg_pool2d"
    _check_input(op, input)
    kernel, stride, _, pads, outs, declared = _pool_args(op, input, kernel_size, stride, padding,
                                                         1, ceil_mode)
    if divisor_override is not None:
        if divisor_override == 0:
            raise ValueError(f"{op}: divisor_override must be non-zero")
        divisor = float(divisor_override)
    else:
        divisor = _avg_divisor(get_array_module(input.data), tuple(input.shape[2:]), kernel, stride,
                               pads, declared, outs, count_include_pad, input.dtype)
    return AvgPool2d.apply(input, kernel=kernel, stride=stride, pads=pads, outs=outs, divisor=divisor)


# ----------------------------------------------------------------------------- separable linear maps

class Separable2d(Function):
    """Y = A_h X A_wᵀ over the last two axes (A constant);  dX = A_hᵀ dY A_w."""
    save_inputs = False

    def forward(self, x, ah, aw):
        self.ah, self.aw = ah, aw
        return np.matmul(ah, np.matmul(x, aw.T))

    def backward(self, g):
        return np.matmul(self.ah.T, np.matmul(g, self.aw))


def _adaptive_matrix(size, out):
    """Row i averages input cells floor(i*size/out) .. ceil((i+1)*size/out) - 1 (PyTorch)."""
    a = np.zeros((out, size))
    for i in range(out):
        start, end = (i * size) // out, -((-(i + 1) * size) // out)
        a[i, start:end] = 1.0 / (end - start)
    return a


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a fixed output size (windows floor(i*H/OH) .. ceil((i+1)*H/OH));
    ``None`` in ``output_size`` keeps that input size. Y = A_h X A_wᵀ, dX = A_hᵀ dY A_w."""
    op = "adaptive_avg_pool2d"
    _check_input(op, input)
    if isinstance(output_size, numbers.Integral) or output_size is None:
        output_size = (output_size, output_size)
    h, w = input.shape[2:]
    size = tuple(s if o is None else int(o) for s, o in zip((h, w), output_size))
    if len(size) != 2 or min(size) < 1:
        raise ValueError(f"{op}: output_size must be positive ints, got {output_size!r}")
    xp = get_array_module(input.data)
    ah, aw = (xp.asarray(_adaptive_matrix(s, o).astype(input.dtype)) for s, o in zip((h, w), size))
    return Separable2d.apply(input, ah=ah, aw=aw)


def global_avg_pool2d(input, keepdim=True):
    """Global average pooling: the mean over H and W, [N, C, 1, 1] (or [N, C] with
    ``keepdim=False``). dX = dY/(H*W) broadcast."""
    y = adaptive_avg_pool2d(input, 1)
    return y if keepdim else GlobalSqueeze.apply(y)


class GlobalSqueeze(Function):
    """[N, C, 1, 1] -> [N, C]; the gradient gets the two axes back."""
    save_inputs = False

    def forward(self, y):
        return y[:, :, 0, 0]

    def backward(self, g):
        return g[:, :, None, None]


def _interp_matrix(size, out, mode, align_corners, scale):
    """PyTorch's source coordinates: nearest floor(dst*scale); bilinear (dst + 0.5)*scale - 0.5
    clamped at 0, or dst*(in - 1)/(out - 1) with align_corners."""
    a = np.zeros((out, size))
    dst = np.arange(out)
    if mode == "nearest":
        src = np.minimum(np.floor(dst.astype(np.float32) * np.float32(scale)).astype(np.int64), size - 1)
        a[dst, src] = 1.0
        return a
    if align_corners:
        src = dst * ((size - 1) / (out - 1) if out > 1 else 0.0)
    else:
        src = np.maximum((dst + 0.5) * scale - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(np.int64), size - 1)
    i1 = np.minimum(i0 + 1, size - 1)
    lam = src - i0
    np.add.at(a, (dst, i0), 1.0 - lam)
    np.add.at(a, (dst, i1), lam)
    return a


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize [N, C, H, W] by ``size`` or ``scale_factor``, mode "nearest" or "bilinear"
    (``align_corners`` as PyTorch; default off). Nearest upsampling by k is the "repeat"
    unpooling of SD-09. Y = A_h X A_wᵀ with interpolation matrices; dX = A_hᵀ dY A_w."""
    op = "interpolate"
    _check_input(op, input)
    if mode not in ("nearest", "bilinear"):
        raise ValueError(f"{op}: mode must be 'nearest' or 'bilinear', got {mode!r}")
    if mode == "nearest" and align_corners is not None:
        raise ValueError(f"{op}: align_corners only applies to mode='bilinear'")
    if antialias:
        raise ValueError(f"{op}: antialias is not supported")
    if (size is None) == (scale_factor is None):
        raise ValueError(f"{op}: give exactly one of size and scale_factor")
    in_size = tuple(input.shape[2:])
    if size is not None:
        out = ntuple(op, "size", size, 2)
        scales = [i / o for i, o in zip(in_size, out)]
    else:
        sf = (float(scale_factor),) * 2 if isinstance(scale_factor, numbers.Number) else \
            tuple(float(s) for s in scale_factor)
        if len(sf) != 2 or min(sf) <= 0:
            raise ValueError(f"{op}: scale_factor must be positive (one or two numbers), got {scale_factor!r}")
        out = tuple(int(math.floor(i * s)) for i, s in zip(in_size, sf))
        scales = [i / o for i, o in zip(in_size, out)] if recompute_scale_factor else [1 / s for s in sf]
        if min(out) < 1:
            raise ValueError(f"{op}: output size {out} from scale_factor {scale_factor} is empty")
    xp = get_array_module(input.data)
    ah, aw = (xp.asarray(_interp_matrix(i, o, mode, bool(align_corners), s).astype(input.dtype))
              for i, o, s in zip(in_size, out, scales))
    return Separable2d.apply(input, ah=ah, aw=aw)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Alias of :func:`interpolate` (torch.nn.functional.upsample)."""
    return interpolate(input, size, scale_factor, mode, align_corners)


# ----------------------------------------------------------------------------- unpooling

class MaxUnpool2d(Function):
    """y[n, c, idx] = x[n, c, k] at the recorded argmax positions, zeros elsewhere;
    dX = dY gathered at the same positions."""
    save_inputs = False

    def forward(self, x, indices, out_size):
        n, c = x.shape[:2]
        self.shape = x.shape
        self.idx = flat = indices.reshape(n, c, -1)
        y = np.zeros_like(x, shape=(n, c, out_size[0] * out_size[1]))
        np.put_along_axis(y, flat, x.reshape(n, c, -1), axis=2)
        return y.reshape(n, c, *out_size)

    def backward(self, g):
        n, c = g.shape[:2]
        dx = np.take_along_axis(g.reshape(n, c, -1), self.idx, axis=2)
        return dx.reshape(self.shape), None


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Max-unpooling (SegNet/DeconvNet switches): every value goes back to the position its
    paired max_pool2d recorded in ``indices``, zeros elsewhere. Output size
    (in - 1)*s - 2p + k unless ``output_size`` ((H, W) or a full shape) is given.
    dX = dY gathered at the switch positions."""
    op = "max_unpool2d"
    _check_input(op, input)
    kernel = ntuple(op, "kernel_size", kernel_size, 2)
    stride = kernel if stride is None else ntuple(op, "stride", stride, 2)
    pad = ntuple(op, "padding", padding, 2, minimum=0)
    h, w = input.shape[2:]
    if output_size is None:
        out = tuple((s - 1) * st - 2 * p + k for s, st, p, k in zip((h, w), stride, pad, kernel))
    else:
        out = ntuple(op, "output_size", tuple(output_size)[-2:], 2)
        for a, (s, st, p, k) in enumerate(zip((h, w), stride, pad, kernel)):
            lo = (s - 1) * st - 2 * p + k
            if not lo <= out[a] < lo + st:
                raise ValueError(f"{op}: output_size {tuple(output_size)} must lie between "
                                 f"{lo} and {lo + st - 1} on axis {a} for input {(h, w)}, kernel "
                                 f"{kernel}, stride {stride}, padding {pad}")
    if not isinstance(indices, Tensor) or indices.dtype.kind not in "iu":
        raise TypeError(f"{op}: indices must be an integer Tensor (the second output of "
                        f"max_pool2d(..., return_indices=True)), got {getattr(indices, 'dtype', type(indices))}")
    if tuple(indices.shape) != tuple(input.shape):
        raise ValueError(f"{op}: indices of shape {tuple(indices.shape)} do not match the input "
                         f"{tuple(input.shape)}: pass the indices of the paired max_pool2d call")
    _check_switches(op, indices.data, out, kernel, stride, pad)
    return MaxUnpool2d.apply(input, indices.data, out_size=out)


def _check_switches(op, idx, out, kernel, stride, pad):
    """Every index must lie inside the pooling window of its own output cell."""
    xp = get_array_module(idx)
    oh, ow = idx.shape[2:]
    r, c = idx // out[1], idx % out[1]
    r0 = xp.arange(oh).reshape(-1, 1) * stride[0] - pad[0]
    c0 = xp.arange(ow) * stride[1] - pad[1]
    bad = (idx < 0) | (idx >= out[0] * out[1]) | (r < r0) | (r >= r0 + kernel[0]) | \
        (c < c0) | (c >= c0 + kernel[1])
    if bool(bad.any()):
        where = tuple(int(v[0]) for v in xp.nonzero(bad))
        raise ValueError(f"{op}: index {int(idx[where])} at {where} is not inside its pooling "
                         f"window (kernel {kernel}, stride {stride}, padding {pad}, output "
                         f"{tuple(out)}): the indices come from a different pooling call")
