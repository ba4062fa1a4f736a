"""Samples for the shape ops: every argument form (varargs and tuple shapes, -1, negative dims),
every pad mode with positive and negative widths, mixed requires_grad in cat/stack."""
import numpy as np

from ... import functional as F
from ..opinfo import OpInfo, SampleInput


def _shape_samples(forms):
    """``forms``: (input shape, positional args after the input, kwargs, name)."""
    def gen(make):
        for shape, args, kwargs, name in forms:
            yield SampleInput((make(shape),) + tuple(args), dict(kwargs), name=name)
    return gen


RESHAPES = [((2, 3, 4), ((6, 4),), {}, "tuple"), ((2, 3, 4), (4, -1), {}, "varargs-infer"),
            ((6,), (2, 1, 3), {}, "1d-to-3d"), ((), (1, 1), {}, "0d"),
            ((1, 4), (-1,), {}, "to-1d")]


def _as_samples(make):
    yield SampleInput((make((2, 6)), make((3, 4), requires_grad=False)), name="2x6-as-3x4")
    yield SampleInput((make((4,)), make((2, 1, 2), requires_grad=False)), name="4-as-2x1x2")


def _cat_samples(make):
    yield SampleInput((make((2, 3)), make((4, 3)), make((1, 3))), {"dim": 0}, name="dim0-3")
    yield SampleInput((make((2, 3, 1)), make((2, 3, 2))), {"dim": -1}, name="dim-1")
    yield SampleInput((make((2, 2)), make((2, 3), requires_grad=False)), {"dim": 1},
                      name="mixed-requires-grad")
    yield SampleInput((make((3,)),), {}, name="single")


def _stack_samples(make):
    yield SampleInput((make((2, 3)), make((2, 3)), make((2, 3))), {"dim": 0}, name="dim0")
    yield SampleInput((make((2, 3)), make((2, 3), requires_grad=False)), {"dim": 2}, name="last-mixed")
    yield SampleInput((make((2, 3)), make((2, 3))), {"dim": -2}, name="dim-2")
    yield SampleInput((make(()), make(())), {}, name="0d")


def _cat_op(*tensors, dim=0):
    return F.cat(tensors, dim)


def _stack_op(*tensors, dim=0):
    return F.stack(tensors, dim)


def _pad_samples(make):
    for mode in ("constant", "reflect", "replicate", "circular"):
        yield SampleInput((make((2, 3, 5)), (1, 2)), {"mode": mode}, name=f"{mode}-1d")
        yield SampleInput((make((1, 2, 4, 5)), (2, 1, 1, 3)), {"mode": mode}, name=f"{mode}-2d")
        yield SampleInput((make((1, 1, 4, 5)), (-1, 2, 1, -2)), {"mode": mode}, name=f"{mode}-crop")
        yield SampleInput((make((1, 1, 3, 3, 4)), (1, 1, 2, 0, 1, 2)), {"mode": mode},
                          name=f"{mode}-3d")
    yield SampleInput((make((3, 4)), (1, 1, 2, 0)), {"value": 2.5}, name="value")
    yield SampleInput((make((2, 3)), (0, 0, 1, 1)), {"mode": "constant", "value": -1.0},
                      name="first-dim")
    yield SampleInput((make((2, 5)), (-2, -1)), name="crop-only")


def _repeat_interleave_samples(make):
    yield SampleInput((make((2, 3)), 2), {"dim": 1}, name="int-dim1")
    yield SampleInput((make((2, 3)), 3), name="int-flat")
    yield SampleInput((make((3, 2)), make((3,), 0, 3, dtype=np.int64)), {"dim": 0},
                      name="tensor-repeats")
    yield SampleInput((make((2, 3)), 2), {"dim": -2}, name="int-dim-2")


