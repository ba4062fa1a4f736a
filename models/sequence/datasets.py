"""Data of the sequence models (specs/data.md): DS-05 text through ``minigrad.data.datasets``,
and seeded generators for the two stand-ins written in the original formats:

* DS-16 random-walk price series (S-08): geometric Brownian motion, the Yahoo CSV columns
  ``Date, Open, High, Low, Close, Adj Close, Volume``, 4,276 business days from 2001-01-02;
* DS-17 IMDb-like token sequences (S-09): Zipf background vocabulary with planted sentiment and
  "reverser" words (context to the right matters), Keras' index conventions, NPZ storage.

Both are deterministic (``numpy.random.Generator(PCG64(seed))``) and have a ``book`` and a
``tiny`` size. ``MINIGRAD_DATA_PRICES`` may point at a real CSV in the same format (only Close is
read); ``MINIGRAD_DATA_IMDB_LIKE`` at an NPZ written by :func:`save_imdb_like` (or converted real
IMDb arrays)."""
import csv
import datetime
import functools
import io
import json
import os

import numpy as np

__all__ = ["random_walk_prices", "write_prices_csv", "read_close", "load_prices",
           "make_imdb_like", "save_imdb_like", "load_imdb_like", "char_corpus"]

PRICE_ROWS = {"book": 4276, "tiny": 600}
IMDB_SIZES = {"book": (25000, 25000), "tiny": (1000, 1000)}


# ----------------------------------------------------------------------------- DS-16 prices

def _business_days(start, n):
    d = datetime.date.fromisoformat(start)
    out = []
    while len(out) < n:
        if d.weekday() < 5:
            out.append(d.isoformat())
        d += datetime.timedelta(days=1)
    return out


def random_walk_prices(config="book", seed=0, garch=False, p0=10000.0, mu=2e-4, sigma=0.012):
    """DS-16 rows as a dict of columns. Close follows GBM: log-return ~ N(mu - sigma^2/2, sigma^2)
    (``garch=True``: GARCH(1, 1) volatility clustering around sigma); Open = previous Close
    (1 + N(0, 0.002)); High/Low = max/min(Open, Close) (1 +- |N(0, 0.004)|); Volume =
    round(lognormal(19.5, 0.3))."""
    n = PRICE_ROWS[config] if isinstance(config, str) else int(config)
    rng = np.random.Generator(np.random.PCG64(seed))
    z = rng.standard_normal(n)
    if garch:
        omega, alpha, beta = sigma ** 2 * 0.05, 0.08, 0.87
        var = np.empty(n)
        var[0] = sigma ** 2
        eps_prev = 0.0
        for t in range(n):
            if t:
                var[t] = omega + alpha * eps_prev ** 2 + beta * var[t - 1]
            eps_prev = np.sqrt(var[t]) * z[t]
        vol = np.sqrt(var)
    else:
        vol = np.full(n, sigma)
    logret = (mu - vol ** 2 / 2) + vol * z
    logret[0] = 0.0
    close = p0 * np.exp(np.cumsum(logret))
    prev = np.r_[p0, close[:-1]]
    open_ = prev * (1 + rng.normal(0, 0.002, n))
    high = np.maximum(open_, close) * (1 + np.abs(rng.normal(0, 0.004, n)))
    low = np.minimum(open_, close) * (1 - np.abs(rng.normal(0, 0.004, n)))
    volume = np.round(rng.lognormal(19.5, 0.3, n)).astype(np.int64)
    return {"Date": _business_days("2001-01-02", n), "Open": open_, "High": high, "Low": low,
            "Close": close, "Adj Close": close.copy(), "Volume": volume}


def write_prices_csv(columns, path_or_file):
    """Write the columns in the Yahoo CSV layout (6 decimals, header row)."""
    names = ["Date", "Open", "High", "Low", "Close", "Adj Close", "Volume"]
    own = isinstance(path_or_file, (str, os.PathLike))
    f = open(path_or_file, "w", newline="") if own else path_or_file
    try:
        w = csv.writer(f)
        w.writerow(names)
        for i in range(len(columns["Date"])):
            w.writerow([columns["Date"][i]] + [f"{columns[c][i]:.6f}" for c in names[1:6]]
                       + [int(columns["Volume"][i])])
    finally:
        if own:
            f.close()


def read_close(path_or_file):
    """The Close column of a Yahoo-style CSV as float64 (rows with 'null' are skipped)."""
    own = isinstance(path_or_file, (str, os.PathLike))
    f = open(path_or_file, newline="") if own else path_or_file
    try:
        rows = list(csv.DictReader(f))
    finally:
        if own:
            f.close()
    if not rows or "Close" not in rows[0]:
        raise ValueError("read_close: the CSV has no 'Close' column (expected the Yahoo layout "
                         "Date, Open, High, Low, Close, Adj Close, Volume)")
    return np.array([float(r["Close"]) for r in rows if r["Close"] not in ("null", "")])


def load_prices(config="book", seed=0):
    """Close prices: the user's CSV in ``MINIGRAD_DATA_PRICES`` or the DS-16 series, which goes
    through the CSV writer and reader (the real loader's path)."""
    path = os.environ.get("MINIGRAD_DATA_PRICES")
    if path:
        return read_close(path)
    buf = io.StringIO()
    write_prices_csv(random_walk_prices(config, seed), buf)
    buf.seek(0)
    return read_close(buf)


# ----------------------------------------------------------------------------- DS-17 IMDb-like

