"""``minigrad.signal``: true (flipped-kernel) 2-D convolution and correlation, SciPy-compatible
and differentiable in both arguments (SD-01).

    y = convolve2d(x, h):  y[n1, n2] = Σ_k1 Σ_k2 x[k1, k2] · h[n1 − k1, n2 − k2]

By hand (Listing 3-1): pad x by the kernel size − 1 on every side (with ``fillvalue``, or by
wrapping / mirroring for ``boundary="wrap"`` / ``"symm"``), rotate h by 180° and slide it over the
padded image, summing products ("full" output); "same" crops the full result to x's size
starting at ((kh − 1)//2, (kw − 1)//2), "valid" keeps the positions where h fits inside x.
Deep-learning "convolution" layers compute the correlation (no flip):
``conv2d(x, rot180(K), padding=1) == convolve2d(x, K, "same")`` for a 3×3 K.

Computed as one pass per kernel tap over the padded image (memory stays at the image size, so
a 20×20 Gaussian on a 650×442 photograph is fine). Backward, with g the full-size output
gradient: d padded = Σ_taps shifted g · tap weight, folded back through the boundary map (a
wrapped or mirrored cell adds to the cell it copies); d kernel[p, q] = Σ padded-window ⊙ g
(rotated back for convolve).
"""
import numbers

import numpy as np

from .autograd import Function
from .backend import get_array_module, scatter_add
from .tensor import Tensor

__all__ = ["convolve2d", "correlate2d", "convolve", "correlate"]

_BOUNDARY = {"fill": "constant", "wrap": "wrap", "symm": "symmetric",
             "circular": "wrap", "symmetric": "symmetric"}


def _boundary_map(shape, ph, pw, boundary):
    """For every cell of the padded image, the flat index of the input cell it shows (-1 for
    fill cells)."""
    idx = np.arange(shape[0] * shape[1]).reshape(shape)
    mode = _BOUNDARY[boundary]
    if mode == "constant":
        return np.pad(idx, ((ph, ph), (pw, pw)), mode="constant", constant_values=-1)
    return np.pad(idx, ((ph, ph), (pw, pw)), mode=mode)


