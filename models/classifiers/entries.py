"""The V-01 … V-16 zoo entries: one table that the registry (``models.zoo``), the tests and the
reproduction runs (``benchmarks/reproduce.py``) all read.

Each :class:`Entry` names the model class, its ``book`` and ``tiny`` constructor arguments and
its training recipe (specs/zoo-vision.md): dataset, optimizer, learning-rate schedule, batch size
and length (``steps`` or ``epochs``), batch order. ``tiny`` follows specs/README.md: conv channels
÷8 (min 4), dense widths ÷16 (min 16), ≤ 2k samples, a few steps.

Recipe keys:

* ``data``: ``"mnist"`` (DS-01 real MNIST 5k, 4,000 / 1,000), ``"fashion_mnist"`` (DS-03),
  ``"textures"`` (DS-11), ``"cifar_shapes"`` (DS-10), ``"faces"`` (DS-12);
* ``optimizer``: ``("sgd", lr)`` or ``("adam", lr, eps)`` — Adam with TF's ε placement
  (``eps_mode="tf"``, engine-ops E-9) as the books' TF-1/Keras code runs it;
* ``schedule``: ``None``, ``("exp_floor", lr_min, lr_max, tau)`` (slide form) or
  ``("exp_floor_add", lr_min, amplitude, tau)`` (tutorial form), stepped every iteration;
* ``batch_size``; ``steps`` (iterations, cycling through shuffled epochs) or ``epochs``;
  ``shuffle`` (reshuffle every epoch; False = the book's fixed order); ``drop_last``;
  ``val_split`` (V-08: a 10 % validation part split once with a seed); ``n_train`` and
  ``downsample`` (tiny presets: fewer samples, images reduced by block means).
"""
from dataclasses import dataclass, field

from . import book_cnns, fashion_dfn, mlp, slide_cnns, softmax_regression
from ._book import tiny_conv, tiny_dense

__all__ = ["Entry", "ENTRIES", "get_entry", "build"]


@dataclass
class Entry:
    id: str
    name: str
    source: str
    cls: type
    book: dict
    tiny: dict
    recipe: dict
    tiny_recipe: dict = field(default_factory=dict)

    def build(self, config="book", **overrides):
        """The model with the ``config`` preset's constructor arguments (plus overrides)."""
        if config not in ("book", "tiny"):
            raise ValueError(f"{self.id}: config must be 'book' or 'tiny', got {config!r}")
        return self.cls(**{**(self.book if config == "book" else self.tiny), **overrides})

    def training(self, config="book"):
        """The training recipe of ``config`` (``tiny`` overrides the book recipe's keys)."""
        return dict(self.recipe) if config == "book" else {**self.recipe, **self.tiny_recipe}


_MLP_TINY = tuple([784] + [tiny_dense(n) for n in mlp.MLP_SIZES[1:-1]] + [10])
_ADAM_TF = ("adam", 3e-3, 1e-8)
_DECAY_SLIDES = ("exp_floor", 1e-4, 3e-3, 2000.0)
_MNIST_STEPS = dict(data="mnist", batch_size=100, steps=10000, shuffle=True, drop_last=False)
_TINY_STEPS = dict(steps=30, n_train=1000)


def _slide(kind, **kw):
    (channels, kernels) = slide_cnns.SLIDE_CNNS[kind]
    return dict(channels=channels, kernels=kernels, **kw)


def _slide_tiny(kind, **kw):
    (channels, kernels) = slide_cnns.SLIDE_CNNS[kind]
    return dict(channels=tuple(tiny_conv(c) for c in channels), kernels=kernels,
                dense=tiny_dense(200), **kw)


