"""The convolution-and-pooling CNNs of the books: V-10 MNIST CNN (PDL ch. 3, Listing 3-6), V-14
3-class 64×64 CNN (PDL ch. 3, Listing 3-7), V-15 CIFAR-10 CNN (HOA ch. 4, *Building our first
CNN*) and V-16 toy binary CNN (PDL ch. 3, introduction of CNN components).

All four are one pattern, :class:`PoolCNN`: ``[conv (TF SAME, stride 1) → ReLU (→ 2×2/2 max-pool)]
× n → flatten → [dense → ReLU → dropout] × m → dense (logits)``. The 2×2/2 SAME max-pools of the
texts only ever see even sizes here, where SAME and VALID coincide; V-16's pool is VALID (25 → 12).

V-10 MNIST CNN (Listing 3-6): 28×28×1 → conv 5×5 64 → pool → conv 5×5 128 → pool → 7×7×128 =
6,272 → dense 1,024 + ReLU + dropout p 0.25 (keep_prob 0.75) → 10. Every weight **and bias**
~ N(0, 1) (TF ``random_normal``): initial logits are huge, so the fused softmax-CE is mandatory.
Adam lr 0.01 (ε 1e-8); 20 epochs of ⌊55,000/256⌋ = 214 batches of 256 (on the 4,000-image DS-01
train split: 15 batches). Errata: the text calls the input 3-channel RGB but the code uses 1
channel; typos in weight-dictionary keys; ``epochs % display_step`` is always true; Python-2
integer division for sizes and batch counts. minigrad evaluates the full test set (the book: the
first 256 test images only).

V-14 3-class 64×64 CNN (Listing 3-7, cervix-type screening): 64×64×3 → conv 3×3 64/128/256, each
followed by a pool → 8×8×256 = 16,384 → [dense 512 + ReLU + dropout p 0.5] × 2 → 3. All weights
and biases N(0, 1); Adam lr 0.01; 200 epochs, batch 128. Data: DS-11 textures (stand-in for the
Kaggle images). Errata: (a) images cast to uint8 *after* /255 (all zero) → cast before
normalising; (b) mini-batches sliced with the epoch index (every step of an epoch sees the same
batch) → the batch index; (c) the test-set transpose stored in the wrong variable; (d) two
leftover transposes amount to an H↔W swap → dropped; (e) import typos.

V-15 CIFAR-10 CNN (HOA ch. 4): 32×32×3 (/255) → conv_1 3×3 64 → pool → conv_2 **2×2** 128 (SAME:
pad 0 before, 1 after) → conv_3 2×2 128 → pool → conv_4 1×1 256 → pool → conv_5 1×1 512 → 4×4×512
= 8,192 → dense 1,024 / 512 / 256, each + ReLU + dropout p 0.5 → 10. Convolutions have **no
bias**; dense layers Glorot-uniform with zero bias. Adam 1e-3 (ε 1e-8); batch 128 (last partial
batch kept), 20 epochs, seed 2; checkpoint every 10 epochs. Data: DS-10 (CIFAR-format shapes).
Erratum: the book zero-initialises the conv filters, so every conv output and every conv
gradient is exactly 0 and the conv stack never learns → minigrad uses Glorot-uniform; book switch
``conv_init="glorot" | "zeros"`` (zeros only for the dead-network test). Also ``dropOut2``
NameError; a visualisation call misses arguments; ``test_batch`` never evaluated → evaluated
every epoch.

V-16 toy binary CNN (PDL ch. 3; sizes *(minigrad choice)*, the text gives only the order input →
conv → ReLU → pool → fully connected → single sigmoid output): 25×25×1 → conv 3×3 SAME 8 + ReLU →
max-pool 2×2 VALID (12×12×8) → flatten 1,152 → dense 32 + ReLU → dense 1 (logit). Glorot-uniform,
zero biases; sigmoid BCE with logits; Adam 1e-3, batch 20, 30 epochs. Data: DS-12 (faces vs
non-faces, 150 / 50).
"""
import numpy as np

import minigrad as mg
from minigrad import nn

from ._book import BookClassifier, init_layer

__all__ = ["PoolCNN", "MnistCNN", "ThreeClassCNN", "CifarCNN", "ToyBinaryCNN"]


