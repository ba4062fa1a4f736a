"""Sequence utilities of spec S-10: character vocabularies, windows for text and series,
per-window scaling, chronological splits, Keras-style ``pad_sequences``, one-hot on the fly and
a truncated-BPTT batch iterator. Plain NumPy in, NumPy out (the models turn batches into tensors).
"""
import numpy as np

__all__ = ["CharVocab", "text_windows", "series_windows", "scale_windows", "unscale",
           "chronological_split", "pad_sequences", "one_hot", "tbptt_batches", "decode_ids"]


class CharVocab:
    """Sorted set of the characters of a corpus: ``chars``, ``char_to_index``, ``index_to_char``,
    ``encode(text) -> int array``, ``decode(ids) -> str``."""

    def __init__(self, text):
        self.chars = sorted(set(text))
        self.char_to_index = {c: i for i, c in enumerate(self.chars)}
        self.index_to_char = dict(enumerate(self.chars))

    def __len__(self):
        return len(self.chars)

    def encode(self, text):
        try:
            return np.fromiter((self.char_to_index[c] for c in text), dtype=np.int64, count=len(text))
        except KeyError as e:
            raise KeyError(f"CharVocab.encode: character {e.args[0]!r} is not in the vocabulary "
                           f"of {len(self)} characters") from None

    def decode(self, ids):
        return "".join(self.index_to_char[int(i)] for i in np.asarray(ids).reshape(-1))


def text_windows(ids, T):
    """Seq->seq windows: n = floor((len - 1) / T) non-overlapping windows, X[i] = ids[iT:(i+1)T],
    Y[i] = ids[iT+1:(i+1)T+1] (the input shifted by one); the tail that does not fill a window
    (with its target) is dropped."""
    ids = np.asarray(ids)
    if T <= 0:
        raise ValueError(f"text_windows: T must be positive, got {T}")
    n = (len(ids) - 1) // T
    if n <= 0:
        raise ValueError(f"text_windows: a sequence of {len(ids)} tokens has no full window of T={T} "
                         "plus one target")
    X = ids[:n * T].reshape(n, T)
    Y = ids[1:n * T + 1].reshape(n, T)
    return X, Y


def series_windows(series, T):
    """Many-to-one windows: X[i] = s[i:i+T], Y[i] = s[i+T] for i = 0 .. len-T-1."""
    s = np.asarray(series)
    n = len(s) - T
    if T <= 0 or n <= 0:
        raise ValueError(f"series_windows: need 0 < T < len(series) = {len(s)}, got T={T}")
    idx = np.arange(T)[None, :] + np.arange(n)[:, None]
    return s[idx], s[T:]


def scale_windows(X, Y=None):
    """Per-window scaling (S-08): divide each window and its target by the window's last value.
    Returns (X / last, Y / last, last); :func:`unscale` multiplies back."""
    X = np.asarray(X, dtype=np.float64)
    last = X[:, -1].copy()
    if np.any(last == 0):
        raise ValueError("scale_windows: a window ends in 0 and cannot be scaled by its last value")
    Xs = X / last[:, None]
    return Xs, (None if Y is None else np.asarray(Y, dtype=np.float64) / last), last


def unscale(pred, last):
    """Inverse of :func:`scale_windows`: predictions back on the price scale."""
    pred = np.asarray(pred, dtype=np.float64)
    return pred * np.asarray(last).reshape((-1,) + (1,) * (pred.ndim - 1))


def chronological_split(*arrays, train_fraction=0.7):
    """First floor(f n) rows train, the rest test, no shuffling across the split. Returns
    (train_0, test_0, train_1, test_1, ...)."""
    n = len(arrays[0])
    k = int(np.floor(train_fraction * n))
    out = []
    for a in arrays:
        out += [a[:k], a[k:]]
    return tuple(out)


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0):
    """Keras' ``pad_sequences``: a (N, maxlen) array; sequences longer than ``maxlen`` lose their
    start (``truncating="pre"``) or end (``"post"``); shorter ones are filled with ``value`` before
    (``padding="pre"``, the Keras default) or after (``"post"``). ``maxlen=None``: the longest."""
    for name, v in (("padding", padding), ("truncating", truncating)):
        if v not in ("pre", "post"):
            raise ValueError(f"pad_sequences: {name} must be 'pre' or 'post', got {v!r}")
    seqs = [np.asarray(s) for s in sequences]
    if maxlen is None:
        maxlen = max((len(s) for s in seqs), default=0)
    if maxlen < 0:
        raise ValueError(f"pad_sequences: maxlen must be >= 0, got {maxlen}")
    out = np.full((len(seqs), maxlen), value, dtype=dtype)
    for i, s in enumerate(seqs):
        if s.ndim != 1:
            raise ValueError(f"pad_sequences: sequence {i} is not 1-D (shape {s.shape})")
        if len(s) == 0 or maxlen == 0:
            continue
        s = s[-maxlen:] if truncating == "pre" else s[:maxlen]
        if padding == "pre":
            out[i, maxlen - len(s):] = s
        else:
            out[i, :len(s)] = s
    return out


def one_hot(ids, num_classes, dtype=np.float32):
    """One-hot rows for integer ``ids`` (any shape) -> shape + (num_classes,); built per batch
    (the book corpus' full one-hot array would be ~0.7 GB)."""
    ids = np.asarray(ids)
    if ids.size and (ids.min() < 0 or ids.max() >= num_classes):
        raise IndexError(f"one_hot: ids must lie in [0, {num_classes}), got range "
                         f"[{ids.min()}, {ids.max()}]")
    out = np.zeros(ids.shape + (num_classes,), dtype=dtype)
    np.put_along_axis(out, ids[..., None].astype(np.int64), 1, axis=-1)
    return out


def tbptt_batches(ids, batch_size, seq_len):
    """Truncated-BPTT iterator: the stream is cut into ``batch_size`` contiguous rows, then
    walked in chunks of ``seq_len``; row n of chunk k+1 continues row n of chunk k, so the model
    carries its (detached) state across chunks. Yields (x, y) of shape (batch_size, <= seq_len),
    y the input shifted by one."""
    ids = np.asarray(ids)
    rows = (len(ids) - 1) // batch_size
    if rows < 1:
        raise ValueError(f"tbptt_batches: {len(ids)} tokens do not fill {batch_size} rows")
    x = ids[:rows * batch_size].reshape(batch_size, rows)
    y = ids[1:rows * batch_size + 1].reshape(batch_size, rows)
    for k in range(0, rows, seq_len):
        yield x[:, k:k + seq_len], y[:, k:k + seq_len]


def decode_ids(ids, word_index, index_from=3, pad_char=0, start_char=1, oov_char=2):
    """Words of a Keras-encoded review (S-10): id -> word of rank id - index_from through the
    inverse ``word_index`` (word -> rank); padding is dropped, start and out-of-vocabulary
    tokens read ``<start>`` / ``<oov>`` (the Keras example prints "?")."""
    inverse = {rank: word for word, rank in word_index.items()}
    words = []
    for i in np.asarray(ids).reshape(-1).tolist():
        if i == pad_char:
            continue
        if i == start_char:
            words.append("<start>")
        elif i == oov_char:
            words.append("<oov>")
        else:
            words.append(inverse.get(i - index_from, "<oov>"))
    return " ".join(words)
