"""Book classifiers V-01 … V-16 (specs/zoo-vision.md), one module per family:

==================================  ==========================================================
module                              models
==================================  ==========================================================
``softmax_regression``              V-01 softmax regression, V-02 with checkpointing
``mlp``                             V-03 … V-06 five-layer MLP recipes, V-07 with batch norm
``fashion_dfn``                     V-08 / V-09 Fashion-MNIST feed-forward nets
``book_cnns``                       V-10 MNIST CNN, V-14 3-class 64×64 CNN, V-15 CIFAR-10 CNN,
                                    V-16 toy binary CNN
``slide_cnns``                      V-11 … V-13 slide CNNs
==================================  ==========================================================

``entries`` holds the zoo table (constructor arguments of the ``book`` and ``tiny`` presets and
the training recipes) that ``models.zoo`` adopts; ``_book`` the shared base class, initialisers
and losses. Build one with ``models.zoo.build("V-10", config="tiny")``.
"""
from .book_cnns import CifarCNN, MnistCNN, PoolCNN, ThreeClassCNN, ToyBinaryCNN  # noqa: F401
from .fashion_dfn import FashionDFN, FashionDFNKeras  # noqa: F401
from .mlp import BatchNormMLP, FiveLayerMLP  # noqa: F401
from .slide_cnns import SlideCNN  # noqa: F401
from .softmax_regression import (CheckpointedSoftmaxRegression, SoftmaxRegression,  # noqa: F401
                                 checkpoint_demo)
