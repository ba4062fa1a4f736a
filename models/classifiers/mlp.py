"""Five-layer MLP recipes on MNIST: V-03 … V-06 (DLVR class 11, five-layer network slides and the
recipe summary) and V-07, the batch-norm version (DLVR class 11, batch-normalisation slides;
configuration *from the original tutorial code*).

Architecture 784-200-100-60-30-10 (layers K, L, M, N, output). The slides improve it step by step:
slow start of the sigmoid net → ReLU; noisy convergence → learning-rate decay; overfitting →
dropout; then batch norm.

====  ======================  ===========  ==============================================  =======
ID    variant                 activation   learning rate (Adam, ε 1e-8, TF form)            dropout
====  ======================  ===========  ==============================================  =======
V-03  sigmoid                 sigmoid      0.003                                            –
V-04  ReLU                    ReLU         0.003                                            –
V-05  ReLU + LR decay         ReLU         1e-4 + (3e-3 − 1e-4)·exp(−i/2000)                –
V-06  + dropout               ReLU         as V-05                                          p 0.25
V-07  batch norm              sigmoid      1e-4 + 0.03·exp(−i/1000)                         –
====  ======================  ===========  ==============================================  =======

Init: W ~ truncated normal σ 0.1 (draws beyond 2σ re-drawn); biases 0 (sigmoid variant), hidden
biases 0.1 and output bias 0 for the ReLU variants *(from the original tutorial code)*. Loss:
softmax CE with logits, batch mean × 100 (the ×100 only rescales). Batch 100, 10,000 steps.
Dropout p = 0.25 after each of the 4 hidden activations (slides: pkeep 0.75 in training, 1 in
evaluation), inverted scaling.

V-07: hidden layers are Dense **without bias** → BatchNorm1d → activation (the slides: biases are
redundant before BN, the offset replaces them; with ReLU the scale is useless, sigmoid needs both).
Sigmoid variant: scale (init 1) and offset (init 0); ReLU variant: offset only (init 0.1).
BN ε 1e-5; statistics per neuron over the batch; inference uses an exponential moving average
updated at every training step with TF's ``ExponentialMovingAverage(decay, num_updates=i)``
convention, effective decay min(decay, (1 + i)/(10 + i)) (slide code: decay 0.9999).
Erratum: the slide *formula* normalises by σ_B + ε while its *code* uses √(σ_B² + ε);
book-faithful switch ``eps_mode="sqrt" | "std_plus_eps"``.
The slides also introduce scoped parameter creation with reuse (``tf.get_variable``): in
minigrad that is ordinary module reuse — a layer object applied twice shares its parameters.
"""
from minigrad import nn

from ._book import BookClassifier, flat_input, book_batchnorm, init_layer

__all__ = ["FiveLayerMLP", "BatchNormMLP", "MLP_SIZES"]

MLP_SIZES = (784, 200, 100, 60, 30, 10)


_W = ("trunc_normal", 0.1)


def _activation(owner, activation):
    if activation not in ("sigmoid", "relu"):
        raise ValueError(f"{owner}: activation must be 'sigmoid' or 'relu', got {activation!r}")
    return nn.Sigmoid if activation == "sigmoid" else nn.ReLU


def _mlp_layers(sizes, hidden):
    """``flatten → hidden(i, n_in, n_out) for each hidden layer → fc_out`` (logits; W truncated
    normal σ 0.1, bias 0)."""
    layers = [("flatten", nn.Flatten())]
    for i, (a, b) in enumerate(zip(sizes[:-2], sizes[1:-1]), 1):
        layers += hidden(i, a, b)
    layers.append((f"fc{len(sizes) - 1}", init_layer(nn.Linear(sizes[-2], sizes[-1]), _W, 0.0)))
    return layers


class FiveLayerMLP(BookClassifier):
    """V-03 … V-06: ``flatten → [fc_i → act_i (→ drop_i)] × 4 → fc5`` (logits).

    ``activation``: ``"sigmoid"`` (V-03) or ``"relu"`` (V-04 … V-06); ``dropout``: drop
    probability after each hidden activation (V-06: 0.25); ``sizes``: layer widths."""

    def __init__(self, activation="relu", dropout=0.0, sizes=MLP_SIZES, loss="softmax_ce_x100"):
        act = _activation("FiveLayerMLP", activation)
        hidden_bias = 0.0 if activation == "sigmoid" else 0.1

        def hidden(i, a, b):
            block = [(f"fc{i}", init_layer(nn.Linear(a, b), _W, hidden_bias)), (f"act{i}", act())]
            return block + ([(f"drop{i}", nn.Dropout(dropout))] if dropout else [])

        super().__init__(_mlp_layers(sizes, hidden), loss=loss, input_shape=flat_input(sizes[0]))
        self.activation, self.dropout = activation, dropout


class BatchNormMLP(BookClassifier):
    """V-07: ``flatten → [fc_i (no bias) → bn_i → act_i] × 4 → fc5`` (logits).

    ``activation="sigmoid"``: BN with scale and offset; ``"relu"``: offset only (init 0.1).
    ``eps_mode="sqrt"`` normalises by √(σ² + ε) (slide code), ``"std_plus_eps"`` by σ + ε
    (slide formula). ``ema_decay`` with TF's ``num_updates`` rule (see the module docstring)."""

    def __init__(self, activation="sigmoid", sizes=MLP_SIZES, eps=1e-5, eps_mode="sqrt",
                 ema_decay=0.9999, loss="softmax_ce_x100"):
        act = _activation("BatchNormMLP", activation)

        def hidden(i, a, b):
            return [(f"fc{i}", init_layer(nn.Linear(a, b, bias=False), _W)),
                    (f"bn{i}", book_batchnorm(nn.BatchNorm1d, b, activation, eps, eps_mode,
                                              ema_decay)),
                    (f"act{i}", act())]

        super().__init__(_mlp_layers(sizes, hidden), loss=loss, input_shape=flat_input(sizes[0]))
        self.activation, self.eps_mode = activation, eps_mode
