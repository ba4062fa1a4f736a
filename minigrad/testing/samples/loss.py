"""Samples for the losses: every reduction, class-index targets of every rank (with ignored
entries), probability targets, class weights, label smoothing, pos_weight, broadcasting,
every KL reduction. Inputs stay away from the kinks (d = 0 for L1, |d| = beta/delta)."""
import numpy as np

from ... import functional as F
from ..opinfo import OpInfo, SampleInput

REDUCTIONS = ("mean", "sum", "none")


def _targets(make, shape, C, ignore=None, at=()):
    t = make(shape, 0, C, dtype=np.int64)
    for idx in at:
        t.data[idx] = ignore
    return t


def _probs(make, shape, dim=1):
    t = make(shape, 0.1, 1.0, requires_grad=False)
    t.data[...] = t.data / t.data.sum(axis=dim, keepdims=True)
    return t


def class_index_samples(make, smoothing=True):
    C = 4
    for r in REDUCTIONS:
        yield SampleInput((make((5, C), -2, 2), _targets(make, (5,), C)), {"reduction": r}, name=f"2d-{r}")
    yield SampleInput((make((C,), -2, 2), _targets(make, (), C)), name="unbatched")
    yield SampleInput((make((2, C, 3), -2, 2), _targets(make, (2, 3), C)), name="3d")
    yield SampleInput((make((2, C, 2, 3), -2, 2), _targets(make, (2, 2, 3), C)),
                      {"reduction": "none"}, name="4d-none")
    w = make((C,), 0.5, 2.0, requires_grad=False)
    for r in REDUCTIONS:
        yield SampleInput((make((5, C), -2, 2), _targets(make, (5,), C)), {"weight": w, "reduction": r},
                          name=f"weight-{r}")
    yield SampleInput((make((6, C), -2, 2), _targets(make, (6,), C, -100, [(1,), (4,)])),
                      name="ignored-default")
    yield SampleInput((make((6, C), -2, 2), _targets(make, (6,), C, 2, [(0,), (3,)])),
                      {"ignore_index": 2, "weight": w}, name="ignore_index-weight")
    yield SampleInput((make((2, C, 3), -2, 2), _targets(make, (2, 3), C, -1, [(0, 1), (1, 2)])),
                      {"ignore_index": -1, "reduction": "sum", "weight": w}, name="3d-ignore-sum")
    if not smoothing:
        return
    for r in REDUCTIONS:
        yield SampleInput((make((5, C), -2, 2), _targets(make, (5,), C, -100, [(2,)])),
                          {"label_smoothing": 0.1, "reduction": r}, name=f"smoothing-{r}")
    yield SampleInput((make((6, C), -2, 2), _targets(make, (6,), C, 1, [(0,)])),
                      {"label_smoothing": 0.2, "weight": w, "ignore_index": 1}, name="smoothing-weight-ignore")
    yield SampleInput((make((2, C, 3), -2, 2), _targets(make, (2, 3), C)),
                      {"label_smoothing": 0.3, "weight": w, "reduction": "none"}, name="smoothing-3d-none")


def cross_entropy_samples(make):
    yield from class_index_samples(make)
    C = 4
    w = make((C,), 0.5, 2.0, requires_grad=False)
    for r in REDUCTIONS:
        yield SampleInput((make((5, C), -2, 2), _probs(make, (5, C))), {"reduction": r}, name=f"probs-{r}")
    yield SampleInput((make((2, C, 3), -2, 2), _probs(make, (2, C, 3))),
                      {"weight": w, "label_smoothing": 0.1}, name="probs-3d-weight-smoothing")
    yield SampleInput((make((C,), -2, 2), _probs(make, (C,), 0)), name="probs-unbatched")
    t = _probs(make, (3, C)).requires_grad_(True)
    yield SampleInput((make((3, C), -2, 2), t), {"weight": w}, name="probs-target-grad")
    yield SampleInput((make((3, C), 40, 60), _targets(make, (3,), C)), name="large-logits")


def nll_samples(make):
    def logp(x):
        x.data[...] = x.data - np.log(np.exp(x.data).sum(axis=1 if x.ndim > 1 else 0, keepdims=True))
        return x
    for s in class_index_samples(make, smoothing=False):
        yield SampleInput((logp(s.args[0]),) + s.args[1:], s.kwargs, s.name)


def bce_samples(make):
    for r in REDUCTIONS:
        yield SampleInput((make((3, 4), 0.05, 0.95), make((3, 4), 0, 1)), {"reduction": r}, name=r)
    yield SampleInput((make((3, 4), 0.05, 0.95), make((3, 4), 0, 1, requires_grad=False)),
                      {"weight": make((4,), 0.5, 2.0, requires_grad=False)}, name="weight")
    yield SampleInput((make((2, 3), 0.05, 0.95), make((2, 3), 0, 1)),
                      {"weight": make((2, 1), 0.5, 2.0, requires_grad=False), "reduction": "sum"},
                      name="weight-broadcast-sum")


