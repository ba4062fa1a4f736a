"""V-26 Siamese few-shot network: the shared base network and the twin.

Source: HOA ch. 8, section *Metric-based meta-learning* (a convolutional Siamese network on the
AT&T / ORL faces).

Base network f (the same weights for both images): input /255 -> conv 16@6x6 VALID + ReLU ->
max-pool 2x2/2 -> dropout 0.25 -> flatten -> dense 50 + ReLU -> dropout 0.1.
Twin: d = |f(x1) - f(x2)| (element-wise L1 vector, 50-d) -> dense 1 -> sigmoid = P(same
identity). Because both branches call the same modules, the gradient of every base parameter is
the sum of its two branch gradients (checked by tests/models/test_siamese.py). Init glorot
uniform, zero biases *(Keras default)*; loss binary cross-entropy (computed from the logit, the
stable fused form); Adam lr 1e-3.

Orientation: the corrected input is 112x92 (rows x columns, as the PGM files store it); the book
reshapes (not transposes) the (112, 92) array to (92, 112, 1) - ``book_reshape=True`` in
:func:`models.siamese.pairs.prepare_images` reproduces that, and the base network then takes
92x112 inputs.
"""
import numpy as np

import minigrad as mg
from minigrad import nn

from ..architectures.blocks import init_weights

__all__ = ["SiameseBase", "SiameseNet", "siamese", "bce_with_logits", "CONFIGS"]


class SiameseBase(nn.Module):
    """The shared feature extractor f: ``[N, 1, H, W] -> [N, hidden]``."""

    def __init__(self, input_size=(112, 92), channels=16, kernel_size=6, hidden=50,
                 dropout1=0.25, dropout2=0.1, in_channels=1):
        super().__init__()
        h, w = input_size
        self.conv = nn.Conv2d(in_channels, channels, kernel_size)
        self.relu = nn.ReLU()
        self.pool = nn.MaxPool2d(2, 2)
        self.dropout1 = nn.Dropout(dropout1)
        self.flatten = nn.Flatten()
        ph, pw = (h - kernel_size + 1) // 2, (w - kernel_size + 1) // 2
        self.fc = nn.Linear(channels * ph * pw, hidden)
        self.dropout2 = nn.Dropout(dropout2)
        self.input_size, self.flat_features = tuple(input_size), channels * ph * pw

    def forward(self, x):
        x = self.flatten(self.dropout1(self.pool(self.relu(self.conv(x)))))
        return self.dropout2(self.relu(self.fc(x)))


class SiameseNet(nn.Module):
    """Twin network: ``forward(x1, x2)`` -> logits ``[N]`` of P(same identity) (apply
    :meth:`similarity` or a sigmoid for the probability)."""

    def __init__(self, input_size=(112, 92), channels=16, kernel_size=6, hidden=50,
                 dropout1=0.25, dropout2=0.1, in_channels=1):
        super().__init__()
        self.base = SiameseBase(input_size, channels, kernel_size, hidden, dropout1, dropout2,
                                in_channels)
        self.head = nn.Linear(hidden, 1)
        self.input_shape = (2, in_channels) + tuple(input_size)
        init_weights(self, "glorot")

    def embed(self, x):
        return self.base(x)

    def _prepare(self, x):
        if x.dtype.kind in "ui":                              # raw 8-bit pixels: input /255
            dtype = self.head.weight.dtype
            x = x.to(dtype=dtype) * (1.0 / 255.0)
        return x

    def forward(self, x1, x2=None):
        """``forward(x1, x2)`` with two ``[N, C, H, W]`` batches, or ``forward(pairs)`` with
        ``[N, 2, C, H, W]`` (the layout of the training arrays). uint8 inputs are divided by
        255 (the book's preprocessing)."""
        if x2 is None:
            x1, x2 = x1[:, 0], x1[:, 1]
        x1, x2 = self._prepare(x1), self._prepare(x2)
        d = (self.base(x1) - self.base(x2)).abs()            # the book's Lambda |a - b|
        return self.head(d).reshape(-1)

    def similarity(self, x1, x2=None):
        """P(same identity) = sigmoid(logit)."""
        return self.forward(x1, x2).sigmoid()

    @staticmethod
    def loss(logits, target):
        """Binary cross-entropy of sigmoid(logits) (fused, stable)."""
        return bce_with_logits(logits, target)

    @staticmethod
    def accuracy(logits, target):
        """Pair accuracy: P(same) > 0.5 (logit > 0) against the 0/1 labels."""
        as_np = lambda t: np.asarray(t.numpy() if isinstance(t, mg.Tensor) else t)  # noqa: E731
        pred = as_np(logits).reshape(-1) > 0
        truth = as_np(target).reshape(-1) > 0.5
        return float((pred == truth).mean())


def bce_with_logits(logits, target):
    """Mean binary cross-entropy of sigmoid(logits) against 0/1 targets, fused and stable:
    max(z, 0) - z y + log(1 + e^-|z|)."""
    target = target.to(dtype=logits.dtype) if isinstance(target, mg.Tensor) else \
        mg.tensor(target, dtype=logits.dtype)
    return nn.functional.binary_cross_entropy_with_logits(logits, target.reshape(logits.shape))


CONFIGS = {
    "book": dict(input_size=(112, 92), channels=16, hidden=50),
    # conv /8 (min 4), dense /16 (min 16), images block-averaged 2x2 to 56x46
    "tiny": dict(input_size=(56, 46), channels=4, hidden=16),
}


def siamese(config="book", **overrides):
    """Build V-26 (``"book"``: 112x92 faces; ``"tiny"``: 56x46, 4 maps, 16 features)."""
    return SiameseNet(**{**CONFIGS[config], **overrides})
