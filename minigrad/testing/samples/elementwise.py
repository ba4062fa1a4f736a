"""Samples for the elementwise ops: broadcasting in every direction, scalars, 0-d tensors."""
import numpy as np

from ... import functional as F
from ..opinfo import OpInfo, SampleInput

BROADCAST_PAIRS = [((3, 4), (3, 4)), ((2, 3, 4), (4,)), ((3, 1), (1, 4)), ((4,), (2, 3, 4)),
                   ((2, 1, 4), (3, 1)), ((), (3,)), ((3, 2), ())]


def binary_samples(low=-1.0, high=1.0, low_b=None, high_b=None, avoid_b=()):
    def gen(make):
        lb = low if low_b is None else low_b
        hb = high if high_b is None else high_b
        for sa, sb in BROADCAST_PAIRS:
            yield SampleInput((make(sa, low, high), make(sb, lb, hb, avoid=avoid_b)), name=f"{sa}x{sb}")
        yield SampleInput((make((2, 3), low, high), 0.75 if lb >= 0 else -1.5), name="tensor-scalar")
        yield SampleInput((make((2, 3), low, high), make((2, 3), lb, hb, requires_grad=False, avoid=avoid_b)),
                          name="constant-b")
    return gen


def reflected_samples(make):
    """Python number on the left: exercises the reflected operators."""
    yield SampleInput((2.5, make((3, 2), 0.5, 2.0)), name="scalar-tensor")


def unary_samples(make):
    """2-D, 0-d and 3-D inputs drawn from the op's domain, away from its kinks."""
    yield SampleInput((make((3, 4)),), name="2d")
    yield SampleInput((make(()),), name="0d")
    yield SampleInput((make((2, 1, 3)),), name="3d")


def _chain(*gens):
    def gen(make):
        for g in gens:
            yield from g(make)
    return gen


def where_samples(make):
    for sc, sa, sb in [((3, 4), (3, 4), (3, 4)), ((3, 1), (1, 4), (4,)), ((2, 3), (2, 3), ())]:
        cond = make(sc, 0, 2, dtype=np.bool_)
        yield SampleInput((cond, make(sa), make(sb)), name=f"{sc},{sa},{sb}")
    yield SampleInput((make((2, 3), 0, 2, dtype=np.bool_), make((2, 3)), 0.5), name="scalar-other")


def clamp_samples(make):
    yield SampleInput((make((4, 5), -2, 2, avoid=(-0.5, 0.7)),), {"min": -0.5, "max": 0.7}, name="both")
    yield SampleInput((make((4, 5), -2, 2, avoid=(-0.5,)),), {"min": -0.5}, name="min-only")
    yield SampleInput((make((4, 5), -2, 2, avoid=(0.3,)),), {"max": 0.3}, name="max-only")


def pow_samples(make):
    yield from binary_samples(0.5, 2.0, -2.0, 2.0)(make)
    for c in (2, 3, 0.5, -1.5):
        yield SampleInput((make((3, 4), 0.5, 2.0), c), name=f"scalar-exponent-{c}")
    yield SampleInput((2.0, make((3,), -1, 1)), name="scalar-base")


def cast_samples(make):
    """Float casts round-trip the gradient's dtype; precision-losing casts cannot be
    finite-differenced, so they are covered in tests/minigrad/test_tensor.py instead."""
    yield SampleInput((make((3, 4)), np.float64), name="to-float64")


def _torch_cast(torch, x, dtype):
    return x.to(getattr(torch, np.dtype(dtype).name))


OPS = [
    OpInfo("add", F.add, _chain(binary_samples(), reflected_samples)),
    OpInfo("sub", F.sub, _chain(binary_samples(), reflected_samples), aliases=("subtract",)),
    OpInfo("mul", F.mul, _chain(binary_samples(), reflected_samples), aliases=("multiply",)),
    OpInfo("div", F.div, _chain(binary_samples(-1, 1, 0.5, 2.0), reflected_samples),
           aliases=("divide", "true_divide")),
    OpInfo("pow", F.pow, pow_samples),
    OpInfo("maximum", F.maximum, binary_samples(),
           torch_ref=lambda torch, a, b: torch.maximum(a, torch.as_tensor(b, dtype=a.dtype))),
    OpInfo("minimum", F.minimum, binary_samples(),
           torch_ref=lambda torch, a, b: torch.minimum(a, torch.as_tensor(b, dtype=a.dtype))),
    OpInfo("where", F.where, where_samples),
    OpInfo("neg", F.neg, unary_samples, aliases=("negative",), domain=(-2, 2)),
    OpInfo("abs", F.abs, unary_samples, domain=(-2, 2), kinks=(0,)),
    OpInfo("exp", F.exp, unary_samples, domain=(-2, 2)),
    OpInfo("log", F.log, unary_samples, domain=(0.2, 3.0)),
    OpInfo("log1p", F.log1p, unary_samples, domain=(-0.8, 3.0)),
    OpInfo("sqrt", F.sqrt, unary_samples, domain=(0.2, 3.0)),
    OpInfo("rsqrt", F.rsqrt, unary_samples, domain=(0.2, 3.0)),
    OpInfo("square", F.square, unary_samples, domain=(-2, 2)),
    OpInfo("reciprocal", F.reciprocal, unary_samples, domain=(0.3, 2.0)),
    OpInfo("sin", F.sin, unary_samples, domain=(-2, 2)),
    OpInfo("cos", F.cos, unary_samples, domain=(-2, 2)),
    OpInfo("tanh", F.tanh, unary_samples, domain=(-2, 2)),
    OpInfo("sign", F.sign, unary_samples, domain=(-2, 2), kinks=(0,)),
    OpInfo("clamp", F.clamp, clamp_samples, aliases=("clip",)),
    OpInfo("cast", F.cast, cast_samples, torch_ref=_torch_cast, keeps_dtype=False),
    OpInfo("to_device", F.to_device, lambda make: [SampleInput((make((2, 3)), "cpu"))],
           torch_ref=lambda torch, x, device: x.to(device)),
    OpInfo("clone", F.clone, unary_samples),
]
