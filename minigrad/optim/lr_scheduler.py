"""Learning-rate schedules (``torch.optim.lr_scheduler`` names plus the books' forms, E-10).

A scheduler rewrites ``group["lr"]`` of its optimizer's parameter groups each time ``step()`` is
called (once per epoch or per iteration, as the recipe says). Construction performs step 0, so
the optimizer starts at the schedule's first value. Closed forms of the step counter t
(``last_epoch``) from each group's initial lr ``lr0``:

=======================  ==========================================================
StepLR                   lr0·gamma^floor(t/step_size)
MultiStepLR              lr0·gamma^(number of milestones <= t)
ExponentialLR            lr0·gamma^t                        (per-epoch exponential)
ExponentialDecayLR       lr0·rate^(t/decay_steps), floor(t/decay_steps) if staircase (TF)
ExpFloorLR               lr_min + (lr_max - lr_min)·exp(-t/decay_speed)   (slides; lr_max = lr0)
CosineAnnealingLR        eta_min + (lr0 - eta_min)·(1 + cos(pi·t/T_max))/2
PolynomialLR             lr0·(1 - min(t, total_iters)/total_iters)^power
InverseTimeDecayLR       lr0/(1 + decay·t)                  (Keras ``decay``)
WarmupPiecewiseLR        linear warm-up from warmup_factor·lr0 to lr0 over warmup_steps, then
                         lr0·factors[k] after the k-th milestone (SD-20)
LambdaLR                 lr0·lr_lambda(t)
ReduceLROnPlateau        lr <- max(lr·factor, min_lr) when the metric stalls ``patience`` steps
=======================  ==========================================================

``state_dict()``/``load_state_dict()`` save the counters (plain numbers; lambdas are not saved).
"""
import bisect
import math

from .optimizer import Optimizer

__all__ = ["LRScheduler", "StepLR", "MultiStepLR", "ExponentialLR", "ExponentialDecayLR",
           "ExpFloorLR", "CosineAnnealingLR", "PolynomialLR", "InverseTimeDecayLR",
           "WarmupPiecewiseLR", "LambdaLR", "ReduceLROnPlateau"]


def _check_optimizer(optimizer, name):
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{name}: expected a minigrad Optimizer, got {type(optimizer).__name__}")


class LRScheduler:
    """Base class: subclasses define ``_lr(base_lr, t)``, the closed-form lr at step t."""

    def __init__(self, optimizer, last_epoch=-1):
        _check_optimizer(optimizer, type(self).__name__)
        self.optimizer = optimizer
        for i, g in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                g.setdefault("initial_lr", g["lr"])
            elif "initial_lr" not in g:
                raise KeyError(f"{type(self).__name__}: param group {i} has no 'initial_lr'; "
                               "resuming with last_epoch != -1 needs a restored optimizer")
        self.base_lrs = [g["initial_lr"] for g in optimizer.param_groups]
        self.last_epoch = last_epoch
        self.step()

    def _lr(self, base_lr, t):
        raise NotImplementedError

    def get_lr(self):
        return [self._lr(b, self.last_epoch) for b in self.base_lrs]

    def get_last_lr(self):
        """The learning rates set by the last ``step()``."""
        return list(self._last_lr)

    def step(self, epoch=None):
        """Advance the counter (or set it to ``epoch``) and write the new lr into the groups."""
        self.last_epoch = self.last_epoch + 1 if epoch is None else int(epoch)
        lrs = self.get_lr()
        for g, lr in zip(self.optimizer.param_groups, lrs):
            g["lr"] = lr
        self._last_lr = lrs

    def state_dict(self):
        return {k: v for k, v in self.__dict__.items()
                if k != "optimizer" and not callable(v) and k != "lr_lambdas"}

    def load_state_dict(self, state_dict):
        self.__dict__.update({k: v for k, v in state_dict.items() if k != "lr_lambdas"})


