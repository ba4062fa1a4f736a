"""Samples for pooling, unpooling and resizing: overlapping windows, strides, padding (also
TF SAME and per-side, compared with PyTorch through an explicit F.pad), dilation, ceil_mode,
non-square kernels and inputs, batch 1. Max-pool inputs are distinct values in every window
(no ties: ties are tested in tests/minigrad/test_pooling.py)."""
import numpy as np

from ... import functional as F
from ...autograd import no_grad
from ...functional.conv import resolve_padding
from ..opinfo import OpInfo, SampleInput


def _distinct(make, shape):
    """Values at least 1/(2*size) apart: a permutation of a grid, shifted by the seeded draw."""
    t = make(shape, 0.0, 1.0)
    order = np.argsort(np.argsort(t.numpy().ravel()))
    t.data[...] = (order.reshape(shape) / order.size - 0.5).astype(t.dtype)
    return t


MAX_CASES = [
    ((2, 3, 6, 6), 2, {}, "k2"),
    ((2, 2, 7, 6), 3, {"stride": 2}, "k3-s2-overlap"),
    ((1, 2, 6, 7), (3, 2), {"stride": 1, "padding": (1, 0)}, "k3x2-s1-pad-batch1"),
    ((2, 2, 7, 7), 3, {"stride": 2, "padding": 1, "ceil_mode": True}, "k3-s2-p1-ceil"),
    ((2, 2, 6, 5), 2, {"stride": 2, "ceil_mode": True}, "k2-ceil-odd"),
    ((2, 2, 8, 7), 2, {"stride": 1, "dilation": 2}, "dilation2"),
    ((2, 2, 6, 7), 2, {"stride": 3}, "k2-s3-gaps"),
    ((2, 2, 7, 8), 3, {"stride": 2, "padding": "same"}, "same-s2"),
    ((2, 2, 5, 6), 2, {"stride": 2, "padding": (0, 1, 1, 0)}, "per-side"),
    ((2, 2, 5, 7), 2, {}, "k2-odd-floor"),
]


def max_samples(make):
    for shape, k, kw, name in MAX_CASES:
        yield SampleInput((_distinct(make, shape), k), dict(kw), name=name)
    yield SampleInput((_distinct(make, (2, 2, 6, 6)), 2), {"return_indices": True}, name="k2-indices")
    yield SampleInput((_distinct(make, (2, 2, 7, 6)), 3), {"stride": 2, "padding": 1,
                                                           "return_indices": True}, name="k3-s2-indices")


def with_indices_samples(make):
    yield SampleInput((_distinct(make, (2, 2, 7, 6)), 3), {"stride": 2, "padding": 1}, name="k3-s2-p1")


def _torch_pool(name, fill):
    """torch pooling with our extra padding forms turned into an explicit F.pad."""
    def ref(torch, x, kernel_size, stride=None, padding=0, *args, **kwargs):
        fn = getattr(torch.nn.functional, name)
        if isinstance(padding, int) or (not isinstance(padding, str) and len(padding) == 2):
            return fn(x, kernel_size, stride, padding, *args, **kwargs)
        k = (kernel_size,) * 2 if isinstance(kernel_size, int) else kernel_size
        s = k if stride is None else (stride,) * 2 if isinstance(stride, int) else stride
        d = kwargs.get("dilation", 1)
        d = (d, d) if isinstance(d, int) else d
        p = resolve_padding("ref", padding, tuple(x.shape[2:]), k, s, d)
        xp = torch.nn.functional.pad(x, (p[2], p[3], p[0], p[1]), value=fill)
        if name == "avg_pool2d" and not kwargs.get("count_include_pad", True):
            ones = torch.nn.functional.pad(torch.ones_like(x), (p[2], p[3], p[0], p[1]))
            return fn(xp, k, s, 0, divisor_override=1) / fn(ones, k, s, 0, divisor_override=1)
        return fn(xp, kernel_size, stride, 0, *args, **kwargs)
    return ref


