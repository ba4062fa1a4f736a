"""Stochastic gradient descent with momentum, dampening, Nesterov, weight decay, maximize."""
from .optimizer import Optimizer, required

__all__ = ["SGD"]


class SGD(Optimizer):
    """SGD exactly as ``torch.optim.SGD`` (g = gradient, negated when ``maximize``)::

        g <- g + wd·theta                          (coupled weight decay)
        b <- g (first step),  b <- mu·b + (1 - dampening)·g   (momentum mu > 0)
        g <- g + mu·b (Nesterov)  or  g <- b
        theta <- theta - lr·g

    ``lr`` is required (the spec's choice; PyTorch >= 2.2 defaults to 1e-3)."""

    def __init__(self, params, lr=required, momentum=0.0, dampening=0.0, weight_decay=0.0,
                 nesterov=False, *, maximize=False):
        if lr is required:
            raise TypeError("SGD: the learning rate lr is required, e.g. SGD(params, lr=0.01)")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD: Nesterov momentum requires momentum > 0 and dampening = 0")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize))

    def _check_group(self, group):
        super()._check_group(group)
        if group["momentum"] < 0:
            raise ValueError(f"SGD: invalid momentum {group['momentum']}")
        if group["weight_decay"] < 0:
            raise ValueError(f"SGD: invalid weight_decay {group['weight_decay']}")

    def _update(self, p, g, state, group):
        mu, wd = group["momentum"], group["weight_decay"]
        if group["maximize"]:
            g = -g
        if wd != 0:
            g = g + wd * p.data
        if mu != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = g.copy()
            else:
                buf *= mu
                damp = group["dampening"]
                buf += g if damp == 0 else (1 - damp) * g
            g = g + mu * buf if group["nesterov"] else buf
        p.data -= group["lr"] * g
