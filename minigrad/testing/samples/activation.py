"""Samples for activations and softmax; inputs kept away from each function's kinks."""
from ... import functional as F
from ..opinfo import OpInfo, SampleInput
from .elementwise import unary_samples


def softmax_samples(make):
    yield SampleInput((make((3, 5), -3, 3),), {"dim": -1}, name="last")
    yield SampleInput((make((4, 3, 2), -3, 3),), {"dim": 1}, name="middle")
    yield SampleInput((make((4, 3), -3, 3),), {"dim": 0}, name="first")
    yield SampleInput((make((2, 6), 50, 60),), {"dim": 1}, name="large-logits")


def kw_samples(kwargs_list, avoid=None):
    """One (3, 4) input per option set; ``avoid`` adds kinks that only some options have."""
    def gen(make):
        for kw in kwargs_list:
            yield SampleInput((make((3, 4), avoid=avoid),), dict(kw), name=str(kw))
    return gen


OPS = [
    OpInfo("sigmoid", F.sigmoid, unary_samples, domain=(-6, 6)),
    OpInfo("relu", F.relu, unary_samples, domain=(-2, 2), kinks=(0,)),
    OpInfo("relu6", F.relu6, unary_samples, domain=(-3, 8), kinks=(0, 6)),
    OpInfo("leaky_relu", F.leaky_relu,
           kw_samples([{}, {"negative_slope": 0.2}]), domain=(-3, 3), kinks=(0,)),
    # ELU with alpha = 1 is C^1 at 0 (no kink); alpha = 0.5 has one there
    OpInfo("elu", F.elu, kw_samples([{}, {"alpha": 0.5}], avoid=(0,)), domain=(-3, 3)),
    OpInfo("selu", F.selu, unary_samples, domain=(-2, 2), kinks=(0,)),
    OpInfo("gelu", F.gelu, kw_samples([{}, {"approximate": "tanh"}]), domain=(-3, 3)),
    OpInfo("softplus", F.softplus,
           kw_samples([{}, {"beta": 2.0}, {"beta": 1.0, "threshold": 1.0}], avoid=(1.0, 0.5)),
           domain=(-3, 3)),
    OpInfo("hardtanh", F.hardtanh,
           kw_samples([{}, {"min_val": -0.5, "max_val": 2.0}], avoid=(-1, 1, -0.5, 2.0)),
           domain=(-3, 3), kinks=(-1, 1)),
    OpInfo("hard_sigmoid", F.hard_sigmoid, unary_samples, domain=(-4, 4), kinks=(-2.5, 2.5),
           torch_ref=lambda torch, x: torch.clamp(0.2 * x + 0.5, 0, 1)),
    OpInfo("softmax", F.softmax, softmax_samples),
    OpInfo("log_softmax", F.log_softmax, softmax_samples),
]
