"""Samples for the conv ops: strides 1-3, every padding form (SAME on odd and even sizes),
dilation 1-2, groups 1/2/depthwise, non-square kernels and inputs, batch 1, bias or none,
output_padding. TensorFlow SAME and per-side padding are compared against PyTorch with an
explicit (asymmetric) ``F.pad``."""
from ... import functional as F
from ...functional.conv import resolve_padding
from ..opinfo import OpInfo, SampleInput


def _conv_cases(nd):
    """(input shape, weight shape, bias?, kwargs, name) for conv1d/conv2d."""
    if nd == 1:
        return [
            ((2, 3, 9), (4, 3, 3), True, {}, "k3"),
            ((2, 4, 10), (4, 2, 2), False, {"stride": 2, "padding": 1, "groups": 2}, "s2-p1-groups2"),
            ((1, 2, 8), (3, 2, 3), True, {"padding": "same", "stride": 2, "dilation": 2}, "same-s2-d2"),
            ((2, 3, 7), (6, 1, 3), False, {"groups": 3, "padding": (2, 1)}, "depthwise-perside"),
        ]
    return [
        ((2, 3, 6, 5), (4, 3, 3, 3), True, {}, "k3"),
        ((2, 2, 7, 6), (3, 2, 3, 2), False, {"stride": 2, "padding": 1}, "s2-p1-k3x2"),
        ((1, 2, 8, 7), (3, 2, 2, 3), True, {"stride": (3, 2), "padding": (1, 2)}, "s3x2-batch1"),
        ((2, 2, 9, 8), (2, 2, 3, 3), False, {"dilation": 2, "padding": 2}, "dilation2"),
        ((2, 2, 7, 8), (3, 2, 2, 3), False, {"dilation": (2, 1), "stride": (1, 3)}, "dilation2x1-s1x3"),
        ((2, 2, 7, 7), (3, 2, 3, 3), True, {"padding": "same"}, "same-odd"),
        ((2, 2, 8, 6), (3, 2, 3, 2), False, {"padding": "same", "stride": 2}, "same-s2-even"),
        ((1, 2, 7, 8), (2, 2, 4, 4), False, {"padding": "same", "stride": 3}, "same-s3-k4"),
        ((2, 2, 6, 7), (2, 2, 3, 3), False, {"padding": "same", "dilation": 2}, "same-d2"),
        ((2, 2, 6, 5), (3, 2, 3, 3), False, {"padding": "valid"}, "valid"),
        ((2, 2, 5, 6), (3, 2, 3, 3), False, {"padding": (1, 0, 2, 1)}, "per-side"),
        ((2, 4, 6, 5), (6, 2, 3, 3), True, {"groups": 2, "padding": 1}, "groups2"),
        ((2, 3, 7, 6), (3, 1, 3, 3), True, {"groups": 3, "padding": 1, "stride": 2}, "depthwise"),
        ((2, 2, 6, 7), (4, 1, 3, 2), False, {"groups": 2, "dilation": 2, "padding": "same"},
         "depthwise-mult2-same"),
        ((2, 4, 5, 4), (3, 4, 1, 1), True, {}, "1x1"),
        ((2, 4, 6, 5), (3, 4, 1, 1), False, {"stride": 2}, "1x1-s2"),
    ]


def conv_samples(nd):
    def gen(make):
        for xs, ws, bias, kw, name in _conv_cases(nd):
            b = make((ws[0],)) if bias else None
            yield SampleInput((make(xs), make(ws), b), dict(kw), name=name)
        xs, ws, _, kw, _ = _conv_cases(nd)[0]
        yield SampleInput((make(xs), make(ws, requires_grad=False)), {}, name="constant-weight")
        yield SampleInput((make(xs, requires_grad=False), make(ws)), {}, name="constant-input")
    return gen


