"""Finite-difference gradient checking, for users as well as for the test suite.

``gradcheck(fn, inputs)`` compares the gradients that backward computes with central
differences (f(x + h) - f(x - h)) / 2h, h = eps * max(1, |x|), all in float64:

* the outputs are reduced to one scalar L = sum_k <w_k, y_k> with fixed random weights w_k
  (never a plain sum: sum(softmax) == 1 and batch-norm outputs sum to a constant, which would
  hide errors);
* ``fast=False``: every element of every input that requires grad (the full gradient of L);
* ``fast=True``: one seeded random direction d per input, <dL/dx, d> against
  (L(x + h d) - L(x - h d)) / 2h (two forward passes), plus a few per-element spot checks;
* ``detect_kinks=True``: each numeric probe also fits a quadratic through 5 points and raises
  :class:`NondifferentiableError` when the function has a kink there (as Chainer does);
* a failure raises :class:`GradcheckError` with a readable table: input, element, analytic,
  numeric, absolute and relative error. Everything is seeded: a check never flakes.
"""
import numpy as np

from . import autograd
from .backend import get_array_module, to_numpy
from .tensor import Tensor


class GradcheckError(AssertionError):
    """Analytic and numeric gradients disagree."""


class NondifferentiableError(GradcheckError):
    """The function is not differentiable at the probed point (a kink within +-2h)."""


def _outputs(out):
    outs = out if isinstance(out, (tuple, list)) else (out,)
    return [o for o in outs if isinstance(o, Tensor) and o.dtype.kind == "f"]


def _scalar(fn, inputs, weights):
    """L = sum_k <w_k, y_k> evaluated without recording a graph, as a Python float."""
    with autograd.no_grad():
        outs = _outputs(fn(*inputs))
    return float(sum(float(to_numpy((w * o.data).sum())) for w, o in zip(weights, outs)))


def _probe(fn, inputs, weights, x, index, direction, h, detect_kinks, label):
    """Directional central difference of L at x along ``direction`` (or one element)."""
    orig = x.data.copy()

    def at(k):
        if index is not None:
            x.data[index] = orig[index] + k * h
        else:
            x.data[...] = orig + k * h * direction
        try:
            return _scalar(fn, inputs, weights)
        finally:
            x.data[...] = orig

    if not detect_kinks:
        return (at(1) - at(-1)) / (2 * h)
    ks = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    fs = np.array([at(k) for k in ks])
    coeffs, *_ = np.linalg.lstsq(np.vander(ks, 3), fs, rcond=None)
    resid = np.abs(np.vander(ks, 3) @ coeffs - fs).max()
    scale = np.abs(fs - fs[2]).max()
    if scale > 1e-10 * (abs(fs[2]) + 1) and resid > 1e-3 * scale:
        raise NondifferentiableError(
            f"gradcheck: the function is not differentiable at {label}: L(x + k h) for "
            f"k = -2..2 is {fs.tolist()}, which no quadratic fits (residual {resid:.3g}). "
            "Move the input away from kinks (ReLU at 0, ties in max, clip bounds).")
    return (fs[3] - fs[1]) / (2 * h)


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, fast=False, seed=0,
              detect_kinks=False, spot_checks=3, raise_exception=True):
    """Check ``fn(*inputs)``'s gradients w.r.t. every input tensor with ``requires_grad``.

    Inputs that require grad must be float64. ``fn`` may return a tensor or a tuple (integer
    outputs are ignored). Tensors the function uses internally (module parameters) can be
    checked by passing them in ``inputs`` too. Returns True, or raises :class:`GradcheckError`
    (returns False instead when ``raise_exception=False``)."""
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    # a non-leaf input (e.g. x.double()) is checked as a leaf of its own: fn sees a detached copy
    inputs = tuple(t.detach().requires_grad_() if isinstance(t, Tensor) and t.requires_grad
                   and not t.is_leaf else t for t in inputs)
    checked = [(i, t) for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input tensor has requires_grad=True")
    for i, t in checked:
        if t.dtype != np.float64:
            raise ValueError(f"gradcheck: input {i} has dtype {t.dtype}; finite differences need "
                             "float64 (call .double() on inputs and model)")
    rng = np.random.default_rng(seed)

    saved_grads = [t.grad for _, t in checked]
    for _, t in checked:
        t.grad = None
    try:
        with autograd.enable_grad():
            outs = _outputs(fn(*inputs))
        weights = []
        for o in outs:
            xp = get_array_module(o.data)
            weights.append(xp.asarray(rng.standard_normal(o.shape)).astype(o.dtype))
        live = [(o, w) for o, w in zip(outs, weights) if o.requires_grad]
        if live:
            autograd.run_backward([o for o, _ in live], [w for _, w in live])
        analytic = [to_numpy(t.grad.data) if t.grad is not None else np.zeros(t.shape)
                    for _, t in checked]
    finally:
        for (_, t), g in zip(checked, saved_grads):
            t.grad = g

    failures = []
    for (i, x), grad in zip(checked, analytic):
        if x.data.size == 0:
            continue
        scale = float(np.abs(to_numpy(x.data)).max())
        if fast:
            d = rng.uniform(0.5, 1.0, x.shape) * rng.choice([-1.0, 1.0], x.shape)
            d /= np.linalg.norm(d)
            h = eps * max(1.0, scale)
            xp = get_array_module(x.data)
            num = _probe(fn, inputs, weights, x, None, xp.asarray(d), h, detect_kinks,
                         f"input {i} (random direction)")
            ana = float((grad * d).sum())
            if not abs(ana - num) <= atol + rtol * abs(num):
                failures.append((i, "direction", ana, num))
            elements = [np.unravel_index(j, x.shape)
                        for j in rng.choice(x.data.size, min(spot_checks, x.data.size), replace=False)]
        else:
            elements = list(np.ndindex(*x.shape))
        for idx in elements:
            idx = tuple(int(k) for k in idx)
            h = eps * max(1.0, abs(float(to_numpy(x.data[idx]))))
            num = _probe(fn, inputs, weights, x, idx, None, h, detect_kinks, f"input {i}{list(idx)}")
            ana = float(grad[idx])
            if not abs(ana - num) <= atol + rtol * abs(num):
                failures.append((i, idx, ana, num))

    if failures:
        if not raise_exception:
            return False
        raise GradcheckError(_report(failures, atol, rtol))
    return True


def _report(failures, atol, rtol):
    rows = sorted(failures, key=lambda f: -abs(f[2] - f[3]))
    lines = [f"gradcheck failed: {len(failures)} gradient entries disagree "
             f"(|analytic - numeric| > atol + rtol*|numeric|, atol={atol:g}, rtol={rtol:g})",
             f"{'input':>5} {'element':>16} {'analytic':>14} {'numeric':>14} {'abs err':>10} {'rel err':>10}"]
    for i, idx, ana, num in rows[:10]:
        err = abs(ana - num)
        rel = err / max(abs(num), 1e-300)
        lines.append(f"{i:>5} {str(list(idx) if idx != 'direction' else idx):>16} "
                     f"{ana:>14.6g} {num:>14.6g} {err:>10.3g} {rel:>10.3g}")
    if len(rows) > 10:
        lines.append(f"... and {len(rows) - 10} more")
    return "\n".join(lines)
