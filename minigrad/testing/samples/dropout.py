"""Samples for dropout/dropout2d with fixed masks (so every evaluation draws the same mask)."""
import numpy as np

from ... import functional as F
from ..opinfo import OpInfo, SampleInput


def dropout_samples(make):
    yield SampleInput((make((3, 4)),), {"p": 0.3, "mask": make((3, 4), dtype=np.bool_)}, name="p")
    yield SampleInput((make((2, 3, 2)),), {"keep_prob": 0.8, "mask": make((2, 3, 2), dtype=np.bool_)},
                      name="keep_prob")
    yield SampleInput((make((2, 3, 4)),), {"p": 0.5, "mask": make((2, 1, 4), dtype=np.bool_)},
                      name="broadcast-mask")
    yield SampleInput((make((3, 4)),), {"p": 0.4, "training": False}, name="eval")


def dropout2d_samples(make):
    yield SampleInput((make((2, 3, 2, 2)),), {"p": 0.5, "mask": make((2, 3, 1, 1), dtype=np.bool_)},
                      name="4d")
    yield SampleInput((make((3, 4, 5)),), {"p": 0.25, "mask": make((3, 4, 1), dtype=np.bool_)},
                      name="3d")


def dropout_torch(torch, x, p=None, training=True, keep_prob=None, mask=None):
    p = 1 - keep_prob if keep_prob is not None else p
    return x * mask.to(x.dtype) / (1 - p) if training else x


OPS = [
    OpInfo("dropout", F.dropout, dropout_samples, torch_ref=dropout_torch),
    OpInfo("dropout2d", F.dropout2d, dropout2d_samples, torch_ref=dropout_torch),
]
