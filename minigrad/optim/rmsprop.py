"""RMSprop (``torch.optim.RMSprop``): alpha (= rho), eps, momentum, centered."""
import numpy as np

from .adagrad import _grad
from .optimizer import Optimizer, zeros_like

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """a <- alpha·a + (1 - alpha)·g^2;  centered: m <- alpha·m + (1 - alpha)·g, a~ = a - m^2;
    r = g/(sqrt(a~) + eps);  momentum mu > 0: b <- mu·b + r, theta <- theta - lr·b;
    otherwise theta <- theta - lr·r.  (Keras: lr 0.001, rho 0.9, eps 1e-7.)"""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                 centered=False, *, maximize=False):
        if not 0.0 <= alpha <= 1.0 or eps < 0 or momentum < 0:
            raise ValueError(f"RMSprop: invalid alpha {alpha}, eps {eps} or momentum {momentum}")
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered, maximize=maximize))

    def _update(self, p, g, state, group):
        if not state:
            state.update(step=0, square_avg=zeros_like(p.data))
            if group["momentum"] > 0:
                state["momentum_buffer"] = zeros_like(p.data)
            if group["centered"]:
                state["grad_avg"] = zeros_like(p.data)
        g = _grad(p, g, group)
        alpha = group["alpha"]
        state["step"] += 1
        a = state["square_avg"]
        a *= alpha
        a += (1 - alpha) * (g * g)
        if group["centered"]:
            m = state["grad_avg"]
            m += (1 - alpha) * (g - m)
            avg = np.sqrt(a - m * m) + group["eps"]
        else:
            avg = np.sqrt(a) + group["eps"]
        if group["momentum"] > 0:
            b = state["momentum_buffer"]
            b *= group["momentum"]
            b += g / avg
            p.data -= group["lr"] * b
        else:
            p.data -= group["lr"] * (g / avg)