class PoolCNN(BookClassifier):
    """``[conv_i → relu_i (→ pool_i)] → flatten → [fc_j → relu_j (→ drop_j)] → out``.

    ``convs``: ``(channels, kernel, pool_after)`` per conv layer (stride 1, TF SAME padding);
    ``pool_padding``: ``"same"`` (even sizes only: 2×2/2 on an even size needs no padding) or
    ``"valid"``; ``dense``: hidden widths; ``dropout``: drop probability after each hidden dense
    ReLU; ``conv_init``/``conv_bias``/``dense_init``/``dense_bias``: :func:`init_layer` specs
    (``conv_bias=None``: convolutions without bias)."""

    def __init__(self, in_channels, input_size, convs, dense, num_classes, dropout=0.0,
                 conv_init="glorot", conv_bias=0.0, dense_init="glorot", dense_bias=0.0,
                 pool_padding="same", loss="softmax_ce"):
        layers, c_in, size = [], in_channels, input_size
        for i, (c, k, pool) in enumerate(convs, 1):
            conv = nn.Conv2d(c_in, c, k, padding="same", bias=conv_bias is not None)
            layers += [(f"conv{i}", init_layer(conv, conv_init, conv_bias)),
                       (f"relu{i}", nn.ReLU())]
            if pool:
                if pool_padding == "same" and size % 2:
                    raise ValueError(f"{type(self).__name__}: a 2×2/2 SAME pool needs an even "
                                     f"size, got {size} before pool{i}")
                layers.append((f"pool{i}", nn.MaxPool2d(2, 2)))
                size //= 2
            c_in = c
        layers.append(("flatten", nn.Flatten()))
        width = c_in * size * size
        for j, h in enumerate(dense, len(convs) + 1):
            layers += [(f"fc{j}", init_layer(nn.Linear(width, h), dense_init, dense_bias)),
                       (f"relu{j}", nn.ReLU())]
            if dropout:
                layers.append((f"drop{j}", nn.Dropout(dropout)))
            width = h
        layers.append(("out", init_layer(nn.Linear(width, num_classes), dense_init, dense_bias)))
        super().__init__(layers, loss=loss, input_shape=(in_channels, input_size, input_size))


class MnistCNN(PoolCNN):
    """V-10 MNIST CNN (PDL Listing 3-6); ``channels=(64, 128)``, ``dense=1024``."""

    def __init__(self, channels=(64, 128), dense=1024, dropout=0.25, input_size=28,
                 num_classes=10):
        super().__init__(1, input_size, [(c, 5, True) for c in channels], [dense], num_classes,
                         dropout, conv_init=("normal", 1.0), conv_bias=("normal", 1.0),
                         dense_init=("normal", 1.0), dense_bias=("normal", 1.0))


class ThreeClassCNN(PoolCNN):
    """V-14 3-class 64×64 CNN (PDL Listing 3-7); ``channels=(64, 128, 256)``, ``dense=512``."""

    def __init__(self, channels=(64, 128, 256), dense=512, dropout=0.5, input_size=64,
                 num_classes=3):
        super().__init__(3, input_size, [(c, 3, True) for c in channels], [dense, dense],
                         num_classes, dropout, conv_init=("normal", 1.0),
                         conv_bias=("normal", 1.0), dense_init=("normal", 1.0),
                         dense_bias=("normal", 1.0))

    @staticmethod
    def log_loss(output, target):
        """The competition metric: mean −log p_true with the softmax probabilities clipped to
        [1e-15, 1 − 1e-15] (a float; no gradient)."""
        z = np.asarray(output.detach().numpy(), np.float64)
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        t = np.asarray(mg.as_tensor(target).numpy()).astype(np.int64)
        return float(-np.log(np.clip(p[np.arange(len(t)), t], 1e-15, 1 - 1e-15)).mean())


class CifarCNN(PoolCNN):
    """V-15 CIFAR-10 CNN (HOA ch. 4): five bias-free convolutions, three dense layers.

    ``conv_init="glorot"`` (corrected) or ``"zeros"`` (book: a dead conv stack)."""

    def __init__(self, channels=(64, 128, 128, 256, 512), dense=(1024, 512, 256), dropout=0.5,
                 conv_init="glorot", input_size=32, num_classes=10):
        if conv_init not in ("glorot", "zeros"):
            raise ValueError(f"CifarCNN: conv_init must be 'glorot' or 'zeros', got "
                             f"{conv_init!r}")
        kernels, pools = (3, 2, 2, 1, 1), (True, False, True, True, False)
        super().__init__(3, input_size, list(zip(channels, kernels, pools)), list(dense),
                         num_classes, dropout, conv_init=conv_init, conv_bias=None)
        self.conv_init = conv_init


class ToyBinaryCNN(PoolCNN):
    """V-16 toy binary CNN (PDL ch. 3): one conv, one VALID pool, dense 32, one logit."""

    binary = True

    def __init__(self, channels=8, dense=32, input_size=25):
        super().__init__(1, input_size, [(channels, 3, True)], [dense], 1,
                         pool_padding="valid", loss="sigmoid_bce")