def _torch_conv(nd):
    """torch conv with our padding forms turned into an explicit (asymmetric) F.pad."""
    def ref(torch, x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
        fn = torch.nn.functional.conv1d if nd == 1 else torch.nn.functional.conv2d
        if isinstance(padding, int) or (not isinstance(padding, str) and len(padding) == nd):
            return fn(x, w, b, stride, padding, dilation, groups)
        st = (stride,) * nd if isinstance(stride, int) else stride
        dl = (dilation,) * nd if isinstance(dilation, int) else dilation
        pads = resolve_padding("ref", padding, tuple(x.shape[2:]), tuple(w.shape[2:]), st, dl)
        torch_pad = sum(((pads[2 * a], pads[2 * a + 1]) for a in reversed(range(nd))), ())
        return fn(torch.nn.functional.pad(x, torch_pad), w, b, stride, 0, dilation, groups)
    return ref


def _transpose_cases(nd):
    if nd == 1:
        return [
            ((2, 3, 5), (3, 2, 3), True, {"stride": 2, "padding": 1, "output_padding": 1}, "s2-p1-op1"),
            ((2, 4, 4), (4, 1, 3), False, {"groups": 2, "dilation": 2}, "groups2-d2"),
        ]
    return [
        ((2, 3, 4, 3), (3, 2, 3, 3), True, {}, "k3"),
        ((2, 2, 4, 3), (2, 3, 3, 3), True, {"stride": 2, "padding": 1, "output_padding": 1}, "s2-p1-op1"),
        ((1, 2, 3, 4), (2, 2, 4, 4), False, {"stride": 2, "padding": 1}, "k4-s2-p1-batch1"),
        ((2, 2, 3, 3), (2, 2, 2, 3), False, {"stride": (3, 2), "padding": (0, 1),
                                             "output_padding": (2, 0)}, "s3x2-nonsquare-op2"),
        ((2, 4, 3, 4), (4, 2, 3, 3), True, {"groups": 2, "stride": 2}, "groups2"),
        ((2, 2, 4, 3), (2, 2, 3, 2), False, {"dilation": 2, "padding": 1}, "dilation2"),
        ((2, 3, 4, 3), (3, 1, 3, 3), True, {"groups": 3, "stride": 2, "padding": 1}, "depthwise"),
        ((2, 2, 3, 4), (2, 2, 1, 1), False, {"stride": 2}, "1x1-s2"),
    ]


def transpose_samples(nd):
    def gen(make):
        for xs, ws, bias, kw, name in _transpose_cases(nd):
            b = make((ws[1] * kw.get("groups", 1),)) if bias else None
            yield SampleInput((make(xs), make(ws), b), dict(kw), name=name)
        xs, ws, _, kw, _ = _transpose_cases(nd)[0]
        yield SampleInput((make(xs, requires_grad=False), make(ws)), dict(kw), name="constant-input")
    return gen


def same_transpose_samples(make):
    cases = [((2, 2, 2, 3), (2, 3, 3, 3), 2, None, "k3-s2"),       # SD-10: 2x2, k3, s2 -> 4x4
             ((1, 2, 3, 2), (2, 2, 4, 4), 2, None, "k4-s2"),
             ((2, 2, 3, 3), (2, 2, 2, 2), 3, None, "k2-s3-append"),  # k < s: zero rows appended
             ((2, 2, 3, 3), (2, 2, 3, 3), 2, (5, 6), "output_size"),
             ((2, 2, 3, 4), (2, 2, 3, 3), 1, None, "s1")]
    for xs, ws, s, size, name in cases:
        kw = {"stride": s} if size is None else {"stride": s, "output_size": size}
        yield SampleInput((make(xs), make(ws), make((ws[1],))), kw, name=name)


def torch_transpose_same(torch, x, w, b=None, stride=1, output_size=None, groups=1, dilation=1):
    """The full transposed conv (no padding), then TF's crop (or zero rows appended)."""
    full = torch.nn.functional.conv_transpose2d(x, w, b, stride, 0, 0, groups, dilation)
    size = output_size or tuple(s * stride for s in x.shape[2:])
    slices = [slice(None), slice(None)]
    for a, o in enumerate(size):
        f = full.shape[2 + a]
        before = max(f - o, 0) // 2
        if o > f - before:                      # append zero rows: pad the unbiased result
            pad = [0, 0, 0, 0]
            pad[2 * (1 - a) + 1] = o - (f - before)
            full = torch.nn.functional.pad(full - b.reshape(1, -1, 1, 1), pad) + b.reshape(1, -1, 1, 1)
        slices.append(slice(before, before + o))
    return full[tuple(slices)]


def unfold_samples(make):
    yield SampleInput((make((2, 3, 5, 4)), 2), {}, name="k2")
    yield SampleInput((make((1, 2, 6, 7)), (2, 3)), {"dilation": (1, 2), "padding": 1, "stride": (2, 1)},
                      name="k2x3-d-p-s")
    yield SampleInput((make((2, 2, 6, 6)), 3), {"stride": 3}, name="non-overlapping")


def fold_samples(make):
    yield SampleInput((make((2, 12, 12)), (5, 4), 2), {}, name="k2-overlapping")
    yield SampleInput((make((1, 12, 20)), (6, 7), (2, 3)), {"dilation": (1, 2), "padding": 1,
                                                           "stride": (2, 1)}, name="k2x3-d-p-s")
    yield SampleInput((make((2, 18, 4)), (6, 6), 3), {"stride": 3}, name="non-overlapping")


OPS = [
    OpInfo("conv2d", F.conv2d, conv_samples(2), torch_ref=_torch_conv(2)),
    OpInfo("conv1d", F.conv1d, conv_samples(1), torch_ref=_torch_conv(1)),
    OpInfo("conv_transpose2d", F.conv_transpose2d, transpose_samples(2)),
    OpInfo("conv_transpose1d", F.conv_transpose1d, transpose_samples(1)),
    OpInfo("conv_transpose2d_same", F.conv_transpose2d_same, same_transpose_samples,
           torch_ref=torch_transpose_same),
    OpInfo("unfold", F.unfold, unfold_samples),
    OpInfo("fold", F.fold, fold_samples),
]
