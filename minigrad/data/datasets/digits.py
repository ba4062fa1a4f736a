"""DS-02 scikit-learn digits: 1,797 real 8×8 digits (values 0–16), read from the CSV that
scikit-learn ships (``site-packages/sklearn/datasets/data/digits.csv.gz``; install with
``pip install scikit-learn``; scikit-learn is not imported). Licence: BSD-3 (scikit-learn),
source UCI optical digits (CC BY 4.0).

``size=28`` gives an MNIST-like stand-in: X/16, bilinear zoom ×2.5 to 20×20, padded by 4 px per
side (MNIST's 20-in-28 framing); ``size=32`` pads by 6. The G-03 split (``split="train"`` /
``"test"``) is 1,437 / 360 from ``numpy.random.RandomState(1).permutation`` (the book seeds
NumPy's global generator with 1).
"""
import numpy as np

from ..dataset import ArrayDataset
from ..errors import DataFormatError
from ._source import check_split, load_int_csv, override, package_file

__all__ = ["load_digits", "Digits", "N_TRAIN"]

N_TRAIN = 1437
_WHAT = "scikit-learn digits (DS-02)"


def load_digits(split="all", size=8, path=None):
    """(images float32 N×size×size in [0, 1], labels int64 N); ``size`` 8, 28 or 32."""
    check_split(split)
    if size not in (8, 28, 32):
        raise ValueError(f"load_digits: size must be 8, 28 or 32, got {size}")
    path = path or override("DIGITS") or package_file(
        "sklearn", "datasets", "data", "digits.csv.gz", what=_WHAT)
    arr = load_int_csv(path, 65, _WHAT)
    pixels, labels = arr[:, :64], arr[:, 64]
    if pixels.min(initial=0) < 0 or pixels.max(initial=0) > 16 or labels.min(initial=0) < 0 \
            or labels.max(initial=0) > 9:
        raise DataFormatError(f"{_WHAT}: {path} has pixel values outside 0..16 or labels "
                              "outside 0..9")
    x = pixels.reshape(-1, 8, 8).astype(np.float32) / np.float32(16)
    if size != 8:
        from scipy.ndimage import zoom

        x = zoom(x, (1, 2.5, 2.5), order=1).clip(0, 1).astype(np.float32)      # 20×20
        p = (size - 20) // 2
        x = np.pad(x, ((0, 0), (p, p), (p, p)))
    if split != "all":
        perm = np.random.RandomState(1).permutation(len(x))
        idx = perm[:N_TRAIN] if split == "train" else perm[N_TRAIN:]
        x, labels = x[idx], labels[idx]
    return x, labels


class Digits(ArrayDataset):
    def __init__(self, split="all", size=8, transform=None, target_transform=None, path=None):
        super().__init__(*load_digits(split, size, path), transform=transform,
                         target_transform=target_transform)