class Convolve2d(Function):
    """Full correlation of the boundary-padded ``a`` with ``k`` (rotated 180° when ``flip``),
    then cropped for ``mode``. da = boundary-adjoint(Σ_taps k_tap · shifted g);
    dk_tap = Σ padded-window ⊙ g."""

    def forward(self, a, k, mode, boundary, fillvalue, flip, swap, centre_flipped):
        one_d = a.ndim == 1
        if one_d:
            a, k = a[None], k[None]
        if swap:                       # SciPy swaps for "valid" when in2 is the larger one
            a, k = k, a
        xp = get_array_module(a)
        kh, kw = k.shape
        kk = k[::-1, ::-1] if flip else k
        imap = xp.asarray(_boundary_map(a.shape, kh - 1, kw - 1, boundary))
        valid = imap >= 0
        apad = xp.where(valid, a.reshape(-1)[xp.maximum(imap, 0)], xp.asarray(fillvalue, dtype=a.dtype))
        fh, fw = a.shape[0] + kh - 1, a.shape[1] + kw - 1
        out = np.zeros_like(apad, shape=(fh, fw))
        for p in range(kh):
            for q in range(kw):
                out += kk[p, q] * apad[p:p + fh, q:q + fw]
        if mode == "same":
            # SciPy's centring: correlate2d takes it in the unflipped kernel's frame,
            # scipy.signal.correlate (1-D) in the flipped one, as convolve does
            r0, c0 = ((kh - 1) // 2, (kw - 1) // 2) if centre_flipped else (kh // 2, kw // 2)
            crop = (slice(r0, r0 + a.shape[0]), slice(c0, c0 + a.shape[1]))
        elif mode == "valid":
            crop = (slice(kh - 1, a.shape[0]), slice(kw - 1, a.shape[1]))
        else:
            crop = (slice(None), slice(None))
        self.state = (apad, kk, imap, valid, crop, a.shape, flip, swap, one_d)
        y = out[crop]
        if swap and not flip:          # correlate2d's swapped result is reversed (SciPy)
            y = y[::-1, ::-1]
        return y[0] if one_d else y

    def backward(self, g):
        apad, kk, imap, valid, crop, a_shape, flip, swap, one_d = self.state
        if one_d:
            g = g[None]
        if swap and not flip:
            g = g[::-1, ::-1]
        kh, kw = kk.shape
        fh, fw = a_shape[0] + kh - 1, a_shape[1] + kw - 1
        gfull = np.zeros_like(g, shape=(fh, fw))
        gfull[crop] = g
        dpad = np.zeros_like(apad)
        dkk = np.zeros_like(kk)
        for p in range(kh):
            for q in range(kw):
                dpad[p:p + fh, q:q + fw] += kk[p, q] * gfull
                dkk[p, q] = (apad[p:p + fh, q:q + fw] * gfull).sum()
        xp = get_array_module(g)
        da = xp.zeros(a_shape[0] * a_shape[1], dtype=g.dtype)
        if xp is np:
            da = np.bincount(imap[valid], weights=dpad[valid], minlength=da.size).astype(g.dtype)
        else:
            scatter_add(da, imap[valid], dpad[valid])
        da = da.reshape(a_shape)
        dk = dkk[::-1, ::-1] if flip else dkk
        if swap:
            da, dk = dk, da
        if one_d:
            da, dk = da[0], dk[0]
        return da, dk


def _as_tensor(x, name, op):
    if isinstance(x, Tensor):
        return x
    if isinstance(x, numbers.Number) or hasattr(x, "__len__") or hasattr(x, "shape"):
        arr = np.asarray(x)
        return Tensor(arr.astype(np.float64) if arr.dtype.kind in "biu" else arr)
    raise TypeError(f"{op}: {name} must be a Tensor or array-like, got {type(x).__name__}")


def _run(op, in1, in2, mode, boundary, fillvalue, flip, ndim):
    """Validate, apply SciPy's 'valid' swap rule, and run the Function."""
    a, k = _as_tensor(in1, "in1", op), _as_tensor(in2, "in2", op)
    for name, t in (("in1", a), ("in2", k)):
        if t.ndim != ndim:
            raise ValueError(f"{op}: {name} must be {ndim}-D, got shape {tuple(t.shape)}")
        if t.data.size == 0:
            raise ValueError(f"{op}: {name} is empty")
    if mode not in ("full", "same", "valid"):
        raise ValueError(f"{op}: mode must be 'full', 'same' or 'valid', got {mode!r}")
    if boundary not in _BOUNDARY:
        raise ValueError(f"{op}: boundary must be 'fill', 'wrap' or 'symm', got {boundary!r}")
    swap = False
    if mode == "valid":
        s1, s2 = a.shape, k.shape
        if not all(i >= j for i, j in zip(s1, s2)):
            if all(j >= i for i, j in zip(s1, s2)):
                swap = True
            else:
                raise ValueError(f"{op}: for 'valid' mode one input must be at least as large as "
                                 f"the other in every dimension, got {tuple(s1)} and {tuple(s2)}")
    if a.dtype != k.dtype:
        dt = np.result_type(a.dtype, k.dtype)
        a, k = (t if t.dtype == dt else t.to(dtype=dt) for t in (a, k))
    return Convolve2d.apply(a, k, mode=mode, boundary=boundary, fillvalue=float(fillvalue),
                            flip=flip, swap=swap, centre_flipped=flip or ndim == 1)


def convolve2d(in1, in2, mode="full", boundary="fill", fillvalue=0):
    """True 2-D convolution (kernel rotated 180°), ``scipy.signal.convolve2d`` semantics:
    mode "full" | "same" | "valid", boundary "fill" (with ``fillvalue``) | "wrap" | "symm".
    Differentiable in both ``in1`` and ``in2``."""
    return _run("convolve2d", in1, in2, mode, boundary, fillvalue, True, 2)


def correlate2d(in1, in2, mode="full", boundary="fill", fillvalue=0):
    """2-D cross-correlation (no flip), ``scipy.signal.correlate2d`` semantics; differentiable."""
    return _run("correlate2d", in1, in2, mode, boundary, fillvalue, False, 2)


def convolve(in1, in2, mode="full"):
    """1-D true convolution y(t) = Σ_τ x(τ)·h(t − τ) (``scipy.signal.convolve`` for 1-D inputs)."""
    return _run("convolve", in1, in2, mode, "fill", 0, True, 1)


def correlate(in1, in2, mode="full"):
    """1-D cross-correlation (``scipy.signal.correlate`` for 1-D inputs)."""
    return _run("correlate", in1, in2, mode, "fill", 0, False, 1)
