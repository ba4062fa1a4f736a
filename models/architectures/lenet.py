"""V-17 LeNet-5.

Source: PDL ch. 3, section *LeNet5* (HOA ch. 4, historical mention); details marked *(paper)*
from LeCun, Bottou, Bengio, Haffner (1998), "Gradient-based learning applied to document
recognition".

Layers (input 32x32x1): C1 conv 5x5 6 maps + scaled tanh -> S2 trainable subsampling -> C3 conv
5x5 16 maps (``c3_table="full"`` or the paper's sparse ``"lecun"`` table) -> S4 subsampling ->
C5 conv 5x5 120 maps (= dense 400 -> 120) -> F6 dense 84 + scaled tanh -> RBF output (10 fixed
prototypes, a buffer). Prediction argmin y; probabilities softmax(-y).

Switches: ``subsample_activation="sigmoid"`` (text) | ``"scaled_tanh"`` (paper);
``c3_table="full" | "lecun"``; loss ``"distance"`` (text) | ``"map"`` (paper) | ``"ce"``
(:func:`lenet_loss`).

Errata / notes: the text follows subsampling by a sigmoid, the paper uses its scaled tanh
everywhere (both offered). The paper's stochastic diagonal Levenberg-Marquardt training is
replaced by SGD with momentum 0.9 (minigrad recipe, specs V-17) at lr 1e-3: the recipe's lr 0.01
diverges with the summed 84-d distance loss (measured: constant predictions), 1e-3 trains.
"""
import numpy as np

import minigrad as mg
from minigrad import nn

from .blocks import RBFOutput, ScaledTanh, Subsample, digit_prototypes

__all__ = ["LeNet5", "LECUN_C3_TABLE", "lenet_loss", "lenet5"]

# Paper's C3 connection table: output map -> input maps of S2.
LECUN_C3_TABLE = (
    (0, 1, 2), (1, 2, 3), (2, 3, 4), (3, 4, 5), (0, 4, 5), (0, 1, 5),
    (0, 1, 2, 3), (1, 2, 3, 4), (2, 3, 4, 5), (0, 3, 4, 5), (0, 1, 4, 5), (0, 1, 2, 5),
    (0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5), (0, 1, 2, 3, 4, 5),
)


class MaskedConv2d(nn.Conv2d):
    """Conv2d whose weight is multiplied by a fixed 0/1 connection mask (buffer ``mask``,
    ``[C_out, C_in, 1, 1]``): the paper's sparse C3. Masked weights get zero gradient."""

    def __init__(self, in_channels, out_channels, kernel_size, table):
        super().__init__(in_channels, out_channels, kernel_size)
        mask = np.zeros((out_channels, in_channels, 1, 1), np.float32)
        for o, inputs in enumerate(table):
            mask[o, list(inputs), 0, 0] = 1.0
        self.register_buffer("mask", mg.tensor(mask))
        self.table = table
        _lecun_init(self, fan_in=[len(t) * kernel_size * kernel_size for t in table])

    def forward(self, x):
        mask = self.mask if self.mask.dtype == self.weight.dtype else self.mask.to(dtype=self.weight.dtype)
        return nn.functional.conv2d(x, self.weight * mask, self.bias)


def _register_madds():
    """MAdds of the sparse C3: only the connected (output, input) map pairs count."""
    from minigrad.nn.summary import register_madds
    register_madds(MaskedConv2d, lambda m, inputs, out: int(
        np.prod(out.shape[2:]) * np.prod(m.weight.shape[2:]) * float(m.mask.numpy().sum())))


_register_madds()


def _lecun_init(layer, fan_in=None):
    """U(-2.4/F_in, 2.4/F_in) for weight and bias *(paper)*; ``fan_in`` per output unit."""
    w = layer.weight
    if fan_in is None:
        fan_in = [int(np.prod(w.shape[1:]))] * w.shape[0]
    bounds = 2.4 / np.asarray(fan_in, np.float64)
    nn.init.uniform_(w, -1.0, 1.0)
    with mg.no_grad():
        w.data[...] *= bounds.reshape((-1,) + (1,) * (w.ndim - 1)).astype(w.dtype)
        if layer.bias is not None:
            nn.init.uniform_(layer.bias, -1.0, 1.0)
            layer.bias.data[...] *= bounds.astype(w.dtype)


