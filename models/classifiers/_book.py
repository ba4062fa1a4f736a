"""Shared pieces of the book classifiers V-01 … V-16 (specs/zoo-vision.md).

* :class:`BookClassifier` — the base class: an ``nn.Sequential`` of *named* layers (so parameter
  names read ``conv1.weight``, ``fc2.bias``) that also knows the loss its book trains with
  (``model.loss(output, target)``), how to turn outputs into predictions and accuracy.
* :func:`init_layer` — the initialisers the texts' TensorFlow code uses, by name.
* :func:`tiny_dense`, :func:`tiny_conv` — the ``tiny`` preset's scaling rule (specs/README.md:
  dense widths ÷16 (min 16), conv channels ÷8 (min 4)).
* :data:`LOSSES` — the losses of the texts, all computed from logits with the stable fused forms
  (log-softmax, ``max(x, 0) − x·z + log(1 + e^−|x|)``).
"""
from collections import OrderedDict

import numpy as np

import minigrad as mg
import minigrad.functional as F
from minigrad import nn

__all__ = ["BookClassifier", "init_layer", "tiny_dense", "tiny_conv", "LOSSES",
           "one_hot_float", "book_batchnorm", "flat_input"]


def tiny_dense(n):
    """Dense width of the ``tiny`` preset: n ÷ 16, at least 16."""
    return max(16, n // 16)


def tiny_conv(n):
    """Conv channels of the ``tiny`` preset: n ÷ 8, at least 4."""
    return max(4, n // 8)


def flat_input(features):
    """The sample shape of a dense model: MNIST-like (1, 28, 28) images for 784 features
    (flattened by the model's first layer), else a plain vector."""
    return (1, 28, 28) if features == 784 else (features,)


def init_layer(layer, weight, bias=0.0):
    """Initialise ``layer.weight`` and ``layer.bias`` (if any) in place, TF-style.

    ``weight``: ``"zeros"``, ``("normal", std)`` (TF ``random_normal``), ``("trunc_normal", std)``
    (TF ``truncated_normal``: draws beyond 2σ re-drawn) or ``"glorot"`` (Glorot/Xavier uniform,
    the TF-1 ``get_variable`` and Keras default). ``bias``: a constant, ``("normal", std)`` or
    ``"glorot"`` (a length-n bias gets the limit √(3/n), TF's fans for a 1-D variable)."""
    for tensor, spec in ((layer.weight, weight), (getattr(layer, "bias", None), bias)):
        if tensor is None:
            continue
        if isinstance(spec, (int, float)):
            nn.init.constant_(tensor, float(spec))
        elif spec == "zeros":
            nn.init.zeros_(tensor)
        elif spec == "glorot":
            nn.init.xavier_uniform_(tensor)
        elif spec[0] == "normal":
            nn.init.normal_(tensor, 0.0, spec[1])
        elif spec[0] == "trunc_normal":
            nn.init.trunc_normal_(tensor, 0.0, spec[1])
        else:
            raise ValueError(f"init_layer: unknown initialiser {spec!r}")
    return layer


def book_batchnorm(cls, features, activation, eps, eps_mode, ema_decay):
    """The DLVR batch norm (V-07, V-13): scale + offset before a sigmoid, offset only (init 0.1)
    before a ReLU; running statistics as TF's ``ExponentialMovingAverage(ema_decay,
    num_updates=i)`` of the batch mean and the *biased* batch variance (``tf.nn.moments``)."""
    relu = activation == "relu"
    bn = cls(features, eps=eps, center=True, scale=not relu, ema_decay=ema_decay,
             eps_mode=eps_mode, unbiased_running_var=False)
    if relu:
        nn.init.constant_(bn.bias, 0.1)
    return bn


def one_hot_float(target, num_classes, dtype):
    """One-hot rows (no gradient) of integer class labels, as a float tensor of ``dtype``."""
    labels = np.asarray(mg.as_tensor(target).numpy()).astype(np.int64)
    return mg.tensor(np.eye(num_classes, dtype=dtype)[labels], device=mg.as_tensor(target).device)


def _ce_mean(out, y):
    return F.cross_entropy(out, y)


def _ce_sum(out, y):
    return F.cross_entropy(out, y, reduction="sum")


def _ce_mean_x100(out, y):
    return F.cross_entropy(out, y) * 100.0


def _sigmoid_bce_onehot(out, y):
    return F.binary_cross_entropy_with_logits(out, one_hot_float(y, out.shape[1], out.dtype))


def _sigmoid_bce(out, y):
    return F.binary_cross_entropy_with_logits(out.reshape(-1), y.reshape(-1).to(out.dtype))


LOSSES = {
    "softmax_ce": _ce_mean,             # mean softmax cross-entropy with logits
    "softmax_ce_sum": _ce_sum,          # summed over the batch (V-01: lr tuned to the sum)
    "softmax_ce_x100": _ce_mean_x100,   # batch mean × 100 (V-03 … V-07 tutorial code)
    "sigmoid_bce_onehot": _sigmoid_bce_onehot,  # one-vs-all BCE over N×C (V-02 book)
    "sigmoid_bce": _sigmoid_bce,        # binary: one logit per sample (V-16)
}


class BookClassifier(nn.Sequential):
    """A named-layer ``Sequential`` classifier that knows its book loss.

    ``loss_name`` selects from :data:`LOSSES`; ``binary`` models output one logit per sample
    (prediction ``logit > 0``), the others C logits (prediction ``argmax``). ``input_shape`` is
    the shape of one input sample ``(C, H, W)`` (for summaries and examples)."""

    binary = False

    def __init__(self, layers, loss="softmax_ce", input_shape=(1, 28, 28)):
        if loss not in LOSSES:
            raise ValueError(f"{type(self).__name__}: loss must be one of {sorted(LOSSES)}, got "
                             f"{loss!r}")
        super().__init__(OrderedDict(layers))
        self.loss_name = loss
        self.input_shape = tuple(input_shape)

    def __getitem__(self, idx):
        if isinstance(idx, slice):     # a slice is a plain Sequential (the subclass's
            return nn.Sequential(OrderedDict(list(self._modules.items())[idx]))  # ctor differs)
        return super().__getitem__(idx)

    def loss(self, output, target):
        """The book's training loss of ``output`` (logits) against integer / binary targets."""
        return LOSSES[self.loss_name](output, target)

    def predict(self, output):
        """Predicted labels (no gradient) from the logits."""
        data = output.detach()
        if self.binary:
            return (data.reshape(-1) > 0).to(mg.int64)
        return data.argmax(axis=1)

    def accuracy(self, output, target):
        """Fraction of correct predictions, a Python float."""
        pred = self.predict(output).numpy()
        return float((pred == np.asarray(mg.as_tensor(target).numpy()).astype(np.int64)).mean())

    def extra_repr(self):
        return f"loss={self.loss_name!r}"
