"""Samples for the linear-algebra ops: every matmul shape rule, einsum with implicit output,
ellipsis, summed-away and repeated indices, tensordot with int and list dims, linear with and
without bias."""
from ... import functional as F
from ..opinfo import OpInfo, SampleInput

MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
                 ((2, 2, 3), (3, 4)), ((3, 4), (2, 4, 5)), ((2, 1, 2, 3), (3, 3, 4)),
                 ((2, 3, 4), (4,)), ((3,), (2, 3, 4)), ((1, 2, 3), (2, 3, 2))]


def matmul_samples(make):
    for sa, sb in MATMUL_SHAPES:
        yield SampleInput((make(sa), make(sb)), name=f"{sa}@{sb}")
    yield SampleInput((make((2, 3)), make((3, 4), requires_grad=False)), name="constant-other")


EINSUM_CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
    ("ij,jk", [(2, 3), (3, 2)]),                       # implicit output
    ("ij->ji", [(2, 3)]),
    ("ij->", [(2, 3)]),
    ("i,i->", [(4,), (4,)]),
    ("i,j->ij", [(3,), (2,)]),
    ("ij,k->i", [(2, 3), (4,)]),                       # k summed away in one operand only
    ("ii->i", [(3, 3)]),                               # diagonal
    ("ii", [(3, 3)]),                                  # trace, implicit
    ("iij->j", [(2, 2, 3)]),
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (3, 3, 2)]),  # broadcasting ellipsis
    ("b...,b->...", [(2, 3, 2), (2,)]),
    ("...ij->ij", [(2, 2, 3)]),                        # ellipsis summed (explicit output)
    ("ij,ij->ij", [(1, 3), (2, 3)]),                   # size-1 broadcast of a letter
    ("bn,anm,bm->ba", [(2, 3), (2, 3, 4), (2, 4)]),    # bilinear, three operands
    ("ijkl,bil->bijk", [(2, 3, 2, 4), (2, 2, 4)]),     # capsule predictions u_hat = W u
]


def einsum_samples(make):
    for eq, shapes in EINSUM_CASES:
        yield SampleInput((eq, *[make(s) for s in shapes]), name=eq)


def tensordot_samples(make):
    yield SampleInput((make((2, 3, 4)), make((3, 4, 2))), name="dims2-default")
    yield SampleInput((make((2, 3)), make((3, 4))), {"dims": 1}, name="dims1")
    yield SampleInput((make((2, 3)), make((4,))), {"dims": 0}, name="dims0-outer")
    yield SampleInput((make((3, 2, 4)), make((2, 3, 5))), {"dims": ([1, 0], [0, 1])}, name="lists")
    yield SampleInput((make((4, 3, 2)), make((2, 5, 4))), {"dims": ([2, 0], [0, 2])}, name="lists-reordered")


def linear_samples(make):
    yield SampleInput((make((4, 3)), make((5, 3)), make((5,))), name="2d")
    yield SampleInput((make((4, 3)), make((5, 3))), name="no-bias")
    yield SampleInput((make((2, 4, 3)), make((5, 3)), make((5,))), name="3d")
    yield SampleInput((make((3,)), make((2, 3)), make((2,))), name="1d")


OPS = [
    OpInfo("matmul", F.matmul, matmul_samples),
    OpInfo("outer", F.outer, lambda make: [SampleInput((make((3,)), make((4,))))]),
    OpInfo("einsum", F.einsum, einsum_samples),
    OpInfo("tensordot", F.tensordot, tensordot_samples),
    OpInfo("linear", F.linear, linear_samples),
]
