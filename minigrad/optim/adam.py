"""Adam (with AMSGrad and the TensorFlow epsilon placement) and AdamW."""
import math

import numpy as np

from .adagrad import _grad
from .optimizer import Optimizer, zeros_like

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """Adam as ``torch.optim.Adam`` (t = step from 1, g after maximize and weight decay)::

        m <- beta1·m + (1 - beta1)·g;   v <- beta2·v + (1 - beta2)·g^2
        v_max <- max(v_max, v) and used instead of v        (amsgrad)
        eps_mode="torch": theta <- theta - lr/(1 - beta1^t) · m/(sqrt(v)/sqrt(1 - beta2^t) + eps)
        eps_mode="tf":    theta <- theta - lr_t · m/(sqrt(v) + eps),
                          lr_t = lr·sqrt(1 - beta2^t)/(1 - beta1^t)   (TF-1 and Keras; E-9)

    ``weight_decay`` is coupled (g <- g + wd·theta); see :class:`AdamW` for decoupled decay."""

    _decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 amsgrad=False, *, maximize=False, eps_mode="torch"):
        if eps_mode not in ("torch", "tf"):
            raise ValueError(f"{type(self).__name__}: eps_mode must be 'torch' or 'tf', got "
                             f"{eps_mode!r}")
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize, eps_mode=eps_mode))

    def _check_group(self, group):
        super()._check_group(group)
        b1, b2 = group["betas"]
        if not (0 <= b1 < 1 and 0 <= b2 < 1):
            raise ValueError(f"{type(self).__name__}: invalid betas {group['betas']}")
        if group["eps"] < 0 or group["weight_decay"] < 0:
            raise ValueError(f"{type(self).__name__}: eps and weight_decay must be >= 0")

    def _update(self, p, g, state, group):
        if not state:
            state.update(step=0, exp_avg=zeros_like(p.data), exp_avg_sq=zeros_like(p.data))
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = zeros_like(p.data)
        lr, (b1, b2), eps = group["lr"], group["betas"], group["eps"]
        if self._decoupled:
            if group["maximize"]:
                g = -g
            p.data *= 1 - lr * group["weight_decay"]
        else:
            g = _grad(p, g, group)
        state["step"] += 1
        t = state["step"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m += (1 - b1) * (g - m)
        v *= b2
        v += (1 - b2) * (g * g)
        if group["amsgrad"]:
            vmax = state["max_exp_avg_sq"]
            np.maximum(vmax, v, out=vmax)
            v = vmax
        bc1, bc2 = 1 - b1 ** t, 1 - b2 ** t
        if group["eps_mode"] == "tf":
            p.data -= (lr * math.sqrt(bc2) / bc1) * (m / (np.sqrt(v) + eps))
        else:
            p.data -= (lr / bc1) * (m / (np.sqrt(v) / math.sqrt(bc2) + eps))


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): theta <- theta·(1 - lr·wd)
    before the Adam step, which itself sees the plain gradient. Default wd 0.01."""

    _decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, eps_mode="torch"):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         eps_mode=eps_mode)