class StepLR(LRScheduler):
    """lr0·gamma^floor(t/step_size)."""

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        self.step_size, self.gamma = int(step_size), gamma
        super().__init__(optimizer, last_epoch)

    def _lr(self, base_lr, t):
        return base_lr * self.gamma ** (t // self.step_size)


class MultiStepLR(LRScheduler):
    """lr0·gamma^k, k = number of milestones reached (V-21: /10 at 32k and 48k)."""

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        self.milestones, self.gamma = sorted(int(m) for m in milestones), gamma
        super().__init__(optimizer, last_epoch)

    def _lr(self, base_lr, t):
        return base_lr * self.gamma ** bisect.bisect_right(self.milestones, t)


class ExponentialLR(LRScheduler):
    """lr0·gamma^t."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _lr(self, base_lr, t):
        return base_lr * self.gamma ** t


class ExponentialDecayLR(LRScheduler):
    """TensorFlow's ``exponential_decay``: lr0·rate^(t/decay_steps), with the exponent floored
    when ``staircase`` (G-16: 0.1·0.9^floor(t/100))."""

    def __init__(self, optimizer, decay_rate, decay_steps, staircase=True, last_epoch=-1):
        self.decay_rate, self.decay_steps, self.staircase = decay_rate, decay_steps, staircase
        super().__init__(optimizer, last_epoch)

    def _lr(self, base_lr, t):
        e = t / self.decay_steps
        return base_lr * self.decay_rate ** (math.floor(e) if self.staircase else e)


class ExpFloorLR(LRScheduler):
    """The slides' decay lr_min + (lr_max - lr_min)·exp(-t/decay_speed) (V-05, V-06, V-11, V-12:
    3e-3 -> 1e-4, decay_speed 2000). ``lr_max`` defaults to the optimizer's lr; the tutorial
    form lr_min + A·exp(-t/tau) (V-07, V-13) is ``amplitude=A``."""

    def __init__(self, optimizer, lr_min, lr_max=None, decay_speed=2000.0, amplitude=None,
                 last_epoch=-1):
        if lr_max is not None and amplitude is not None:
            raise ValueError("ExpFloorLR: give lr_max or amplitude, not both")
        self.lr_min, self.lr_max, self.amplitude = lr_min, lr_max, amplitude
        self.decay_speed = float(decay_speed)
        super().__init__(optimizer, last_epoch)

    def _lr(self, base_lr, t):
        if self.amplitude is not None:
            amp = self.amplitude
        else:
            amp = (base_lr if self.lr_max is None else self.lr_max) - self.lr_min
        return self.lr_min + amp * math.exp(-t / self.decay_speed)


class CosineAnnealingLR(LRScheduler):
    """eta_min + (lr0 - eta_min)·(1 + cos(pi·t/T_max))/2."""

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def _lr(self, base_lr, t):
        return self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * t / self.T_max)) / 2


class PolynomialLR(LRScheduler):
    """lr0·(1 - min(t, total_iters)/total_iters)^power (SD-14: power 0.9)."""

    def __init__(self, optimizer, total_iters=5, power=1.0, last_epoch=-1):
        self.total_iters, self.power = total_iters, power
        super().__init__(optimizer, last_epoch)

    def _lr(self, base_lr, t):
        return base_lr * (1 - min(t, self.total_iters) / self.total_iters) ** self.power


class InverseTimeDecayLR(LRScheduler):
    """Keras' time-based ``decay``: lr0/(1 + decay·t) (every book uses decay = 0)."""

    def __init__(self, optimizer, decay, last_epoch=-1):
        self.decay = decay
        super().__init__(optimizer, last_epoch)

    def _lr(self, base_lr, t):
        return base_lr / (1 + self.decay * t)