def avg_samples(make):
    cases = [((2, 3, 6, 6), 2, {}, "k2"),
             ((2, 2, 7, 6), 3, {"stride": 2, "padding": 1}, "k3-s2-p1"),
             ((2, 2, 7, 6), 3, {"stride": 2, "padding": 1, "count_include_pad": False}, "exclude-pad"),
             ((1, 2, 7, 7), (3, 2), {"stride": (2, 1), "padding": (1, 1), "ceil_mode": True}, "ceil-batch1"),
             ((2, 2, 6, 5), 2, {"stride": 2, "ceil_mode": True, "count_include_pad": False}, "ceil-exclude"),
             ((2, 2, 7, 8), 3, {"stride": 2, "padding": "same", "count_include_pad": False}, "tf-same"),
             ((2, 2, 6, 6), 2, {"stride": 1, "divisor_override": 3}, "divisor-override")]
    for shape, k, kw, name in cases:
        yield SampleInput((make(shape), k), dict(kw), name=name)


def adaptive_samples(make):
    yield SampleInput((make((2, 3, 6, 6)), 1), name="global")
    yield SampleInput((make((2, 2, 7, 5)), (3, 2)), name="uneven-windows")
    yield SampleInput((make((1, 2, 5, 6)), (None, 4)), name="keep-h")
    yield SampleInput((make((2, 2, 3, 4)), (5, 6)), name="upsample")


def global_samples(make):
    yield SampleInput((make((2, 3, 4, 5)),), name="keepdim")
    yield SampleInput((make((2, 3, 4, 5)),), {"keepdim": False}, name="squeeze")


def interpolate_samples(make):
    cases = [({"scale_factor": 2}, "nearest-x2"),
             ({"size": (7, 5)}, "nearest-size"),
             ({"scale_factor": (1.5, 0.5)}, "nearest-fractional"),
             ({"scale_factor": 2, "mode": "bilinear"}, "bilinear-x2"),
             ({"size": (6, 9), "mode": "bilinear", "align_corners": True}, "bilinear-align"),
             ({"size": (3, 2), "mode": "bilinear"}, "bilinear-down"),
             ({"scale_factor": 1.7, "mode": "bilinear", "recompute_scale_factor": True}, "bilinear-recompute")]
    for kw, name in cases:
        yield SampleInput((make((2, 2, 4, 3)),), dict(kw), name=name)


def unpool_samples(make):
    cases = [((2, 2, 6, 6), 2, {}, None, "k2"),
             ((2, 2, 7, 6), 2, {"stride": 2}, (7, 6), "k2-output-size"),
             ((1, 3, 7, 7), 3, {"stride": 3, "padding": 1}, None, "k3-s3-p1")]
    for shape, k, kw, size, name in cases:
        with no_grad():
            y, idx = F.max_pool2d(_distinct(make, shape), k, return_indices=True, **kw)
        x = make(tuple(y.shape))
        yield SampleInput((x, idx, k), dict(kw, output_size=size), name=name)


OPS = [
    OpInfo("max_pool2d", F.max_pool2d, max_samples, torch_ref=_torch_pool("max_pool2d", -np.inf)),
    OpInfo("max_pool2d_with_indices", F.max_pool2d_with_indices, with_indices_samples),
    OpInfo("avg_pool2d", F.avg_pool2d, avg_samples, torch_ref=_torch_pool("avg_pool2d", 0.0)),
    OpInfo("adaptive_avg_pool2d", F.adaptive_avg_pool2d, adaptive_samples),
    OpInfo("global_avg_pool2d", F.global_avg_pool2d, global_samples,
           torch_ref=lambda torch, x, keepdim=True: x.mean(dim=(2, 3), keepdim=keepdim)),
    OpInfo("interpolate", F.interpolate, interpolate_samples, aliases=("upsample",)),
    OpInfo("max_unpool2d", F.max_unpool2d, unpool_samples),
]