class LeNet5(nn.Module):
    """LeNet-5 (V-17). ``LeNet5(num_classes=10, c1=6, c3=16, c5=120, f6=84, ...)``;
    input ``[N, 1, 32, 32]``, output ``[N, num_classes]`` RBF distances (lower = better)."""

    def __init__(self, num_classes=10, c1=6, c3=16, c5=120, f6=84, in_channels=1, input_size=32,
                 c3_table="full", subsample_activation="sigmoid", prototypes=None, loss="distance"):
        super().__init__()
        if loss not in ("distance", "map", "ce"):
            raise ValueError(f"LeNet5: loss must be 'distance', 'map' or 'ce', got {loss!r}")
        self.loss_kind, self.input_shape = loss, (in_channels, input_size, input_size)
        if c3_table not in ("full", "lecun"):
            raise ValueError(f"LeNet5: c3_table must be 'full' or 'lecun', got {c3_table!r}")
        if c3_table == "lecun" and (c1, c3) != (6, 16):
            raise ValueError("LeNet5: c3_table='lecun' needs c1=6 and c3=16 (the paper's table)")
        self.c3_table, self.input_size = c3_table, input_size
        self.c1 = nn.Conv2d(in_channels, c1, 5)
        self.act1 = ScaledTanh()
        self.s2 = Subsample(c1, activation=subsample_activation)
        self.c3 = (MaskedConv2d(c1, c3, 5, LECUN_C3_TABLE) if c3_table == "lecun"
                   else nn.Conv2d(c1, c3, 5))
        self.act3 = ScaledTanh()
        self.s4 = Subsample(c3, activation=subsample_activation)
        side = ((input_size - 4) // 2 - 4) // 2
        self.c5 = nn.Conv2d(c3, c5, side)                  # 5x5 on 5x5 maps: dense 400 -> 120
        self.act5 = ScaledTanh()
        self.flatten = nn.Flatten()
        self.f6 = nn.Linear(c5, f6)
        self.act6 = ScaledTanh()
        if prototypes is None:
            prototypes = digit_prototypes(num_classes, f6)
        self.output = RBFOutput(f6, num_classes, prototypes)
        for layer in (self.c1, self.c5, self.f6) + (() if c3_table == "lecun" else (self.c3,)):
            _lecun_init(layer)

    def features(self, x):
        x = self.s2(self.act1(self.c1(x)))
        x = self.s4(self.act3(self.c3(x)))
        return self.act6(self.f6(self.flatten(self.act5(self.c5(x)))))

    def forward(self, x):
        return self.output(self.features(x))

    def loss(self, distances, target):
        """The configured LeNet loss (:func:`lenet_loss`, ``loss=`` switch)."""
        return lenet_loss(distances, target, self.loss_kind)

    @staticmethod
    def accuracy(distances, target):
        """Fraction of argmin-distance predictions equal to ``target``."""
        as_np = lambda t: np.asarray(t.numpy() if isinstance(t, mg.Tensor) else t)  # noqa: E731
        return float((as_np(distances).argmin(axis=1) == as_np(target)).mean())

    @staticmethod
    def predict(distances):
        """Class = argmin of the RBF distances."""
        return distances.argmin(dim=1)

    @staticmethod
    def probabilities(distances):
        """softmax(-y) (text)."""
        return nn.functional.softmax(-distances, dim=1)


def lenet_loss(distances, target, kind="distance", j=1.0):
    """LeNet-5 losses on RBF outputs ``y`` ``[N, K]`` (mean over the batch):

    * ``"distance"`` (text): y_correct;
    * ``"map"`` (paper, eq. 9): y_correct + log(e^{-j} + sum_i e^{-y_i});
    * ``"ce"``: softmax cross-entropy on -y."""
    target = target if isinstance(target, mg.Tensor) else mg.tensor(np.asarray(target), dtype=mg.int64)
    if kind == "ce":
        return nn.functional.cross_entropy(-distances, target)
    picked = distances.gather(1, target.reshape(-1, 1)).reshape(-1)
    if kind == "distance":
        return picked.mean()
    if kind == "map":
        n = distances.shape[0]
        const = mg.full((n, 1), -float(j), dtype=distances.dtype, device=distances.device)
        lse = mg.logsumexp(mg.cat([const, -distances], dim=1), dim=1)
        return (picked + lse).mean()
    raise ValueError(f"lenet_loss: kind must be 'distance', 'map' or 'ce', got {kind!r}")


CONFIGS = {
    "book": dict(num_classes=10, c1=6, c3=16, c5=120, f6=84),
    "tiny": dict(num_classes=10, c1=4, c3=4, c5=16, f6=16),
}


def lenet5(config="book", **overrides):
    """Build V-17 with a preset (``"book"``: the paper's widths; ``"tiny"``: widths for tests)."""
    return LeNet5(**{**CONFIGS[config], **overrides})
