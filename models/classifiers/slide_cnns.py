"""The slide CNNs of DLVR class 11: V-11 small, V-12 bigger + dropout, V-13 batch norm.

Only V-11 is fully on the slides; V-12/V-13 sizes are *from the original tutorial code* (the slide
figures are lost). No pooling: the network downsamples with strided TF-``SAME`` convolutions
(28 → 14 pads 1/2 for k5, 14 → 7 pads 1/1 for k4). All layers ReLU except the softmax output.

=======  =======================  =======================  ===============================
layer    V-11 small               V-12 bigger + dropout    V-13 batch norm
=======  =======================  =======================  ===============================
conv1    5×5 s1, 4 → 28×28×4      6×6 s1, 6 → 28×28×6      6×6 s1, 24 → 28×28×24, BN
conv2    5×5 s2, 8 → 14×14×8      5×5 s2, 12 → 14×14×12    5×5 s2, 48 → 14×14×48, BN
conv3    4×4 s2, 12 → 7×7×12      4×4 s2, 24 → 7×7×24      4×4 s2, 64 → 7×7×64, BN
flatten  588                      1,176                    3,136
dense    200                      200, dropout p 0.25      200, BN, dropout p 0.25
output   10                       10                       10
=======  =======================  =======================  ===============================

Init: weights truncated normal σ 0.1. V-11: biases 0.1, output bias 0 (slide: zeros/10); V-12: all
biases 0.1; V-13: BN offsets (init 0.1) replace the biases, no BN scale (ReLU). BN per channel over
N×H×W (conv) and per neuron (dense), ε 1e-5, TF ``ExponentialMovingAverage`` running statistics
(slide code: decay 0.9999 with ``num_updates``). No dropout on the conv layers (the tutorial code
keeps conv units with probability 1). Loss: mean softmax CE with logits. Adam (ε 1e-8, TF form),
lr 1e-4 + (3e-3 − 1e-4)·exp(−i/2000) (V-11, V-12) or 1e-4 + 0.02·exp(−i/1600) (V-13); batch 100,
10,000 steps.
Book-faithful switch (V-13): ``eps_mode="sqrt" | "std_plus_eps"`` — the slide formula divides by
σ + ε while its code uses √(σ² + ε).
"""
from minigrad import nn

from ._book import BookClassifier, book_batchnorm, init_layer

__all__ = ["SlideCNN", "SLIDE_CNNS"]

# (conv channels, conv kernels), dense width
SLIDE_CNNS = {
    "small": ((4, 8, 12), (5, 5, 4)),
    "bigger": ((6, 12, 24), (6, 5, 4)),
    "batchnorm": ((24, 48, 64), (6, 5, 4)),
}


class SlideCNN(BookClassifier):
    """V-11 … V-13: three strided SAME convolutions, a dense layer and a 10-way output.

    ``channels``/``kernels``: the three conv layers (strides 1, 2, 2); ``dense``: width of the
    hidden dense layer; ``dropout``: drop probability after it; ``batchnorm``: conv/dense layers
    without bias followed by offset-only BN (``eps_mode``, ``ema_decay`` as in V-07);
    ``output_bias``: initial output bias (V-11 0, V-12/V-13 0.1); ``input_size``: H = W."""

    def __init__(self, channels=(4, 8, 12), kernels=(5, 5, 4), dense=200, num_classes=10,
                 dropout=0.0, batchnorm=False, output_bias=0.0, input_size=28, in_channels=1,
                 eps=1e-5, eps_mode="sqrt", ema_decay=0.9999):
        layers, c_in, size = [], in_channels, input_size
        w = ("trunc_normal", 0.1)
        for i, (c, k, s) in enumerate(zip(channels, kernels, (1, 2, 2)), 1):
            layers.append((f"conv{i}", init_layer(
                nn.Conv2d(c_in, c, k, stride=s, padding="same", bias=not batchnorm), w, 0.1)))
            if batchnorm:
                layers.append((f"bn{i}", book_batchnorm(nn.BatchNorm2d, c, "relu", eps, eps_mode,
                                                        ema_decay)))
            layers.append((f"relu{i}", nn.ReLU()))
            c_in, size = c, -(-size // s)
        layers += [("flatten", nn.Flatten()),
                   ("fc4", init_layer(nn.Linear(c_in * size * size, dense, bias=not batchnorm),
                                      w, 0.1))]
        if batchnorm:
            layers.append(("bn4", book_batchnorm(nn.BatchNorm1d, dense, "relu", eps, eps_mode,
                                                 ema_decay)))
        layers.append(("relu4", nn.ReLU()))
        if dropout:
            layers.append(("drop4", nn.Dropout(dropout)))
        layers.append(("fc5", init_layer(nn.Linear(dense, num_classes), w, output_bias)))
        super().__init__(layers, loss="softmax_ce",
                         input_shape=(in_channels, input_size, input_size))
        self.eps_mode = eps_mode if batchnorm else None