def _imdb_vocabulary(rng, n_words=10000):
    ranks = np.arange(1, n_words + 1)
    freq = ranks ** -1.1
    cand = rng.permutation(np.arange(50, 3001))
    pos, neg = np.sort(cand[:150]), np.sort(cand[150:300])
    reversers = np.sort(rng.choice(np.setdiff1d(np.arange(20, 201), np.r_[pos, neg]), 10, replace=False))
    background = np.setdiff1d(ranks, np.r_[pos, neg, reversers])
    p = freq[background - 1]
    return pos, neg, reversers, background, p / p.sum()


def make_imdb_like(config="book", seed=42):
    """DS-17 reviews as lists of word ranks (1 = most frequent) with labels, train and test.

    Returns ``(train_seqs, train_labels), (test_seqs, test_labels), word_index``: per review, the
    label y ~ Bernoulli(0.5) is drawn first; length ~ log-normal (median 175) clipped to
    [10, 2500]; background words from Zipf(1.1); Poisson(length / 25) sentiment words of
    polarity y with probability 0.8; with probability 0.3 a reverser word 1-3 tokens after a
    sentiment word flips it; reviews whose net effective polarity disagrees with y are
    re-drawn; finally 5 % of the labels are flipped."""
    n_train, n_test = IMDB_SIZES[config] if isinstance(config, str) else config
    rng = np.random.Generator(np.random.PCG64(seed))
    pos, neg, rev, background, p_bg = _imdb_vocabulary(rng)

    def review(y):
        while True:
            n = int(np.clip(round(rng.lognormal(np.log(175), 0.7)), 10, 2500))
            toks = rng.choice(background, size=n, p=p_bg)
            k = min(rng.poisson(n / 25), n - 1)
            net = 0
            slots = np.sort(rng.choice(n, size=k, replace=False)) if k else []
            for s in slots:
                pol = y if rng.random() < 0.8 else 1 - y
                toks[s] = rng.choice(pos if pol == 1 else neg)
                sign = 1 if pol == 1 else -1
                if rng.random() < 0.3:
                    r = s + rng.integers(1, 4)
                    if r < n:
                        toks[r] = rng.choice(rev)
                        sign = -sign
                net += sign
            if (net > 0 and y == 1) or (net < 0 and y == 0):
                return toks

    def split(m):
        labels = rng.integers(0, 2, m)
        seqs = [review(int(y)) for y in labels]
        noise = rng.random(m) < 0.05
        return seqs, np.where(noise, 1 - labels, labels).astype(np.int64)
    train, test = split(n_train), split(n_test)
    word_index = {f"w{r}": int(r) for r in range(1, 10001)}
    word_index.update({f"pos{i}": int(r) for i, r in enumerate(pos)})
    word_index.update({f"neg{i}": int(r) for i, r in enumerate(neg)})
    word_index.update({f"not{i}": int(r) for i, r in enumerate(rev)})
    return train, test, word_index


def save_imdb_like(path, config="book", seed=42):
    """Write DS-17 as NPZ (flat int32 ``tokens`` + int64 ``offsets`` per split, ``labels``) and
    ``word_index.json`` beside it (word -> rank)."""
    train, test, word_index = make_imdb_like(config, seed)
    arrays = {}
    for name, (seqs, labels) in (("train", train), ("test", test)):
        arrays[f"{name}_tokens"] = np.concatenate(seqs).astype(np.int32)
        arrays[f"{name}_offsets"] = np.r_[0, np.cumsum([len(s) for s in seqs])].astype(np.int64)
        arrays[f"{name}_labels"] = labels
    np.savez(path, **arrays)
    with open(os.path.join(os.path.dirname(os.path.abspath(path)), "word_index.json"), "w") as f:
        json.dump(word_index, f)


def _encode(seqs, num_words, skip_top, start_char=1, oov_char=2, index_from=3):
    """Keras ``imdb.load_data`` conventions: start token, rank r -> r + index_from, then every id
    outside [skip_top, num_words) becomes ``oov_char`` (Keras' own rule, applied after the shift)."""
    out = []
    for s in seqs:
        ids = np.r_[start_char, np.asarray(s, dtype=np.int64) + index_from]
        keep = (ids >= skip_top) & (ids < num_words)
        out.append(np.where(keep, ids, oov_char))
    return out


@functools.lru_cache(maxsize=4)
def _imdb_cached(config, seed):
    path = os.environ.get("MINIGRAD_DATA_IMDB_LIKE")
    if path:
        z = np.load(path)
        parts = []
        for name in ("train", "test"):
            tok, off = z[f"{name}_tokens"], z[f"{name}_offsets"]
            parts.append(([tok[off[i]:off[i + 1]] for i in range(len(off) - 1)], z[f"{name}_labels"]))
        return tuple(parts)
    train, test, _ = make_imdb_like(config, seed)
    return train, test


def load_imdb_like(config="book", num_words=5000, skip_top=10, seed=42):
    """``(x_train, y_train), (x_test, y_test)``: lists of Keras-encoded id arrays and labels."""
    (a, ya), (b, yb) = _imdb_cached(config, seed)
    return (_encode(a, num_words, skip_top), ya), (_encode(b, num_words, skip_top), yb)


# ----------------------------------------------------------------------------- DS-05 text

@functools.lru_cache(maxsize=2)
def char_corpus(config="book"):
    """(text, CharVocab) of the lower-cased Shakespeare corpus (DS-05; ``tiny`` = the first
    100,000 characters of Hamlet)."""
    from minigrad.data.datasets import load_shakespeare
    from minigrad.data.sequence import CharVocab
    text = load_shakespeare(config)
    return text, CharVocab(text)
