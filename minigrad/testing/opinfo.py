"""OpInfo: what the generic op tests need to know about one differentiable op.

Adding an op to minigrad is: write its Function, then register an :class:`OpInfo` with sample
inputs in ``minigrad/testing/samples/<family>.py``. ``tests/minigrad/test_op_db.py`` then runs,
for every sample: gradcheck in float64, float32-vs-float64 forward agreement, non-contiguous
inputs, agreement with PyTorch (when installed) and CPU/GPU parity (when a GPU is present).
"""
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import numpy as np

from ..backend import xp_for
from ..tensor import _wrap


@dataclass
class SampleInput:
    """One call of an op: ``op(*args, **kwargs)``. ``name`` says what the sample covers."""
    args: tuple
    kwargs: dict = field(default_factory=dict)
    name: str = ""


@dataclass
class OpInfo:
    """Registry record of one public differentiable op.

    ``sample_inputs(make)`` yields :class:`SampleInput`; ``make(shape, ...)`` is a
    :func:`make_tensor` bound to the dtype, device and seeded generator of the test.
    ``torch_ref(torch, *args, **kwargs)`` computes the same with PyTorch (args converted to
    torch tensors); ``None`` means ``torch.nn.functional.<name>`` or ``torch.<name>``.
    ``aliases`` are other public names of the same op (e.g. ``clip`` for ``clamp``).
    ``fast=True`` uses the random-direction gradcheck (big samples). ``keeps_dtype``: float32
    inputs give float32 outputs (checked). ``domain`` is the (low, high) range ``make`` draws
    from by default; ``kinks`` are the op's known non-differentiable points (for its default
    options): ``make`` keeps values away from them, and a test checks that gradcheck's kink
    detector really finds each one."""
    name: str
    op: Callable
    sample_inputs: Callable
    torch_ref: Optional[Callable] = None
    skip_torch: str = ""
    aliases: tuple = ()
    atol: float = 1e-5
    rtol: float = 1e-3
    fast: bool = False
    f32_atol: float = 1e-4
    f32_rtol: float = 1e-4
    torch_atol: float = 1e-6
    torch_rtol: float = 1e-5
    noncontiguous: bool = True
    keeps_dtype: bool = True
    domain: tuple = (-1.0, 1.0)
    kinks: tuple = ()
    extra: Any = None

    def samples(self, dtype=np.float64, device="cpu", seed=None):
        """The sample inputs for ``dtype``/``device``, reproducible for this op."""
        import zlib
        rng = np.random.default_rng(zlib.crc32(self.name.encode()) if seed is None else seed)

        def make(shape, low=None, high=None, requires_grad=True, dtype=dtype, avoid=None, margin=0.05):
            low = self.domain[0] if low is None else low
            high = self.domain[1] if high is None else high
            avoid = self.kinks if avoid is None else avoid
            return make_tensor(shape, dtype, device, rng, low, high, requires_grad, avoid, margin)
        return list(self.sample_inputs(make))


def make_tensor(shape, dtype=np.float64, device="cpu", rng=None, low=-1.0, high=1.0,
                requires_grad=True, avoid=(), margin=0.05):
    """Uniform values in [low, high) kept at least ``margin`` away from every point in
    ``avoid`` (kinks such as 0 for ReLU); integer dtypes give integers in [low, high)."""
    rng = rng if rng is not None else np.random.default_rng(0)
    shape = tuple(shape) if not isinstance(shape, int) else (shape,)
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        a = rng.integers(int(low), int(high), size=shape).astype(dtype)
        requires_grad = False
    elif dtype.kind == "b":
        a = rng.random(shape) < 0.5
        requires_grad = False
    else:
        a = rng.uniform(low, high, size=shape)
        for p in avoid:
            near = np.abs(a - p) < margin
            a = np.where(near, p + np.where(a >= p, margin, -margin) * 2, a)
        a = a.astype(dtype)
    t = _wrap(xp_for(device).asarray(a), False, None, 0)
    if requires_grad:
        t.requires_grad_(True)
    return t
