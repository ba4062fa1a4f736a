"""DS-11 three-class textures: the stand-in for PDL Listing 3-7's Kaggle cervical-type images
(V-14), cut from real scikit-image photos (``pip install scikit-image``; DS-06).

Class k ∈ {0 brick, 1 grass, 2 gravel} comes from the 512×512 grayscale image of that name.
Each sample (specs/data.md DS-11): a random 128×128 crop → 64×64 bilinear (at an exact factor of
2 with half-pixel centres, bilinear is the mean of each 2×2 block) → a random horizontal flip and
a random multiple of 90° rotation → a random per-channel tint U(0.8, 1.2) of the grey image
replicated to 3 channels → uint8. Training crops come from the top three quarters of each
source (rows 0–383), test crops from the bottom quarter (rows 384–511): no pixel is shared.

``make_textures(n_per_class, seed, split)`` returns ``(x uint8 [N, 3, 64, 64], y int64 [N])``
(labels cycle, then shuffled). ``load_textures(split, config)`` returns ``(images, labels)`` of
``split`` in train / test: ``"book"`` 1,500 / 300 per class, ``"tiny"`` 100 / 30.
"""
import importlib.util

import numpy as np

from ..errors import DataSourceMissing
from ._source import INSTALL, check_split

__all__ = ["TEXTURE_CLASSES", "make_textures", "load_textures", "SIZES"]

TEXTURE_CLASSES = ["brick", "grass", "gravel"]
SIZES = {"book": (1500, 300), "tiny": (100, 30)}
_SPLIT_ROW = 384


def _sources():
    if importlib.util.find_spec("skimage") is None:
        raise DataSourceMissing("DS-11 textures need scikit-image's bundled images. Install "
                                f"it with:\n    {INSTALL['skimage']}")
    from skimage import data
    return [np.asarray(getattr(data, name)(), np.float64) for name in TEXTURE_CLASSES]


def make_textures(n_per_class, seed, split="train", out_dir=None):
    """``n_per_class`` samples per class from the ``split`` region ("train" or "test"):
    ``(x uint8 [3·n, 3, 64, 64], y int64 [3·n])``. With ``out_dir``, also saved as
    ``out_dir/textures_<split>.npz`` (arrays ``x``, ``y``)."""
    if split not in ("train", "test"):
        raise ValueError(f"make_textures: split must be 'train' or 'test', got {split!r}")
    rng = np.random.Generator(np.random.PCG64(seed))
    srcs = _sources()
    labels = rng.permutation(np.arange(3 * n_per_class) % 3)
    out = np.empty((len(labels), 3, 64, 64), np.uint8)
    for i, k in enumerate(labels):
        img = srcs[k]
        lo, hi = (0, _SPLIT_ROW - 128) if split == "train" else (_SPLIT_ROW, img.shape[0] - 128)
        r = int(rng.integers(lo, hi + 1))
        c = int(rng.integers(0, img.shape[1] - 128 + 1))
        crop = img[r:r + 128, c:c + 128].reshape(64, 2, 64, 2).mean(axis=(1, 3))
        if rng.random() < 0.5:
            crop = crop[:, ::-1]
        crop = np.rot90(crop, int(rng.integers(0, 4)))
        tint = rng.uniform(0.8, 1.2, 3)
        out[i] = np.clip(np.rint(crop[None] * tint[:, None, None]), 0, 255).astype(np.uint8)
    y = labels.astype(np.int64)
    if out_dir is not None:
        import os
        os.makedirs(out_dir, exist_ok=True)
        np.savez_compressed(os.path.join(out_dir, f"textures_{split}.npz"), x=out, y=y)
    return out, y


def load_textures(split="train", config="book", seed=0):
    """``(images, labels)`` of the DS-11 stand-in's ``split`` at ``config`` size."""
    check_split(split, ("train", "test"))
    if config not in SIZES:
        raise ValueError(f"load_textures: config must be one of {sorted(SIZES)}, got {config!r}")
    n = SIZES[config][split == "test"]
    return make_textures(n, seed + (split == "test"), split)