def bce_logits_samples(make):
    for r in REDUCTIONS:
        yield SampleInput((make((3, 4), -3, 3), make((3, 4), 0, 1)), {"reduction": r}, name=r)
    yield SampleInput((make((3, 4), -3, 3), make((3, 4), 0, 1, requires_grad=False)),
                      {"pos_weight": make((4,), 0.5, 3.0, requires_grad=False)}, name="pos_weight")
    yield SampleInput((make((3, 4), -3, 3), make((3, 4), 0, 1)),
                      {"weight": make((3, 1), 0.5, 2.0, requires_grad=False),
                       "pos_weight": make((4,), 0.5, 3.0, requires_grad=False), "reduction": "sum"},
                      name="weight-pos_weight-sum")
    yield SampleInput((make((2, 3), 30, 40), make((2, 3), 0, 1)), name="large-logits")


def diff_samples(kw_list=({},), avoid=(0.0,), weighted=False):
    def gen(make):
        def pair():
            """x and t whose difference keeps clear of the kinks in ``avoid``."""
            x, t = make((3, 4), -2, 2), make((3, 4), -2, 2)
            t.data[...] = x.data - make((3, 4), -2, 2, avoid=avoid, requires_grad=False).data
            return x, t
        for kw in kw_list:
            for r in REDUCTIONS:
                yield SampleInput(pair(), {**kw, "reduction": r}, name=f"{kw}-{r}")
        yield SampleInput((make((3, 4)), make((3, 4), requires_grad=False)), dict(kw_list[-1]),
                          name="constant-target")
        for r in REDUCTIONS if weighted else ():
            yield SampleInput(pair(), {"weight": make((3, 4), 0.2, 2.0), "reduction": r},
                              name=f"weight-{r}")
    return gen


def kl_samples(make):
    # 'mean' (torch warns it is rarely intended) is compared with torch in test_loss.py
    for r in ("sum", "none", "batchmean"):
        yield SampleInput((make((3, 4), -3, -0.1), make((3, 4), 0.05, 1)), {"reduction": r}, name=r)
    yield SampleInput((make((3, 4), -3, -0.1), make((3, 4), -3, -0.1)),
                      {"reduction": "batchmean", "log_target": True}, name="log_target")
    yield SampleInput((make((2, 3, 2), -3, -0.1), make((2, 3, 2), -3, -0.1)),
                      {"reduction": "none", "log_target": True}, name="log_target-none")


def cosine_samples(make):
    yield SampleInput((make((3, 4)), make((3, 4))), name="dim1")
    yield SampleInput((make((3, 4)), make((3, 4))), {"dim": 0}, name="dim0")
    yield SampleInput((make((2, 3, 4)), make((3, 4))), {"dim": -1}, name="broadcast")
    yield SampleInput((make((3, 5)), make((1, 5))), {"dim": 1, "eps": 1e-6}, name="broadcast-row")


def pairwise_samples(make):
    yield SampleInput((make((3, 4)), make((3, 4))), name="p2")
    yield SampleInput((make((3, 4)), make((3, 4))), {"p": 1.0}, name="p1")
    yield SampleInput((make((3, 4)), make((1, 4))), {"p": 3.0, "keepdim": True}, name="p3-broadcast")
    yield SampleInput((make((4,)), make((4,))), {"eps": 1e-3}, name="1d")


OPS = [
    OpInfo("cross_entropy", F.cross_entropy, cross_entropy_samples),
    OpInfo("nll_loss", F.nll_loss, nll_samples),
    OpInfo("binary_cross_entropy", F.binary_cross_entropy, bce_samples),
    OpInfo("binary_cross_entropy_with_logits", F.binary_cross_entropy_with_logits, bce_logits_samples),
    OpInfo("mse_loss", F.mse_loss, diff_samples(weighted=True)),
    OpInfo("l1_loss", F.l1_loss, diff_samples(weighted=True)),
    OpInfo("smooth_l1_loss", F.smooth_l1_loss,
           diff_samples(({}, {"beta": 0.5}, {"beta": 0.0}), avoid=(0.0, -1.0, 1.0, 0.5, -0.5))),
    OpInfo("huber_loss", F.huber_loss,
           diff_samples(({}, {"delta": 0.5}, {"delta": 2.0}), avoid=(0.0, -1.0, 1.0, 0.5, -0.5),
                        weighted=True)),
    OpInfo("kl_div", F.kl_div, kl_samples),
    OpInfo("cosine_similarity", F.cosine_similarity, cosine_samples),
    OpInfo("pairwise_distance", F.pairwise_distance, pairwise_samples),
]
