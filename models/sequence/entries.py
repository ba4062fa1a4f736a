"""Zoo entries S-06 … S-09 (specs/zoo-sequence.md) and their data loader for ``python -m models``.

Recipe keys beyond the common ones (``models/zoo.py``): ``seq_len`` (S-06/S-07 window T),
``test_fraction`` (char models: the last windows held out -- the book has no test set),
``window`` (S-08), ``num_words``/``skip_top``/``maxlen`` (S-09), ``n_train`` (tiny subsets),
``val_split=(fraction, seed)`` (S-09: ``(train, val, test)`` is returned; the book validated on
the test set, which the CLI does).
RMSprop specs are ``("rmsprop", lr, {"alpha": rho, "eps": eps})`` (torch names Keras' rho alpha).
"""
import numpy as np

from models import zoo

from . import datasets
from .bilstm_sentiment import BiLSTMSentiment
from .char_generator import CharGenerator
from .price_gru import PriceGRU

SOURCE = "HOA ch. 6"
_RMS = {"alpha": 0.9, "eps": 1e-8}


def _vocab_size(config):
    try:
        return len(datasets.char_corpus(config)[1])
    except FileNotFoundError:          # DataSourceMissing: build still works (book: 57 symbols)
        return 57


def _char_builder(cell, hidden_tiny=32):
    p = 0.3 if cell == "rnn" else 0.4

    def build(config):
        hidden = 800 if config == "book" else hidden_tiny
        return CharGenerator(_vocab_size(config), hidden, 2, cell, dropout=p)
    return build


def load_data(recipe, config="book"):
    """``(x_train, y_train), (x_test, y_test)`` NumPy arrays for a sequence recipe."""
    from minigrad.data import sequence as seq
    data = recipe["data"]
    size = "tiny" if config == "tiny" else "book"
    if data == "shakespeare":
        text, vocab = datasets.char_corpus(size)
        X, Y = seq.text_windows(vocab.encode(text), recipe["seq_len"])
        k = len(X) - max(1, int(round(recipe.get("test_fraction", 0.05) * len(X))))
        parts = [(X[:k], Y[:k]), (X[k:], Y[k:])]
    elif data == "prices":
        close = datasets.load_prices(size)
        X, Y = seq.series_windows(close, recipe.get("window", 10))
        Xs, Ys, _ = seq.scale_windows(X, Y)
        xa, xb, ya, yb = seq.chronological_split(Xs, Ys, train_fraction=0.7)
        parts = [(xa[..., None].astype(np.float32), ya[:, None].astype(np.float32)),
                 (xb[..., None].astype(np.float32), yb[:, None].astype(np.float32))]
    elif data == "imdb_like":
        (xa, ya), (xb, yb) = datasets.load_imdb_like(size, recipe.get("num_words", 5000),
                                                     recipe.get("skip_top", 10))
        maxlen = recipe.get("maxlen", 200)
        parts = [(seq.pad_sequences(x, maxlen=maxlen).astype(np.int64), y.astype(np.float32)[:, None])
                 for x, y in ((xa, ya), (xb, yb))]
    else:
        raise ValueError(f"models.sequence.load_data: unknown dataset {data!r}")
    n = recipe.get("n_train")
    if n:
        parts[0] = (parts[0][0][:n], parts[0][1][:n])
    if recipe.get("val_split"):              # S-09: validate on a seeded 10 % of the training set
        fraction, seed = recipe["val_split"]
        (x, y), idx = parts[0], np.random.default_rng(seed).permutation(len(parts[0][0]))
        k = int(round(fraction * len(x)))
        return (x[idx[k:]], y[idx[k:]]), (x[idx[:k]], y[idx[:k]]), parts[1]
    return parts[0], parts[1]


for _id, _name, _section, _cell, _T in (("S-06", "char-rnn-vanilla", "Vanilla", "rnn", 100),
                                        ("S-07", "char-rnn-lstm", "LSTM", "lstm", 160)):
    zoo.register(_id, _name, f"{SOURCE}, {_section} RNNs for text generation", _char_builder(_cell),
                 train=dict(data="shakespeare", seq_len=_T, batch_size=100, epochs=300, shuffle=True,
                            optimizer=("rmsprop", 1e-3, _RMS), test_fraction=0.05),
                 tiny_train=dict(seq_len=25, batch_size=20, epochs=None, steps=30, n_train=400),
                 load_data=load_data, family="sequence")
zoo.register("S-08", "gru-price-regressor", f"{SOURCE}, GRU RNNs for stock price prediction",
             lambda config: PriceGRU(256 if config == "book" else 16),
             train=dict(data="prices", window=10, batch_size=100, epochs=300, shuffle=True,
                        optimizer=("rmsprop", 6e-4, _RMS)),
             tiny_train=dict(epochs=None, steps=30), load_data=load_data, family="sequence")
zoo.register("S-09", "bilstm-sentiment", f"{SOURCE}, Bidirectional RNNs for sentiment classification",
             lambda config: BiLSTMSentiment(5000, 128, 128) if config == "book"
             else BiLSTMSentiment(5000, 8, 8),
             train=dict(data="imdb_like", num_words=5000, skip_top=10, maxlen=200, batch_size=32,
                        epochs=100, shuffle=True, optimizer=("rmsprop", 1e-3, {"alpha": 0.9, "eps": 1e-7}),
                        val_split=(0.1, 42)),
             tiny_train=dict(maxlen=40, epochs=None, steps=20, n_train=500), load_data=load_data,
             family="sequence")


def book_callbacks(model_id, directory, vocab=None):
    """The book's Keras callbacks for a Trainer run of S-06 … S-09 (the CLI trains without them):

    * S-06/S-07: checkpoint on the *training* loss (best only, epoch and loss in the file name),
      early stopping on the training loss (patience 50), a generated sample every 10 epochs
      (200 / 500 greedy characters; needs ``vocab``);
    * S-08: checkpoint on the best val_loss, early stopping on val_loss (patience 100);
    * S-09: early stopping on val_loss (patience 10)."""
    import os

    from minigrad.training import EarlyStopping, ModelCheckpoint

    from .char_generator import SampleText
    if model_id in ("S-06", "S-07"):
        cbs = [ModelCheckpoint(os.path.join(directory, "weights-{epoch:02d}-{loss:.4f}.npz"),
                               monitor="loss", save_best_only=True),
               EarlyStopping(monitor="loss", min_delta=0.0, patience=50)]
        if vocab is not None:
            cbs.append(SampleText(vocab, seed=vocab.chars[0], every=10,
                                  length=200 if model_id == "S-06" else 500))
        return cbs
    if model_id == "S-08":
        return [ModelCheckpoint(os.path.join(directory, "weights-best.npz"), monitor="val_loss",
                                save_best_only=True),
                EarlyStopping(monitor="val_loss", min_delta=0.0, patience=100)]
    if model_id == "S-09":
        return [EarlyStopping(monitor="val_loss", min_delta=0.0, patience=10)]
    raise KeyError(f"book_callbacks: no sequence model {model_id!r}")
