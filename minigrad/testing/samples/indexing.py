"""Samples for the indexing ops: every index kind of ``x[idx]`` (basic, negative steps, None,
Ellipsis, int lists/tensors with repeated indices, bool masks, mixed basic + advanced), index_put
with and without accumulation, and the gather/scatter family with repeated indices."""
import numpy as np

from ... import functional as F
from ...creation import tensor
from ...tensor import Tensor
from ..opinfo import OpInfo, SampleInput


def _ints(like, values):
    """A constant int64 tensor on ``like``'s device (repeated indices written out)."""
    return tensor(values, dtype=np.int64, device=like.device)


def _index_samples(make):
    def s(idx, name, shape=(4, 5, 3)):
        x = make(shape)
        return SampleInput((x, idx(x) if callable(idx) else idx), name=name)
    yield s(2, "int")
    yield s((-1, 0), "negative-ints")
    yield s((slice(1, None, 2), slice(None, 4), 1), "slices-step")
    yield s((slice(None, None, -1), slice(3, 0, -2)), "negative-steps")
    yield s((None, Ellipsis, 1), "none-ellipsis")
    yield s((Ellipsis, None, slice(0, 2)), "ellipsis-none-slice")
    yield s([0, 2, 0, 3], "int-list-repeated")
    yield s(lambda x: _ints(x, [[1, 1], [3, 0]]), "int64-tensor-2d-repeated")
    yield s(lambda x: make((4, 5), dtype=np.bool_), "bool-tensor-2d")
    yield s((np.array([True, False, True, True]),), "bool-array")
    yield s((slice(None), [1, 1, 4], 0), "mixed-adjacent")
    yield s(lambda x: (_ints(x, [0, 3, 3]), slice(None), _ints(x, [2, 0, 2])), "mixed-separated")
    yield s((1, [0, 2, 2]), "int-and-list")
    yield s(lambda x: (Ellipsis, _ints(x, [[2], [0]]), slice(None, None, 2)), "broadcast-advanced")
    yield s(lambda x: _ints(x, 3), "0d-int-tensor")
    yield s((slice(None), slice(None, None, -2)), "negative-step-only")
    yield s([], "empty-list")
    yield s((), "0d-input", shape=())


def _to_torch_index(torch, idx, shape):
    """The same index for torch, plus the dims to flip first: tensors are converted, and a
    negative-step slice (torch has none) becomes a positive-step slice of the flipped dim."""
    items = idx if isinstance(idx, tuple) else (idx,)

    def ndims(it):
        if it is None or it is Ellipsis or isinstance(it, bool):
            return 0
        a = np.asarray(it) if isinstance(it, (list, np.ndarray, Tensor)) else None
        return a.ndim if a is not None and a.dtype == np.bool_ else 1
    used = sum(ndims(it) for it in items)
    out, flips, pos = [], [], 0
    for it in items:
        if it is Ellipsis:
            out.append(it)
            pos += len(shape) - used
            continue
        d = ndims(it)
        if isinstance(it, slice) and (it.step or 1) < 0:
            n, kept = shape[pos], range(*it.indices(shape[pos]))
            flips.append(pos)
            it = slice(n - 1 - kept[0], n - kept[-1], -it.step) if kept else slice(0, 0)
        elif isinstance(it, (list, np.ndarray, Tensor)):
            a = np.array(it) if len(np.shape(it)) or not isinstance(it, list) else np.zeros(0, np.int64)
            it = torch.from_numpy(a.astype(np.int64) if a.dtype.kind in "iuf" else a)
        out.append(it)
        pos += d
    return (tuple(out) if isinstance(idx, tuple) else out[0]), flips


def _torch_getitem(torch, x, idx):
    idx, flips = _to_torch_index(torch, idx, tuple(x.shape))
    return (x.flip(flips) if flips else x)[idx]


def _index_put_samples(make):
    x = make((4, 3))
    yield SampleInput((x, (slice(1, 3),), make((2, 3))), name="slice")
    x = make((4, 3))
    yield SampleInput((x, [0, 2], make((3,))), name="list-broadcast-values")
    x = make((4, 3))
    yield SampleInput((x, make((4, 3), dtype=np.bool_), make(())), name="mask-0d-values")
    x = make((4, 3))
    yield SampleInput((x, _ints(x, [0, 0, 3]), make((3, 3)), True), name="accumulate-repeated")
    x = make((4, 3))
    yield SampleInput((x, (_ints(x, [1, 2]), _ints(x, [2, 2])), make((2,)), True),
                      name="accumulate-tuple-repeated")
    yield SampleInput((make((4, 3)), (1, slice(None)), 2.5), name="number")
    x = make((4, 3), requires_grad=False)
    yield SampleInput((x, (Ellipsis, 1), make((4,))), name="constant-input")


def _torch_index_put(torch, x, idx, values, accumulate=False):
    idx, _ = _to_torch_index(torch, idx, tuple(x.shape))
    if accumulate:
        return torch.index_put(x, idx if isinstance(idx, tuple) else (idx,), values, True)
    y = x.clone()
    y[idx] = values
    return y


