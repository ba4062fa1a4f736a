"""DS-03 Fashion-MNIST: the full 70,000 images from the Debian package dataset-fashion-mnist.

Install: ``apt-get update && apt-get install -y dataset-fashion-mnist`` (without root:
``apt-get download dataset-fashion-mnist && dpkg -x dataset-fashion-mnist_*.deb <dir>``, then
pass ``<dir>/usr/share/datasets/fashion-mnist`` as ``path=`` or ``MINIGRAD_DATA_FASHION_MNIST``).
Files: ``train-images-idx3-ubyte.gz`` etc. in IDX format (see :mod:`minigrad.data.idx`):
60,000 train and 10,000 test images, 28×28 uint8, 10 classes. Licence: MIT (Zalando Research).
"""
from ..dataset import ArrayDataset
from ._source import INSTALL, check_split, load_idx_split, override

__all__ = ["load_fashion_mnist", "FashionMNIST", "CLASSES", "DEFAULT_DIR"]

DEFAULT_DIR = "/usr/share/datasets/fashion-mnist"
CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
           "Bag", "Ankle boot")


def load_fashion_mnist(split="train", path=None):
    """(images uint8 N×28×28, labels int64 N); ``path`` is a directory holding the IDX files
    (default ``MINIGRAD_DATA_FASHION_MNIST`` or the Debian location)."""
    check_split(split)
    directory = path or override("FASHION_MNIST") or DEFAULT_DIR
    return load_idx_split(directory, split, "Fashion-MNIST (DS-03)", INSTALL["fashion-mnist"])


class FashionMNIST(ArrayDataset):
    classes = CLASSES

    def __init__(self, split="train", transform=None, target_transform=None, path=None):
        super().__init__(*load_fashion_mnist(split, path), transform=transform,
                         target_transform=target_transform)