OPS = [
    OpInfo("reshape", F.reshape, _shape_samples(RESHAPES),
           torch_ref=lambda torch, x, *s: x.reshape(*s)),
    OpInfo("view", F.view, _shape_samples(RESHAPES), torch_ref=lambda torch, x, *s: x.view(*s)),
    OpInfo("view_as", F.view_as, _as_samples, torch_ref=lambda torch, x, o: x.view_as(o)),
    OpInfo("reshape_as", F.reshape_as, _as_samples, torch_ref=lambda torch, x, o: x.reshape_as(o)),
    OpInfo("flatten", F.flatten, _shape_samples([
        ((2, 3, 4), (), {}, "all"), ((2, 3, 4, 2), (1,), {}, "start1"),
        ((2, 3, 4, 2), (), {"start_dim": 1, "end_dim": 2}, "middle"),
        ((2, 3, 4), (0, -2), {}, "negative-end"), ((), (), {}, "0d")])),
    OpInfo("unflatten", F.unflatten, _shape_samples([
        ((2, 12), (1, (3, 4)), {}, "dim1"), ((6, 2), (0, (2, -1)), {}, "infer"),
        ((2, 6), (-1, (1, 6, 1)), {}, "negative-dim")])),
    OpInfo("transpose", F.transpose, _shape_samples([
        ((2, 3), (0, 1), {}, "2d"), ((2, 3, 4), (-1, 0), {}, "3d-negative"),
        ((2, 3, 4), (1, 1), {}, "same-dim")]), aliases=("swapaxes", "swapdims")),
    OpInfo("permute", F.permute, _shape_samples([
        ((2, 3, 4), (2, 0, 1), {}, "varargs"), ((2, 3, 4), ((1, -1, 0),), {}, "tuple-negative"),
        ((3,), (0,), {}, "1d")]), torch_ref=lambda torch, x, *d: x.permute(*d)),
    OpInfo("movedim", F.movedim, _shape_samples([
        ((2, 3, 4), (0, -1), {}, "int"), ((2, 3, 4, 5), ((0, 1), (3, 0)), {}, "tuple")]),
           aliases=("moveaxis",)),
    OpInfo("squeeze", F.squeeze, _shape_samples([
        ((1, 3, 1, 2), (), {}, "all"), ((1, 3, 1, 2), (), {"dim": 2}, "int"),
        ((1, 3, 1, 2), (), {"dim": (0, -2)}, "tuple"), ((2, 3), (), {"dim": 0}, "not-size-1"),
        ((1,), (), {}, "to-0d")])),
    OpInfo("unsqueeze", F.unsqueeze, _shape_samples([
        ((2, 3), (0,), {}, "front"), ((2, 3), (-1,), {}, "back"), ((2, 3), (1,), {}, "middle"),
        ((), (0,), {}, "0d")]), aliases=("expand_dims",)),
    OpInfo("expand", F.expand, _shape_samples([
        ((3, 1), (3, 4), {}, "varargs"), ((3, 1), ((2, -1, 4),), {}, "tuple-new-dim-keep"),
        ((1, 2, 1), (2, 3, -1, 3), {}, "several"), ((), (2, 2), {}, "0d")]),
           torch_ref=lambda torch, x, *s: x.expand(*s)),
    OpInfo("expand_as", F.expand_as,
           lambda make: [SampleInput((make((3, 1)), make((2, 3, 4), requires_grad=False)))],
           torch_ref=lambda torch, x, o: x.expand_as(o)),
    OpInfo("broadcast_to", F.broadcast_to, _shape_samples([
        ((3, 1), ((2, 3, 4),), {}, "new-dim"), ((4,), ((3, 4),), {}, "1d")])),
    OpInfo("cat", _cat_op, _cat_samples, aliases=("concatenate", "concat"),
           torch_ref=lambda torch, *ts, dim=0: torch.cat(ts, dim)),
    OpInfo("stack", _stack_op, _stack_samples,
           torch_ref=lambda torch, *ts, dim=0: torch.stack(ts, dim)),
    OpInfo("split", F.split, _shape_samples([
        ((5, 2), (2,), {}, "int-uneven"), ((2, 6), (3,), {"dim": 1}, "int-even"),
        ((2, 6), ([1, 0, 5],), {"dim": -1}, "sections")])),
    OpInfo("chunk", F.chunk, _shape_samples([
        ((5, 2), (3,), {}, "uneven"), ((2, 6), (4,), {"dim": 1}, "fewer-pieces"),
        ((4, 2), (2,), {"dim": -2}, "even")])),
    OpInfo("unbind", F.unbind, _shape_samples([
        ((3, 2), (), {}, "dim0"), ((2, 3, 2), (1,), {}, "dim1"), ((2, 2), (-1,), {}, "last")])),
    OpInfo("pad", F.pad, _pad_samples),
    OpInfo("flip", F.flip, _shape_samples([
        ((2, 3, 4), ((0, 2),), {}, "tuple"), ((2, 3), ([-1],), {}, "list"),
        ((3,), ((0,),), {}, "1d")])),
    OpInfo("roll", F.roll, _shape_samples([
        ((2, 5), (2,), {}, "flat"), ((2, 5), (-1,), {"dims": 1}, "dim"),
        ((3, 4, 2), ((1, -2), (0, 1)), {}, "tuple"), ((3, 4), (7,), {"dims": 0}, "wrap")])),
    OpInfo("repeat", F.repeat, _shape_samples([
        ((2, 3), (2, 1), {}, "varargs"), ((2, 3), ((3, 2, 2),), {}, "tuple-new-dim"),
        ((2,), (1, 3), {}, "1d"), ((2, 1), (1, 0), {}, "zero")]),
           torch_ref=lambda torch, x, *s: x.repeat(*s)),
    OpInfo("tile", F.tile, _shape_samples([
        ((2, 3), ((2,),), {}, "fewer-dims"), ((2, 3), ((2, 1, 2),), {}, "more-dims")])),
    OpInfo("repeat_interleave", F.repeat_interleave, _repeat_interleave_samples),
]