def _gather_samples(make):
    x = make((3, 4))
    yield SampleInput((x, 1, _ints(x, [[0, 0], [3, 1], [2, 2]])), name="dim1-repeated")
    x = make((3, 4))
    yield SampleInput((x, 0, _ints(x, [[2, 0, 2, 1], [0, 0, 1, 1]])), name="dim0")
    x = make((3, 4))
    yield SampleInput((x, -1, _ints(x, [[1], [0]])), name="smaller-index")
    x = make((2, 3, 2))
    yield SampleInput((x, 1, make((2, 4, 2), 0, 3, dtype=np.int64)), name="3d-random")


def _scatter_add_samples(make):
    x = make((3, 5))
    yield SampleInput((x, 1, _ints(x, [[0, 0], [4, 1], [2, 2]]), make((3, 2))), name="repeated")
    x = make((3, 5))
    yield SampleInput((x, 0, _ints(x, [[2, 0], [2, 1]]), make((3, 4))), name="larger-src")
    x = make((4, 2), requires_grad=False)
    yield SampleInput((x, -2, _ints(x, [[1, 1], [1, 3]]), make((2, 2))), name="constant-input")


def _scatter_samples(make):
    x = make((3, 5))
    yield SampleInput((x, 1, _ints(x, [[0, 3], [4, 1], [2, 0]]), make((3, 2))), name="src")
    x = make((3, 5))
    yield SampleInput((x, 0, _ints(x, [[2, 0, 1]]), make((2, 4))), name="larger-src")
    x = make((3, 5))
    yield SampleInput((x, 1, _ints(x, [[1], [4], [0]])), {"value": 2.0}, name="value")
    x = make((3, 5))
    yield SampleInput((x, 0, _ints(x, [[1, 2]]), -0.5), name="number-src")


def _index_select_samples(make):
    x = make((4, 3))
    yield SampleInput((x, 0, _ints(x, [2, 0, 2])), name="dim0-repeated")
    x = make((2, 5))
    yield SampleInput((x, -1, _ints(x, [4])), name="dim-1")
    x = make((2, 5))
    yield SampleInput((x, 1, _ints(x, 3)), name="0d-index")


def _index_add_samples(make):
    x = make((4, 3))
    yield SampleInput((x, 0, _ints(x, [0, 2, 0]), make((3, 3))), name="repeated")
    x = make((2, 5))
    yield SampleInput((x, 1, _ints(x, [4, 1]), make((2, 2))), {"alpha": 2.0}, name="alpha")


def _masked_fill_samples(make):
    yield SampleInput((make((3, 4)), make((3, 4), dtype=np.bool_), 2.0), name="same-shape")
    yield SampleInput((make((3, 4)), make((4,), dtype=np.bool_), -1.5), name="broadcast-mask")
    yield SampleInput((make((3, 4)), make((3, 1), dtype=np.bool_), make(())), name="0d-tensor-value")


def _masked_select_samples(make):
    yield SampleInput((make((3, 4)), make((3, 4), dtype=np.bool_)), name="same-shape")
    yield SampleInput((make((3, 1)), make((3, 4), dtype=np.bool_)), name="broadcast-input")
    yield SampleInput((make((3, 4)), make((4,), dtype=np.bool_)), name="broadcast-mask")


def _take_along_dim_samples(make):
    x = make((3, 4))
    yield SampleInput((x, _ints(x, [[0, 3], [1, 1], [2, 0]]), 1), name="dim1-repeated")
    x = make((3, 4))
    yield SampleInput((x, _ints(x, [[2, -1]]), 1), name="broadcast-negative")
    x = make((3, 1))
    yield SampleInput((x, _ints(x, [[0, 2, 2, 1]]), 0), name="broadcast-input")
    x = make((3, 4))
    yield SampleInput((x, _ints(x, [11, 0, 5, 5])), name="flat")


def _torch_scatter(name):
    """torch's scatter backward breaks for a src larger than index (shape error); only the
    leading index-shaped block of src is used, so pass torch that block."""
    def ref(torch, x, dim, index, src=None, value=None):
        if isinstance(src, torch.Tensor):
            src = src[tuple(slice(0, n) for n in index.shape)]
        if value is not None:
            return getattr(torch, name)(x, dim, index, value=value)
        return getattr(torch, name)(x, dim, index, src)
    return ref


OPS = [
    OpInfo("index", F.index, _index_samples, torch_ref=_torch_getitem),
    OpInfo("index_put", F.index_put, _index_put_samples, torch_ref=_torch_index_put),
    OpInfo("gather", F.gather, _gather_samples),
    OpInfo("scatter_add", F.scatter_add, _scatter_add_samples, torch_ref=_torch_scatter("scatter_add")),
    OpInfo("scatter", F.scatter, _scatter_samples, torch_ref=_torch_scatter("scatter")),
    OpInfo("index_select", F.index_select, _index_select_samples),
    OpInfo("index_add", F.index_add, _index_add_samples),
    OpInfo("masked_fill", F.masked_fill, _masked_fill_samples),
    OpInfo("masked_select", F.masked_select, _masked_select_samples),
    OpInfo("take_along_dim", F.take_along_dim, _take_along_dim_samples),
    OpInfo("narrow", F.narrow, lambda make: [
        SampleInput((make((4, 5)), 1, 1, 3), name="dim1"),
        SampleInput((make((4, 5)), 0, -2, 2), name="negative-start")]),
]
