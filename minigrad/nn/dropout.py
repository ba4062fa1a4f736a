"""``Dropout`` (inverted; ``keep_prob=`` for TensorFlow texts) and ``Dropout2d`` (channel-wise).

Identity in evaluation mode. Masks come from ``generator`` (default: the device's default
generator, seeded by ``minigrad.manual_seed``)."""
from .. import functional as F
from .module import Module

__all__ = ["Dropout", "Dropout2d"]


class _DropoutNd(Module):
    def __init__(self, p=None, inplace=False, *, keep_prob=None, generator=None):
        super().__init__()
        if keep_prob is not None:
            if p is not None:
                raise ValueError(f"{type(self).__name__}: give p or keep_prob, not both")
            p = 1.0 - keep_prob
        p = 0.5 if p is None else p
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"{type(self).__name__}: dropout probability must be in [0, 1], "
                             f"got {p}")
        self.p, self.inplace, self.generator = float(p), inplace, generator

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zero each element with probability p and scale the rest by 1/(1 - p) (training only).
    ``noise_shape``: the mask's shape, broadcast over the input (TF's channel/row variants)."""

    def __init__(self, p=None, inplace=False, *, keep_prob=None, generator=None, noise_shape=None):
        super().__init__(p, inplace, keep_prob=keep_prob, generator=generator)
        self.noise_shape = noise_shape

    def forward(self, input):
        shape = self.noise_shape
        if shape is not None:                       # None entries take the input's size (Keras)
            shape = tuple(n if s is None else s for s, n in zip(shape, input.shape))
        return F.dropout(input, self.p, self.training, generator=self.generator, noise_shape=shape)


class Dropout2d(_DropoutNd):
    """Zero whole channels of ``(N, C, H, W)`` inputs with probability p (training only)."""

    def forward(self, input):
        return F.dropout2d(input, self.p, self.training, generator=self.generator)
