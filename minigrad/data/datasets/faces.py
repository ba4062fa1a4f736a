"""DS-12 faces vs non-faces: real images from scikit-image's bundled ``lfw_subset``
(``pip install scikit-image``; DS-06) for PDL ch. 3's toy binary CNN (V-16) and V-25.

``lfw_subset()`` holds 200 grayscale 25×25 float images in [0, 1]: the first 100 are faces
(label 1), the last 100 non-faces (label 0). ``load_faces(split)`` makes the stratified
150 / 50 split (75 / 25 per class, chosen by a seeded permutation within each class) and returns
``(images float32 [N, 1, 25, 25], labels float32 [N])`` of ``split`` in train / test (binary
targets for a sigmoid-BCE loss). ``size=32, channels=3`` gives V-25's variant: bilinear
upsampling to 32×32, tiled to 3 channels.
"""
import importlib.util

import numpy as np

from ..errors import DataSourceMissing
from ._source import INSTALL, check_split

__all__ = ["load_faces"]


def load_faces(split="train", seed=0, size=25, channels=1):
    """One part of the stratified 150/50 split of DS-12; see the module docstring."""
    check_split(split, ("train", "test"))
    if importlib.util.find_spec("skimage") is None:
        raise DataSourceMissing("DS-12 faces need scikit-image's bundled lfw_subset. Install "
                                f"it with:\n    {INSTALL['skimage']}")
    from skimage import data
    x = np.asarray(data.lfw_subset(), np.float32)
    y = np.concatenate([np.ones(100), np.zeros(100)]).astype(np.float32)
    rng = np.random.Generator(np.random.PCG64(seed))
    train, test = [], []
    for cls in (1.0, 0.0):
        idx = rng.permutation(np.flatnonzero(y == cls))
        train.append(idx[:75])
        test.append(idx[75:])
    train = rng.permutation(np.concatenate(train))
    test = rng.permutation(np.concatenate(test))
    idx = train if split == "train" else test
    x, y = x[idx, None], y[idx]
    if size != 25:
        from ..transforms import resize
        x = resize(x, size).astype(np.float32)
    if channels != 1:
        x = np.repeat(x, channels, axis=1)
    return x, y