_LIST = [
    Entry("V-01", "softmax regression", "DLVR class 11 (softmax-regression slides)",
          softmax_regression.SoftmaxRegression, {}, {},
          dict(_MNIST_STEPS, optimizer=("sgd", 0.003), schedule=None), dict(_TINY_STEPS)),
    Entry("V-02", "softmax regression with checkpointing", "PDL ch. 6, Listings 6-6a/6-6b",
          softmax_regression.CheckpointedSoftmaxRegression, {"loss": "softmax_ce"},
          {"loss": "softmax_ce"},
          dict(_MNIST_STEPS, batch_size=256, steps=1000, optimizer=("adam", 1e-3, 1e-8),
               schedule=None, checkpoint_every=100), dict(_TINY_STEPS)),
    Entry("V-03", "five-layer MLP, sigmoid", "DLVR class 11 (five-layer network slides)",
          mlp.FiveLayerMLP, {"activation": "sigmoid"},
          {"activation": "sigmoid", "sizes": _MLP_TINY},
          dict(_MNIST_STEPS, optimizer=_ADAM_TF, schedule=None), dict(_TINY_STEPS)),
    Entry("V-04", "five-layer MLP, ReLU", "DLVR class 11 (recipe summary)",
          mlp.FiveLayerMLP, {"activation": "relu"}, {"activation": "relu", "sizes": _MLP_TINY},
          dict(_MNIST_STEPS, optimizer=_ADAM_TF, schedule=None), dict(_TINY_STEPS)),
    Entry("V-05", "five-layer MLP, ReLU + LR decay", "DLVR class 11 (recipe summary)",
          mlp.FiveLayerMLP, {"activation": "relu"}, {"activation": "relu", "sizes": _MLP_TINY},
          dict(_MNIST_STEPS, optimizer=_ADAM_TF, schedule=_DECAY_SLIDES), dict(_TINY_STEPS)),
    Entry("V-06", "five-layer MLP, ReLU + decay + dropout", "DLVR class 11 (recipe summary)",
          mlp.FiveLayerMLP, {"activation": "relu", "dropout": 0.25},
          {"activation": "relu", "dropout": 0.25, "sizes": _MLP_TINY},
          dict(_MNIST_STEPS, optimizer=_ADAM_TF, schedule=_DECAY_SLIDES), dict(_TINY_STEPS)),
    Entry("V-07", "five-layer MLP with batch norm", "DLVR class 11 (batch-normalisation slides)",
          mlp.BatchNormMLP, {"activation": "sigmoid"},
          {"activation": "sigmoid", "sizes": _MLP_TINY},
          dict(_MNIST_STEPS, optimizer=("adam", 0.0301, 1e-8),
               schedule=("exp_floor_add", 1e-4, 0.03, 1000.0)), dict(_TINY_STEPS)),
    Entry("V-08", "Fashion-MNIST DFN (raw TensorFlow)", "HOA ch. 2, Building our first DFN",
          fashion_dfn.FashionDFN, {}, {"hidden": (tiny_dense(256), tiny_dense(128))},
          dict(data="fashion_mnist", batch_size=64, epochs=20, shuffle=False, drop_last=True,
               val_split=(0.1, 2), optimizer=("adam", 1e-3, 1e-8), schedule=None),
          dict(epochs=1, n_train=1000)),
    Entry("V-09", "Fashion-MNIST DFN (Keras)", "HOA ch. 2, The easy way",
          fashion_dfn.FashionDFNKeras, {}, {"hidden": tiny_dense(512)},
          dict(data="fashion_mnist", batch_size=64, epochs=10, shuffle=True, drop_last=False,
               optimizer=("adam", 1e-3, 1e-7), schedule=None),
          dict(epochs=1, n_train=1000)),
    Entry("V-10", "MNIST CNN", "PDL ch. 3, Listing 3-6",
          book_cnns.MnistCNN, {},
          {"channels": (tiny_conv(64), tiny_conv(128)), "dense": tiny_dense(1024)},
          dict(data="mnist", batch_size=256, epochs=20, shuffle=True, drop_last=True,
               optimizer=("adam", 0.01, 1e-8), schedule=None),
          dict(epochs=1, n_train=1000)),
    Entry("V-11", "slide CNN, small", "DLVR class 11 (convolutional network slides)",
          slide_cnns.SlideCNN, _slide("small"), _slide_tiny("small"),
          dict(_MNIST_STEPS, optimizer=_ADAM_TF, schedule=_DECAY_SLIDES), dict(_TINY_STEPS)),
    Entry("V-12", "slide CNN, bigger + dropout", "DLVR class 11 (bigger network with dropout)",
          slide_cnns.SlideCNN, _slide("bigger", dropout=0.25, output_bias=0.1),
          _slide_tiny("bigger", dropout=0.25, output_bias=0.1),
          dict(_MNIST_STEPS, optimizer=_ADAM_TF, schedule=_DECAY_SLIDES), dict(_TINY_STEPS)),
    Entry("V-13", "slide CNN, batch norm", "DLVR class 11 (batch norm for convolutions)",
          slide_cnns.SlideCNN, _slide("batchnorm", dropout=0.25, batchnorm=True, output_bias=0.1),
          _slide_tiny("batchnorm", dropout=0.25, batchnorm=True, output_bias=0.1),
          dict(_MNIST_STEPS, optimizer=("adam", 0.0201, 1e-8),
               schedule=("exp_floor_add", 1e-4, 0.02, 1600.0)), dict(_TINY_STEPS)),
    Entry("V-14", "three-class 64x64 CNN", "PDL ch. 3, Listing 3-7",
          book_cnns.ThreeClassCNN, {},
          {"channels": tuple(tiny_conv(c) for c in (64, 128, 256)), "dense": tiny_dense(512),
           "input_size": 32},
          dict(data="textures", batch_size=128, epochs=200, shuffle=True, drop_last=False,
               optimizer=("adam", 0.01, 1e-8), schedule=None),
          dict(epochs=2, downsample=2)),
    Entry("V-15", "CIFAR-10 CNN", "HOA ch. 4, Building our first CNN",
          book_cnns.CifarCNN, {},
          {"channels": tuple(tiny_conv(c) for c in (64, 128, 128, 256, 512)),
           "dense": tuple(tiny_dense(d) for d in (1024, 512, 256))},
          dict(data="cifar_shapes", batch_size=128, epochs=20, shuffle=True, drop_last=False,
               optimizer=("adam", 1e-3, 1e-8), schedule=None, seed=2, checkpoint_every_epochs=10),
          dict(epochs=2)),
    Entry("V-16", "toy binary CNN", "PDL ch. 3 (CNN components)",
          book_cnns.ToyBinaryCNN, {}, {"channels": tiny_conv(8), "dense": tiny_dense(32)},
          dict(data="faces", batch_size=20, epochs=30, shuffle=True, drop_last=False,
               optimizer=("adam", 1e-3, 1e-8), schedule=None),
          dict(epochs=2)),
]

