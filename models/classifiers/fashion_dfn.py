"""Fashion-MNIST deep feed-forward networks (HOA ch. 2): V-08, built in raw TensorFlow
(section *Building our first DFN*), and V-09, the Keras version (section *The easy way*).

V-08: flatten 784 (/255) → Dense 256 + ReLU → Dense 128 + ReLU → Dense 10 (logits). Weights **and
biases** Glorot-uniform (TF-1 ``get_variable`` default; a length-n bias gets the limit √(3/n)).
Mean softmax CE with logits; Adam lr 1e-3, ε 1e-8; batch 64, fixed-shape input (the last partial
batch dropped: 843 batches/epoch); 20 epochs (the walkthrough uses 10); train/validation split
once with ``random_state=2`` (54,000 / 6,000), batches sliced in fixed order (no shuffle).

V-09: flatten → Dense 512 + ReLU → Dropout p 0.2 (Keras rate 0.2) → Dense 10. Glorot-uniform
weights, zero biases (Keras defaults). Keras trains sparse categorical CE on softmax
probabilities (clipped to [1e-7, 1 − 1e-7]); minigrad computes it from logits (log-softmax).
Adam with Keras defaults (lr 1e-3, ε 1e-7); batch 64, 10 epochs (the code says 5, the printed run
has 10), shuffled every epoch, full 60k train set, evaluated on the 10k test set.

Errata corrected (V-08): the full listing never computes the first hidden layer (NameError) →
built as in the walkthrough; broken quotes in a print; the walkthrough mis-indents the
validation loop into the batch loop → validate once per epoch; comments say every 4th/8th batch
while the code logs every 10th. minigrad evaluates on *all* validation/test samples (the book
drops remainders). (V-09): the final print uses an undefined variable → the evaluation result.
"""
from minigrad import nn

from ._book import BookClassifier, flat_input, init_layer

__all__ = ["FashionDFN", "FashionDFNKeras"]


class FashionDFN(BookClassifier):
    """V-08: ``flatten → fc1 (784→256) → relu1 → fc2 (256→128) → relu2 → fc3 (→10)``."""

    def __init__(self, in_features=784, hidden=(256, 128), num_classes=10):
        sizes = (in_features,) + tuple(hidden)
        layers = [("flatten", nn.Flatten())]
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]), 1):
            layers += [(f"fc{i}", init_layer(nn.Linear(a, b), "glorot", "glorot")),
                       (f"relu{i}", nn.ReLU())]
        layers.append((f"fc{len(sizes)}", init_layer(nn.Linear(sizes[-1], num_classes),
                                                     "glorot", "glorot")))
        super().__init__(layers, loss="softmax_ce",
                         input_shape=flat_input(in_features))


class FashionDFNKeras(BookClassifier):
    """V-09: ``flatten → fc1 (784→512) → relu → dropout (p 0.2) → fc2 (→10)``."""

    def __init__(self, in_features=784, hidden=512, num_classes=10, dropout=0.2):
        super().__init__([
            ("flatten", nn.Flatten()),
            ("fc1", init_layer(nn.Linear(in_features, hidden), "glorot", 0.0)),
            ("relu", nn.ReLU()),
            ("dropout", nn.Dropout(dropout)),
            ("fc2", init_layer(nn.Linear(hidden, num_classes), "glorot", 0.0)),
        ], loss="softmax_ce", input_shape=flat_input(in_features))
