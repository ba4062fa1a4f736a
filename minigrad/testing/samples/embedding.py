"""Samples for embedding: repeated ids (gradients accumulate) and a padding_idx.

padding_idx and scale_grad_by_freq deliberately change the gradient away from the true
derivative, so gradcheck cannot cover them when the padding id occurs; their behaviour is
tested against PyTorch in tests/minigrad/test_nn_layers.py."""
import numpy as np

from ... import functional as F
from ..opinfo import OpInfo, SampleInput


def embedding_samples(make):
    yield SampleInput((make((2, 5), 0, 4, dtype=np.int64), make((4, 3))), name="repeats")
    ids = make((7,), 0, 5, dtype=np.int64)
    ids.data[ids.data == 1] = 3                    # the padding row is not looked up
    yield SampleInput((ids, make((5, 2))), {"padding_idx": 1}, name="padding")
    yield SampleInput((make((2, 2, 3), 0, 6, dtype=np.int64), make((6, 4))), name="3d-ids")


OPS = [OpInfo("embedding", F.embedding, embedding_samples)]
