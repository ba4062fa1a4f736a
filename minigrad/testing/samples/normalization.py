"""Samples for batch_norm (training with the batch coupling, evaluation, both eps forms, no
affine) and layer_norm. Channels have clearly non-constant values (var >> eps)."""

from ... import functional as F
from ..opinfo import OpInfo, SampleInput


def _stats(make, c):
    return make((c,), -0.5, 0.5, requires_grad=False), make((c,), 0.5, 2.0, requires_grad=False)


def batch_norm_samples(make):
    for shape in [(5, 3), (3, 2, 4), (2, 3, 3, 3)]:
        c = shape[1]
        for training in (True, False):
            for eps_mode in ("sqrt", "std_plus_eps"):
                rm, rv = _stats(make, c)
                yield SampleInput((make(shape, -2, 2), rm, rv, make((c,), 0.5, 1.5), make((c,))),
                                  {"training": training, "momentum": 0.2, "eps": 1e-3,
                                   "eps_mode": eps_mode},
                                  name=f"{shape}-{'train' if training else 'eval'}-{eps_mode}")
    rm, rv = _stats(make, 3)
    yield SampleInput((make((4, 3, 2), -2, 2), rm, rv), {"training": True}, name="no-affine-train")
    rm, rv = _stats(make, 3)
    yield SampleInput((make((4, 3), -2, 2), rm, rv, None, make((3,))), {"training": True},
                      name="offset-only")
    rm, rv = _stats(make, 2)
    yield SampleInput((make((3, 2, 2), -2, 2), rm, rv, make((2,)), None), {"training": False},
                      name="eval-scale-only")
    yield SampleInput((make((4, 2, 3), -2, 2), None, None, make((2,)), make((2,))),
                      {"training": True}, name="no-running-stats")


def batch_norm_torch(torch, x, rm, rv, weight=None, bias=None, training=False, momentum=0.1,
                     eps=1e-5, eps_mode="sqrt"):
    if eps_mode == "sqrt":
        return torch.nn.functional.batch_norm(x, rm, rv, weight, bias, training, momentum, eps)
    axes = [0] + list(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    if training:
        mean, var = x.mean(axes), x.var(axes, unbiased=False)
    else:
        mean, var = rm, rv
    y = (x - mean.reshape(shape)) / (var.sqrt() + eps).reshape(shape)
    if weight is not None:
        y = y * weight.reshape(shape)
    return y if bias is None else y + bias.reshape(shape)


def layer_norm_samples(make):
    yield SampleInput((make((3, 4), -2, 2), (4,), make((4,)), make((4,))), name="last")
    yield SampleInput((make((2, 3, 4), -2, 2), (3, 4), make((3, 4)), make((3, 4)), 1e-3),
                      name="two-dims")
    yield SampleInput((make((2, 5), -2, 2), (5,)), name="no-affine")


OPS = [
    OpInfo("batch_norm", F.batch_norm, batch_norm_samples, torch_ref=batch_norm_torch),
    OpInfo("layer_norm", F.layer_norm, layer_norm_samples),
]
