"""S-06 / S-07: character-level text generators (HOA ch. 6, "Vanilla RNNs for text generation"
and "LSTM RNNs for text generation").

Architecture (many-to-many, synced): one-hot characters (N, T, V) -> recurrent 800 (ReLU vanilla
RNN for S-06, LSTM for S-07), return sequences -> Dropout (0.3 / 0.4, independent per element as
Keras' Dropout on a 3-D tensor) -> recurrent 800 -> Dropout -> time-distributed Dense V; the
softmax is folded into the loss (log-softmax cross-entropy per step, mean over N*T). Keras
initialisers (glorot-uniform kernels, orthogonal recurrent matrices, zero biases; LSTM forget
bias 1). RMSprop lr 1e-3, rho 0.9, eps 1e-8; batch 100; windows of T = 100 (S-06) / 160 (S-07).

Generation (:func:`generate`): the book re-feeds the window of generated characters at every step
and takes the argmax (greedy); minigrad adds temperature / top-k sampling and a stateful mode that
carries the hidden state one character at a time (identical distributions while the context fits
the window). :class:`SampleText` generates every k epochs during training.

Errata handled (spec): early stopping in the book watches the *training* loss; the printed
vocabulary lost its backslashes. Data: Shakespeare (DS-05) stands in for *War and Peace*.
"""
import numpy as np

import minigrad as mg
from minigrad import functional as F
from minigrad import nn
from minigrad.backend import get_array_module
from minigrad.sampling import sample
from minigrad.training import Callback

__all__ = ["CharGenerator", "generate", "SampleText"]


class CharGenerator(nn.Module):
    """``CharGenerator(vocab_size, hidden_size=800, num_layers=2, cell="rnn"|"lstm",
    dropout=0.3, nonlinearity="relu", recurrent_activation="sigmoid")``.

    ``forward(ids (N, T) ints, state=None, return_state=False)`` -> logits (N, T, V) (and the
    per-layer states when ``return_state``)."""

    def __init__(self, vocab_size, hidden_size=800, num_layers=2, cell="rnn", dropout=0.3,
                 nonlinearity="relu", recurrent_activation="sigmoid", dtype=None):
        super().__init__()
        if cell not in ("rnn", "lstm"):
            raise ValueError(f"CharGenerator: cell must be 'rnn' or 'lstm', got {cell!r}")
        self.vocab_size, self.hidden_size, self.cell, self.p = int(vocab_size), hidden_size, cell, dropout
        layers = []
        for k in range(num_layers):
            n_in = vocab_size if k == 0 else hidden_size
            if cell == "rnn":
                layers.append(nn.RNN(n_in, hidden_size, nonlinearity=nonlinearity, batch_first=True,
                                     init="keras", dtype=dtype))
            else:
                layers.append(nn.LSTM(n_in, hidden_size, batch_first=True, init="keras",
                                      unit_forget_bias=True, recurrent_activation=recurrent_activation,
                                      dtype=dtype))
        self.rnns = nn.ModuleList(layers)
        self.head = nn.Linear(hidden_size, vocab_size, dtype=dtype)
        nn.init.xavier_uniform_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def one_hot(self, ids):
        """(N, T) integer ids -> constant one-hot (N, T, V) in the parameters' dtype/device."""
        w = self.head.weight
        raw = ids.data if isinstance(ids, mg.Tensor) else np.asarray(ids)
        xp = get_array_module(w.data)
        raw = xp.asarray(raw)
        if raw.size and (int(raw.min()) < 0 or int(raw.max()) >= self.vocab_size):
            raise IndexError(f"CharGenerator: character ids must lie in [0, {self.vocab_size}), got "
                             f"[{int(raw.min())}, {int(raw.max())}]")
        return mg.Tensor(xp.eye(self.vocab_size, dtype=w.dtype)[raw])

    def forward(self, ids, state=None, return_state=False):
        x = self.one_hot(ids)
        states = []
        for k, rnn in enumerate(self.rnns):
            x, st = rnn(x, None if state is None else state[k])
            states.append(st)
            x = F.dropout(x, self.p, self.training)
        logits = self.head(x)
        return (logits, states) if return_state else logits

    def loss(self, logits, targets):
        """Cross-entropy per time step, mean over N*T (log-softmax; the book's softmax + CE)."""
        t = targets if isinstance(targets, mg.Tensor) else mg.tensor(np.asarray(targets))
        return F.cross_entropy(logits.reshape(-1, self.vocab_size), t.reshape(-1))

    def accuracy(self, logits, targets):
        """Fraction of next characters predicted (argmax)."""
        pred = np.asarray(mg.backend.to_numpy(logits.data)).argmax(-1)
        y = np.asarray(mg.backend.to_numpy(targets.data if isinstance(targets, mg.Tensor) else targets))
        return float((pred == y).mean())


def generate(model, vocab, seed_text, length, temperature=0.0, generator=None, top_k=None,
             mode="stateful", window=100):
    """``length`` characters continuing ``seed_text``.

    ``temperature=0`` is the book's greedy argmax; > 0 samples softmax(logits / temperature)
    (``top_k`` optional) from ``generator``. ``mode="stateful"`` feeds one character per step and
    carries the recurrent state; ``mode="refeed"`` (the book) feeds the last ``window`` generated
    characters every step from a zero state. Both agree while the text fits in the window."""
    if mode not in ("stateful", "refeed"):
        raise ValueError(f"generate: mode must be 'stateful' or 'refeed', got {mode!r}")
    if not seed_text:
        raise ValueError("generate: seed_text must contain at least one character")
    was_training = model.training
    model.eval()
    ids = list(vocab.encode(seed_text))
    out = []
    try:
        with mg.no_grad():
            if mode == "stateful":
                logits, state = model(np.array([ids]), return_state=True)
                for _ in range(length):
                    nxt = int(sample(logits.data[0, -1], temperature, generator, top_k))
                    out.append(nxt)
                    logits, state = model(np.array([[nxt]]), state, return_state=True)
            else:
                for _ in range(length):
                    ctx = (ids + out)[-window:]
                    logits = model(np.array([ctx]))
                    out.append(int(sample(logits.data[0, -1], temperature, generator, top_k)))
    finally:
        model.train(was_training)
    return vocab.decode(out)


class SampleText(Callback):
    """Every ``every`` epochs generate ``length`` characters from ``seed`` (the book: every 10
    epochs, 200 characters for S-06, 500 for S-07, greedy) and keep them in ``samples``
    (``(epoch, text)``); printed when ``verbose``."""

    def __init__(self, vocab, seed="the ", every=10, length=200, temperature=0.0, generator=None,
                 verbose=True):
        self.vocab, self.seed, self.every, self.length = vocab, seed, every, length
        self.temperature, self.generator, self.verbose = temperature, generator, verbose
        self.samples = []

    def on_epoch_end(self, trainer, logs):
        epoch = trainer.epoch
        if epoch % self.every:
            return
        text = generate(trainer.model, self.vocab, self.seed, self.length, self.temperature,
                        self.generator)
        self.samples.append((epoch, text))
        if self.verbose:
            print(f"[epoch {epoch}] {self.seed!r} -> {text!r}")
