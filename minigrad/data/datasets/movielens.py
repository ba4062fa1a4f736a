"""DS-04 MovieLens-100K, read in place from the recbole package (``pip install --no-deps
recbole==1.2.1``): ``site-packages/recbole/dataset_example/ml-100k/ml-100k.{inter,item,user}``.

GroupLens terms allow research use but **no redistribution**: the files are only ever read from
the installed package — never copied into the repository, test fixtures or caches.
943 users × 1,682 items, 100,000 ratings 1–5, ids from 1.
"""
import os

import numpy as np

from ..errors import DataFormatError
from ._source import override, package_file

__all__ = ["load_ratings", "load_items", "load_users", "rating_matrix", "read_inter",
           "read_ml1m_ratings", "N_USERS", "N_ITEMS"]

N_USERS, N_ITEMS = 943, 1682
_WHAT = "MovieLens-100K (DS-04)"
_COLUMNS = ("user_id", "item_id", "rating", "timestamp")


def _file(ext, path):
    directory = path or override("MOVIELENS")
    if directory is not None:
        return os.path.join(directory, f"ml-100k.{ext}")
    return package_file("recbole", "dataset_example", "ml-100k", f"ml-100k.{ext}", what=_WHAT)


def read_inter(path):
    """A recbole ``.inter`` file → int64 array N×4 (user, item, rating, timestamp)."""
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        names = tuple(h.split(":")[0] for h in header)
        if names[:4] != _COLUMNS:
            raise DataFormatError(f"{_WHAT}: {path} has header {header}, expected typed columns "
                                  f"{', '.join(c + ':…' for c in _COLUMNS)}")
        try:
            arr = np.loadtxt(f, delimiter="\t", dtype=np.float64, usecols=range(4), ndmin=2)
        except ValueError as e:
            raise DataFormatError(f"{_WHAT}: cannot parse {path} ({e})") from None
    if len(arr) and (arr[:, 2].min() < 1 or arr[:, 2].max() > 5):
        raise DataFormatError(f"{_WHAT}: {path} has ratings outside 1..5")
    return arr.astype(np.int64)


def load_ratings(path=None):
    """The 100,000 ratings as int64 N×4: user_id, item_id, rating, timestamp."""
    return read_inter(_file("inter", path))


def load_items(path=None):
    """``[(item_id, title, year, [genres])]`` from ``ml-100k.item`` (latin-1)."""
    out = []
    with open(_file("item", path), encoding="latin-1") as f:
        next(f)
        for line in f:
            item, title, year, genres = (line.rstrip("\n").split("\t") + ["", "", ""])[:4]
            out.append((int(item), title, year, genres.split()))
    return out


def load_users(path=None):
    """``[(user_id, age, gender, occupation, zip_code)]`` from ``ml-100k.user``."""
    out = []
    with open(_file("user", path), encoding="latin-1") as f:
        next(f)
        for line in f:
            user, age, gender, occupation, zipcode = line.rstrip("\n").split("\t")
            out.append((int(user), int(age), gender, occupation, zipcode))
    return out


def rating_matrix(ratings=None, n_users=N_USERS, n_items=N_ITEMS, scale=5.0):
    """Dense float32 users × items matrix of rating/scale, 0 = unrated (G-02's input)."""
    r = load_ratings() if ratings is None else np.asarray(ratings)
    m = np.zeros((n_users, n_items), np.float32)
    m[r[:, 0] - 1, r[:, 1] - 1] = r[:, 2] / np.float32(scale)
    return m


def read_ml1m_ratings(path):
    """MovieLens-1M ``ratings.dat`` (``UserID::MovieID::Rating::Timestamp``, no header) →
    int64 N×4."""
    rows = []
    with open(path, encoding="latin-1") as f:
        for n, line in enumerate(f, 1):
            fields = line.strip().split("::")
            if not line.strip():
                continue
            if len(fields) != 4 or not all(x.isdigit() for x in fields):
                raise DataFormatError(f"MovieLens-1M: {path} line {n} is not "
                                      f"UserID::MovieID::Rating::Timestamp: {line.strip()!r}")
            rows.append([int(x) for x in fields])
    return np.asarray(rows, dtype=np.int64).reshape(-1, 4)