ENTRIES = {e.id: e for e in _LIST}


def get_entry(model_id):
    """The :class:`Entry` of ``model_id`` (``"V-10"``; ``"v10"`` and ``"V10"`` accepted)."""
    key = model_id.upper()
    if not key.startswith("V-"):
        key = "V-" + key.lstrip("V")
    key = "V-%02d" % int(key[2:]) if key[2:].isdigit() else key
    if key not in ENTRIES:
        raise KeyError(f"no classifier {model_id!r}; known: {', '.join(ENTRIES)}")
    return ENTRIES[key]


def build(model_id, config="book", **overrides):
    """Shortcut: ``get_entry(model_id).build(config, **overrides)``."""
    return get_entry(model_id).build(config, **overrides)


def load_data(recipe, config="book"):
    """``(x_train, y_train), (x_test, y_test)`` as model-ready NumPy arrays (float32 NCHW images
    scaled to [0, 1]; int64 class labels, float32 0/1 for the binary V-16) for ``recipe``.

    ``n_train`` in the recipe (the ``tiny`` presets) keeps the first n training samples;
    ``val_split=(fraction, seed)`` (V-08) returns ``(train, val, test)`` instead, the validation
    part split once with the seed."""
    import numpy as np

    from minigrad.data import datasets as ds

    data = recipe["data"]
    size = "tiny" if config == "tiny" else "book"
    if data == "mnist":
        parts = [ds.mnist_arrays(s) for s in ("train", "test")]
    elif data == "fashion_mnist":
        parts = []
        for s in ("train", "test"):
            x, y = ds.load_fashion_mnist(s)
            parts.append((x[:, None].astype(np.float32) / np.float32(255), y.astype(np.int64)))
    elif data in ("textures", "cifar_shapes"):
        load = ds.load_textures if data == "textures" else ds.load_cifar10
        parts = []
        for s in ("train", "test"):
            x, y = load(s, config=size)
            parts.append((x.astype(np.float32) / np.float32(255), y.astype(np.int64)))
    elif data == "faces":
        parts = [ds.load_faces(s) for s in ("train", "test")]
    else:
        raise ValueError(f"load_data: unknown dataset {data!r}")
    (x, y), test = parts
    if recipe.get("n_train") and config == "tiny":
        x, y = x[:recipe["n_train"]], y[:recipe["n_train"]]
        test = (test[0][:recipe["n_train"] // 2], test[1][:recipe["n_train"] // 2])
    if recipe.get("downsample"):          # tiny presets at reduced resolution: k×k block means
        k = recipe["downsample"]          # (= bilinear resizing by an exact factor k = 2)
        x, test = _block_mean(x, k), (_block_mean(test[0], k), test[1])
    if recipe.get("val_split"):
        fraction, seed = recipe["val_split"]
        order = np.random.Generator(np.random.PCG64(seed)).permutation(len(x))
        n_val = int(round(fraction * len(x)))
        val, tr = order[:n_val], order[n_val:]
        return (x[tr], y[tr]), (x[val], y[val]), test
    return (x, y), test


def _block_mean(x, k):
    n, c, h, w = x.shape
    return x.reshape(n, c, h // k, k, w // k, k).mean(axis=(3, 5)).astype(x.dtype)
