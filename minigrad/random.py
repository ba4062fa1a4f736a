"""Seeded random number generation, one generator per device.

All randomness in minigrad (initialisers, dropout masks, noise, shuffling) draws from a
:class:`Generator`; ``minigrad.manual_seed(s)`` reseeds the default ones on every device, so a
run is reproducible. CPU generators are NumPy ``Generator(PCG64)``; GPU ones are CuPy's.
"""
import json

import numpy as np

from .backend import cupy, normalize_device


class Generator:
    """A seedable source of random arrays on one device (``"cpu"`` or ``"cuda"``)."""

    def __init__(self, device="cpu", seed=None):
        self.device = normalize_device(device)
        self.manual_seed(0 if seed is None else seed)

    def manual_seed(self, seed):
        self.seed = int(seed)
        if self.device == "cpu":
            self.rng = np.random.Generator(np.random.PCG64(self.seed))
        else:
            self.rng = cupy().random.default_rng(self.seed)
        return self

    def initial_seed(self):
        return self.seed

    def get_state(self):
        """The generator state as a JSON string (saved in checkpoints; no pickle)."""
        if self.device != "cpu":
            raise NotImplementedError("saving the state of a CuPy generator is not supported; "
                                      "reseed with manual_seed instead")
        return json.dumps(self.rng.bit_generator.state)

    def set_state(self, state):
        if self.device != "cpu":
            raise NotImplementedError("restoring the state of a CuPy generator is not supported")
        self.rng.bit_generator.state = json.loads(state) if isinstance(state, str) else state

    # raw array draws ------------------------------------------------------------
    def uniform(self, low, high, shape, dtype):
        return (self.rng.random(shape, dtype=np.float64) * (high - low) + low).astype(dtype, copy=False)

    def normal(self, mean, std, shape, dtype):
        return (self.rng.standard_normal(shape, dtype=np.float64) * std + mean).astype(dtype, copy=False)

    def integers(self, low, high, shape, dtype=np.int64):
        return self.rng.integers(low, high, size=shape).astype(dtype, copy=False)

    def bernoulli(self, p, shape, dtype):
        return (self.rng.random(shape) < p).astype(dtype)

    def permutation(self, n):
        return self.rng.permutation(n)

    def choice(self, n, size, replace=True, p=None):
        return self.rng.choice(n, size=size, replace=replace, p=p)


_DEFAULT = {}


def default_generator(device="cpu"):
    """The process-wide generator for ``device``."""
    device = normalize_device(device)
    if device not in _DEFAULT:
        _DEFAULT[device] = Generator(device, _SEED[0])
    return _DEFAULT[device]


_SEED = [0]


def manual_seed(seed):
    """Reseed the default generators of every device; returns the CPU generator."""
    _SEED[0] = int(seed)
    for g in _DEFAULT.values():
        g.manual_seed(seed)
    return default_generator("cpu")


def seed(seed_value):
    return manual_seed(seed_value)


def get_rng_state():
    """The default CPU generator's state (JSON string)."""
    return default_generator("cpu").get_state()


def set_rng_state(state):
    default_generator("cpu").set_state(state)
