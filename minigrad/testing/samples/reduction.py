"""Samples for the reduction ops: every dim form (None, int, negative, tuple), keepdim, 0-d
inputs, the variance corrections, every norm order, zeros in prod. Random inputs have no ties;
tie rules are tested in tests/minigrad/test_reduction.py."""
import math

from ... import functional as F
from ..opinfo import OpInfo, SampleInput

DIM_CASES = [({}, (3, 4)), ({"dim": 1}, (3, 4)), ({"dim": -1, "keepdim": True}, (2, 3, 4)),
             ({"dim": (0, 2)}, (2, 3, 4)), ({"dim": (0, -1), "keepdim": True}, (2, 3, 4)),
             ({"dim": 0}, (5,)), ({}, ())]


def dim_samples(low=-1.0, high=1.0, cases=DIM_CASES):
    def gen(make):
        for kw, shape in cases:
            yield SampleInput((make(shape, low, high),), dict(kw), name=f"{shape}-{kw}")
    return gen


def moment_samples(make):
    yield from dim_samples(cases=DIM_CASES[:5])(make)
    yield SampleInput((make((3, 4)),), {"dim": 1, "correction": 0}, name="correction-0")
    yield SampleInput((make((4, 3)),), {"dim": 0, "correction": 2, "keepdim": True}, name="correction-2")
    yield SampleInput((make((3, 4)),), {"dim": 1, "unbiased": False}, name="unbiased-False")
    yield SampleInput((make((3, 4)),), {"unbiased": True}, name="unbiased-True")


def extreme_samples(make):
    yield SampleInput((make((3, 4)),), name="full")
    yield SampleInput((make((3, 4)),), {"dim": 1}, name="dim1")
    yield SampleInput((make((3, 4)),), {"dim": 0, "keepdim": True}, name="dim0-keepdim")
    yield SampleInput((make((2, 3, 4)),), {"dim": -2}, name="3d-dim-2")
    yield SampleInput((make(()),), {"dim": 0}, name="0d")


AMAX_CASES = [({}, (3, 4)), ({"dim": 1}, (3, 4)), ({"dim": (0, 2), "keepdim": True}, (2, 3, 4)),
              ({"dim": -1}, (2, 3, 4))]


def logsumexp_samples(make):
    yield SampleInput((make((3, 4), -3, 3),), {"dim": 1}, name="dim1")
    yield SampleInput((make((2, 3, 4), -3, 3),), {"dim": (0, 2), "keepdim": True}, name="tuple-keepdim")
    yield SampleInput((make((3, 4), 80, 90),), {"dim": -1}, name="large")
    yield SampleInput((make((5,), -3, 3),), {"dim": 0}, name="1d")


def _with_zeros(t, *positions):
    for p in positions:
        t.data[p] = 0
    return t


def prod_samples(make):
    yield SampleInput((make((3, 4), 0.5, 1.5),), name="full")
    yield SampleInput((make((3, 4), -1.5, 1.5, avoid=(0,)),), {"dim": 1}, name="dim1")
    yield SampleInput((make((2, 3, 4), 0.5, 1.5),), {"dim": 0, "keepdim": True}, name="dim0-keepdim")
    yield SampleInput((_with_zeros(make((3, 4), 0.5, 1.5), (0, 1)),), {"dim": 1}, name="one-zero")
    yield SampleInput((_with_zeros(make((3, 4), 0.5, 1.5), (0, 1), (0, 3), (2, 0)),), {"dim": 1},
                      name="two-zeros")
    yield SampleInput((_with_zeros(make((2, 3), 0.5, 1.5), (1, 2)),), name="full-one-zero")


def norm_samples(make):
    yield SampleInput((make((3, 4)),), name="fro")
    yield SampleInput((make((3, 4), avoid=(0,)),), {"p": 1, "dim": 1}, name="p1-dim1")
    yield SampleInput((make((3, 4)),), {"p": 2, "dim": 0, "keepdim": True}, name="p2-keepdim")
    yield SampleInput((make((2, 3, 4)),), {"p": 3, "dim": (0, 2)}, name="p3-tuple")
    yield SampleInput((make((3, 4), avoid=(0,)),), {"p": 0.5, "dim": 1}, name="p0.5")
    yield SampleInput((make((3, 4), avoid=(0,)),), {"p": 1.5, "dim": -1}, name="p1.5")
    yield SampleInput((make((3, 4), avoid=(0,)),), {"p": math.inf, "dim": 1}, name="inf")
    yield SampleInput((make((3, 4), avoid=(0,)),), {"p": -math.inf, "dim": 0}, name="-inf")
    yield SampleInput((make((3, 4), avoid=(0,)),), {"p": math.inf}, name="inf-full")
    yield SampleInput((make((2, 3)),), {"p": "fro", "dim": (0, 1), "keepdim": True}, name="fro-dims")


def cumsum_samples(make):
    yield SampleInput((make((3, 4)),), {"dim": 0}, name="dim0")
    yield SampleInput((make((3, 4)),), {"dim": -1}, name="dim-1")
    yield SampleInput((make((2, 3, 4)),), {"dim": 1}, name="3d")


def topk_samples(make):
    yield SampleInput((make((3, 5)), 2), name="k2")
    yield SampleInput((make((3, 5)), 3), {"largest": False}, name="smallest")
    yield SampleInput((make((4, 3)), 2), {"dim": 0}, name="dim0")
    yield SampleInput((make((2, 3, 4)), 4), {"dim": -1}, name="k-all")


def sort_samples(make):
    yield SampleInput((make((3, 5)),), name="last")
    yield SampleInput((make((3, 5)),), {"descending": True}, name="descending")
    yield SampleInput((make((4, 3)),), {"dim": 0}, name="dim0")
    yield SampleInput((make((2, 3, 4)),), {"dim": 1, "descending": True}, name="3d")


OPS = [
    OpInfo("sum", F.sum, dim_samples()),
    OpInfo("mean", F.mean, dim_samples()),
    OpInfo("var", F.var, moment_samples),
    OpInfo("std", F.std, moment_samples),
    OpInfo("max", F.max, extreme_samples),
    OpInfo("min", F.min, extreme_samples),
    OpInfo("amax", F.amax, dim_samples(cases=AMAX_CASES)),
    OpInfo("amin", F.amin, dim_samples(cases=AMAX_CASES)),
    OpInfo("logsumexp", F.logsumexp, logsumexp_samples),
    OpInfo("prod", F.prod, prod_samples),
    OpInfo("norm", F.norm, norm_samples),
    OpInfo("cumsum", F.cumsum, cumsum_samples),
    OpInfo("topk", F.topk, topk_samples),
    OpInfo("sort", F.sort, sort_samples),
]
