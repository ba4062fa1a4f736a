"""Adagrad and Adadelta (``torch.optim.Adagrad`` / ``Adadelta`` update rules)."""
import numpy as np

from .optimizer import Optimizer, zeros_like

__all__ = ["Adagrad", "Adadelta"]


def _grad(p, g, group):
    """The gradient after ``maximize`` (negation) and coupled weight decay (g + wd·theta)."""
    if group["maximize"]:
        g = -g
    if group["weight_decay"] != 0:
        g = g + group["weight_decay"] * p.data
    return g


class Adagrad(Optimizer):
    """a <- a + g^2;  theta <- theta - clr·g/(sqrt(a) + eps),  clr = lr/(1 + (t - 1)·lr_decay).

    a starts at ``initial_accumulator_value`` (0; TensorFlow 1 uses 0.1)."""

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0,
                 initial_accumulator_value=0.0, eps=1e-10, *, maximize=False):
        if initial_accumulator_value < 0 or eps < 0 or lr_decay < 0:
            raise ValueError("Adagrad: initial_accumulator_value, eps and lr_decay must be >= 0")
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      eps=eps, maximize=maximize))
        for group in self.param_groups:          # PyTorch creates the state up front
            for p in group["params"]:
                self.state[p] = self._fresh(p, group)

    @staticmethod
    def _fresh(p, group):
        return {"step": 0, "sum": zeros_like(p.data, group["initial_accumulator_value"])}

    def _update(self, p, g, state, group):
        if not state:
            state.update(self._fresh(p, group))
        g = _grad(p, g, group)
        state["step"] += 1
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        a = state["sum"]
        a += g * g
        p.data -= clr * (g / (np.sqrt(a) + group["eps"]))


class Adadelta(Optimizer):
    """Zeiler's Adadelta: s <- rho·s + (1 - rho)·g^2;  d = sqrt(u + eps)/sqrt(s + eps)·g;
    u <- rho·u + (1 - rho)·d^2;  theta <- theta - lr·d."""

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0, *, maximize=False):
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Adadelta: invalid rho {rho}")
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                                      maximize=maximize))

    def _update(self, p, g, state, group):
        if not state:
            state.update(step=0, square_avg=zeros_like(p.data), acc_delta=zeros_like(p.data))
        g = _grad(p, g, group)
        rho, eps = group["rho"], group["eps"]
        state["step"] += 1
        s, u = state["square_avg"], state["acc_delta"]
        s *= rho
        s += (1 - rho) * (g * g)
        d = np.sqrt(u + eps) / np.sqrt(s + eps) * g
        u *= rho
        u += (1 - rho) * (d * d)
        p.data -= group["lr"] * d
