"""Gradient clipping: ``clip_grad_norm_`` (global norm) and ``clip_grad_value_`` (as PyTorch)."""
import math

import numpy as np

from ..backend import get_array_module
from ..tensor import Tensor, _wrap

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Scale all gradients together so that their global ``norm_type``-norm is at most
    ``max_norm``: g <- g·min(1, max_norm/(total + 1e-6)). Returns the total norm (before
    clipping) as a 0-d tensor. ``norm_type=inf`` uses the largest absolute entry."""
    grads = _grads(parameters)
    norm_type = float(norm_type)
    if not grads:
        return _wrap(np.zeros((), np.float32), False, None, 0)
    xp = get_array_module(grads[0].data)
    if norm_type == math.inf:
        norms = [xp.abs(g.data).max() for g in grads]
        total = xp.max(xp.stack(norms))
    else:
        norms = [(xp.abs(g.data) ** norm_type).sum() ** (1.0 / norm_type) for g in grads]
        total = (xp.stack(norms) ** norm_type).sum() ** (1.0 / norm_type)
    if error_if_nonfinite and not bool(xp.isfinite(total)):
        raise RuntimeError(f"clip_grad_norm_: the total norm of order {norm_type} of the "
                           "gradients is non-finite; set error_if_nonfinite=False to clip anyway")
    coef = min(float(max_norm) / (float(total) + 1e-6), 1.0)
    for g in grads:
        g.data = g.data * g.data.dtype.type(coef)
    return _wrap(xp.asarray(total), False, None, 0)


def clip_grad_value_(parameters, clip_value):
    """Clamp every gradient entry to [-clip_value, clip_value] in place."""
    clip_value = float(clip_value)
    for g in _grads(parameters):
        g.data = g.data.clip(-clip_value, clip_value)