class WarmupPiecewiseLR(LRScheduler):
    """Linear warm-up then constant pieces (SD-20, YOLO: 1e-3 -> 1e-2, then 1e-3, 1e-4):
    lr0·(w + (1 - w)·t/warmup_steps) for t < warmup_steps (w = ``warmup_factor``), then
    lr0·factors[k - 1] once k milestones are reached (lr0 before the first)."""

    def __init__(self, optimizer, warmup_steps, milestones=(), factors=(), warmup_factor=0.1,
                 last_epoch=-1):
        if len(milestones) != len(factors):
            raise ValueError(f"WarmupPiecewiseLR: {len(milestones)} milestones but "
                             f"{len(factors)} factors")
        self.warmup_steps, self.warmup_factor = int(warmup_steps), warmup_factor
        self.milestones, self.factors = [int(m) for m in milestones], list(factors)
        if self.milestones != sorted(self.milestones):
            raise ValueError("WarmupPiecewiseLR: milestones must increase")
        super().__init__(optimizer, last_epoch)

    def _lr(self, base_lr, t):
        if t < self.warmup_steps:
            w = self.warmup_factor
            return base_lr * (w + (1 - w) * t / self.warmup_steps)
        k = bisect.bisect_right(self.milestones, t)
        return base_lr * (self.factors[k - 1] if k else 1.0)


class LambdaLR(LRScheduler):
    """lr0·lr_lambda(t); ``lr_lambda`` may be a list with one function per group."""

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        n = len(optimizer.param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != n:
                raise ValueError(f"LambdaLR: expected {n} lr_lambdas, got {len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * n
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [b * f(self.last_epoch) for b, f in zip(self.base_lrs, self.lr_lambdas)]


class ReduceLROnPlateau:
    """Multiply the lr by ``factor`` when the metric passed to ``step(metric)`` has not improved
    for more than ``patience`` steps (as ``torch.optim.lr_scheduler.ReduceLROnPlateau``).

    Improvement: mode "min" with threshold_mode "rel": metric < best·(1 - threshold); "abs":
    metric < best - threshold (mirrored for "max"). After a reduction, ``cooldown`` steps pass
    before bad steps count again; lr never goes below ``min_lr`` and changes smaller than
    ``eps`` are ignored."""

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4,
                 threshold_mode="rel", cooldown=0, min_lr=0.0, eps=1e-8):
        _check_optimizer(optimizer, "ReduceLROnPlateau")
        if factor >= 1.0:
            raise ValueError("ReduceLROnPlateau: factor should be < 1.0")
        if mode not in ("min", "max") or threshold_mode not in ("rel", "abs"):
            raise ValueError(f"ReduceLROnPlateau: mode must be 'min'/'max' and threshold_mode "
                             f"'rel'/'abs', got {mode!r}, {threshold_mode!r}")
        n = len(optimizer.param_groups)
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != n:
                raise ValueError(f"ReduceLROnPlateau: expected {n} min_lrs, got {len(min_lr)}")
            self.min_lrs = list(min_lr)
        else:
            self.min_lrs = [min_lr] * n
        self.optimizer = optimizer
        self.mode, self.factor, self.patience = mode, factor, patience
        self.threshold, self.threshold_mode = threshold, threshold_mode
        self.cooldown, self.eps = cooldown, eps
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0
        self._last_lr = [g["lr"] for g in optimizer.param_groups]

    def is_better(self, a, best):
        if self.mode == "min":
            return a < (best * (1 - self.threshold) if self.threshold_mode == "rel"
                        else best - self.threshold)
        return a > (best * (1 + self.threshold) if self.threshold_mode == "rel"
                    else best + self.threshold)

    def step(self, metrics):
        current = float(metrics)
        self.last_epoch += 1
        if self.is_better(current, self.best):
            self.best, self.num_bad_epochs = current, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for g, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
                new = max(g["lr"] * self.factor, min_lr)
                if g["lr"] - new > self.eps:
                    g["lr"] = new
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        self._last_lr = [g["lr"] for g in self.optimizer.param_groups]

    def get_last_lr(self):
        return list(self._last_lr)

    def state_dict(self):
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict):
        self.__dict__.update(state_dict)
