"""Image and label transforms: functions (``to_tensor``, ``normalize``, ``one_hot``, ``hflip``,
``crop``, ``pad``, ``translate``, ``resize``) and torchvision-style classes (``Compose``,
``ToTensor``, ``Normalize``, ``RandomHorizontalFlip``, ``RandomCrop``, ...).

Layout convention: every spatial transform works on the **last two axes** (H, W), so it takes a
single image ``H×W``, ``C×H×W`` or a batch ``N×C×H×W`` alike; on a batch, random transforms draw
independent parameters per sample. Inputs may be NumPy arrays or tensors; the result has the
same kind. Random transforms take ``rng`` (a ``numpy.random.Generator``); without one they draw
from minigrad's default CPU generator, so ``minigrad.manual_seed`` and saved RNG states make
them reproducible. Passed to a :class:`~minigrad.data.DataLoader` as ``transform=``, they get a
per-batch generator derived from the loader's seed, epoch and batch index.
"""
import numbers

import numpy as np

from ..backend import get_array_module
from ..random import default_generator
from ..tensor import Tensor

__all__ = ["to_tensor", "normalize", "one_hot", "hflip", "vflip", "pad", "crop", "translate",
           "resize", "Compose", "Lambda", "ToTensor", "Normalize", "OneHot",
           "RandomHorizontalFlip", "RandomVerticalFlip", "RandomCrop", "RandomTranslate",
           "Resize"]


def _unwrap(x):
    return (x.data, True) if isinstance(x, Tensor) else (np.asarray(x) if not hasattr(x, "shape") else x, False)


def _rewrap(arr, was_tensor):
    return Tensor(arr) if was_tensor else arr


def _default_rng(rng):
    return default_generator("cpu").rng if rng is None else rng


def _check_spatial(name, a):
    if a.ndim < 2:
        raise ValueError(f"{name}: expected an image with at least 2 dims (..., H, W), got shape "
                         f"{tuple(a.shape)}")


# ---------------------------------------------------------------------------- functions
def to_tensor(pic, batch=False):
    """An image (``H×W`` or ``H×W×C``; with ``batch=True`` ``N×H×W`` or ``N×H×W×C``) as a float32
    tensor ``C×H×W`` (``N×C×H×W``); uint8 values are divided by 255, floats kept."""
    a, _ = _unwrap(pic)
    a = np.asarray(a)
    base = 3 if batch else 2
    if a.ndim == base:
        a = a[..., None]
    if a.ndim != base + 1:
        raise ValueError(f"to_tensor: expected {'N×' if batch else ''}H×W or "
                         f"{'N×' if batch else ''}H×W×C, got shape {a.shape}")
    a = np.moveaxis(a, -1, -3)
    out = a.astype(np.float32) / np.float32(255) if a.dtype == np.uint8 else a.astype(np.float32)
    return Tensor(np.ascontiguousarray(out))


def normalize(x, mean, std):
    """``(x - mean[c]) / std[c]`` per channel of ``C×H×W`` / ``N×C×H×W`` (scalars: all channels)."""
    a, t = _unwrap(x)
    xp = get_array_module(a)
    mean = xp.asarray(mean, dtype=a.dtype).reshape(-1, 1, 1)
    std = xp.asarray(std, dtype=a.dtype).reshape(-1, 1, 1)
    if a.ndim < 3 and (mean.size > 1 or std.size > 1):
        raise ValueError(f"normalize: per-channel mean/std need C×H×W input, got shape {a.shape}")
    if xp.any(std == 0):
        raise ValueError("normalize: std must be non-zero")
    out = (a - mean) / std
    return _rewrap(out.reshape(a.shape) if a.ndim < 3 else out, t)


def one_hot(labels, num_classes, dtype=np.float32):
    """Integer labels (any shape) → one-hot vectors along a new last axis."""
    a, t = _unwrap(labels)
    xp = get_array_module(a)
    a = xp.asarray(a)
    if a.dtype.kind not in "iub":
        raise TypeError(f"one_hot: labels must be integers, got dtype {a.dtype}")
    if a.size and (int(a.min()) < 0 or int(a.max()) >= num_classes):
        raise ValueError(f"one_hot: labels must lie in [0, {num_classes}), got range "
                         f"[{int(a.min())}, {int(a.max())}]")
    out = (a[..., None] == xp.arange(num_classes)).astype(dtype)
    return _rewrap(out, t)


def hflip(x):
    """Mirror left-right (last axis)."""
    a, t = _unwrap(x)
    _check_spatial("hflip", a)
    return _rewrap(a[..., ::-1].copy(), t)


def vflip(x):
    """Mirror top-bottom (second-to-last axis)."""
    a, t = _unwrap(x)
    _check_spatial("vflip", a)
    return _rewrap(a[..., ::-1, :].copy(), t)


def pad(x, padding, value=0):
    """Pad H and W by ``padding`` (int, (ph, pw) or (top, bottom, left, right)) with ``value``."""
    a, t = _unwrap(x)
    _check_spatial("pad", a)
    if isinstance(padding, numbers.Integral):
        padding = (padding,) * 4
    elif len(padding) == 2:
        padding = (padding[0], padding[0], padding[1], padding[1])
    top, bottom, left, right = (int(p) for p in padding)
    widths = [(0, 0)] * (a.ndim - 2) + [(top, bottom), (left, right)]
    return _rewrap(get_array_module(a).pad(a, widths, constant_values=value), t)


def crop(x, top, left, height, width):
    """The ``height×width`` window whose top-left corner is (top, left)."""
    a, t = _unwrap(x)
    _check_spatial("crop", a)
    H, W = a.shape[-2:]
    if top < 0 or left < 0 or top + height > H or left + width > W:
        raise ValueError(f"crop: window ({top}, {left}, {height}, {width}) exceeds the image "
                         f"size {H}×{W}")
    return _rewrap(a[..., top:top + height, left:left + width].copy(), t)


def translate(x, dy, dx, fill=0):
    """Shift the content by (dy, dx) pixels (down, right), filling uncovered pixels."""
    a, t = _unwrap(x)
    _check_spatial("translate", a)
    H, W = a.shape[-2:]
    out = get_array_module(a).full_like(a, fill)
    dy, dx = int(dy), int(dx)
    if abs(dy) < H and abs(dx) < W:
        out[..., max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = \
            a[..., max(-dy, 0):H + min(-dy, 0), max(-dx, 0):W + min(-dx, 0)]
    return _rewrap(out, t)


def resize(x, size, interpolation="bilinear"):
    """Resize the last two axes to ``size`` = (height, width) (an int: square) with Pillow.

    ``interpolation``: ``"bilinear"`` (images) or ``"nearest"`` (masks, labels). uint8 stays
    uint8; other dtypes are resized as float32 planes and cast back."""
    from PIL import Image

    a, t = _unwrap(x)
    _check_spatial("resize", a)
    if isinstance(size, numbers.Integral):
        size = (size, size)
    h, w = (int(s) for s in size)
    filters = {"bilinear": Image.BILINEAR, "nearest": Image.NEAREST, "bicubic": Image.BICUBIC}
    if interpolation not in filters:
        raise ValueError(f"resize: interpolation must be one of {sorted(filters)}, got "
                         f"{interpolation!r}")
    host = a if isinstance(a, np.ndarray) else a.get()
    planes = host.reshape((-1,) + host.shape[-2:])
    out = np.empty((len(planes), h, w), host.dtype)
    for i, p in enumerate(planes):
        img = Image.fromarray(p if p.dtype == np.uint8 else p.astype(np.float32))
        out[i] = np.asarray(img.resize((w, h), filters[interpolation]))
    out = out.reshape(host.shape[:-2] + (h, w))
    if not isinstance(a, np.ndarray):
        out = get_array_module(a).asarray(out)
    return _rewrap(out, t)


# ---------------------------------------------------------------------------- classes
class Compose:
    """Apply transforms in order; random ones receive the same ``rng``."""

    def __init__(self, transforms):
        self.transforms = list(transforms)

    def __call__(self, x, rng=None):
        for tr in self.transforms:
            x = tr(x, rng) if getattr(tr, "random", False) else tr(x)
        return x

    def __repr__(self):
        return "Compose(" + ", ".join(repr(t) for t in self.transforms) + ")"


class Lambda:
    def __init__(self, fn):
        self.fn = fn

    def __call__(self, x):
        return self.fn(x)


class ToTensor:
    def __init__(self, batch=False):
        self.batch = batch

    def __call__(self, x):
        return to_tensor(x, self.batch)


class Normalize:
    def __init__(self, mean, std):
        self.mean, self.std = mean, std

    def __call__(self, x):
        return normalize(x, self.mean, self.std)


class OneHot:
    def __init__(self, num_classes, dtype=np.float32):
        self.num_classes, self.dtype = num_classes, dtype

    def __call__(self, y):
        return one_hot(y, self.num_classes, self.dtype)


class Resize:
    def __init__(self, size, interpolation="bilinear"):
        self.size, self.interpolation = size, interpolation

    def __call__(self, x):
        return resize(x, self.size, self.interpolation)


class _Random:
    """Base for random transforms: per-sample parameters on a batch ``N×C×H×W``."""
    random = True

    def __call__(self, x, rng=None):
        rng = _default_rng(rng)
        a, t = _unwrap(x)
        _check_spatial(type(self).__name__, a)
        if a.ndim == 4:
            out = a.copy()
            for i in range(a.shape[0]):
                out[i] = self.apply(a[i], rng)
            return _rewrap(out, t)
        return _rewrap(self.apply(a, rng), t)


class RandomHorizontalFlip(_Random):
    def __init__(self, p=0.5):
        self.p = p

    def apply(self, a, rng):
        return hflip(a) if rng.random() < self.p else a


class RandomVerticalFlip(_Random):
    def __init__(self, p=0.5):
        self.p = p

    def apply(self, a, rng):
        return vflip(a) if rng.random() < self.p else a


class RandomCrop(_Random):
    """Pad by ``padding`` with ``fill`` (CIFAR's pad-4-and-crop), then crop ``size`` at a
    uniformly random position."""

    def __init__(self, size, padding=0, fill=0):
        self.size = (size, size) if isinstance(size, numbers.Integral) else tuple(size)
        self.padding, self.fill = padding, fill

    def apply(self, a, rng):
        if self.padding:
            a = pad(a, self.padding, self.fill)
        H, W = a.shape[-2:]
        h, w = self.size
        if h > H or w > W:
            raise ValueError(f"RandomCrop: crop size {h}×{w} exceeds the (padded) image {H}×{W}")
        return crop(a, int(rng.integers(0, H - h + 1)), int(rng.integers(0, W - w + 1)), h, w)


class RandomTranslate(_Random):
    """Shift by a uniform integer offset in [-max_shift, max_shift] pixels per axis
    (a float < 1: that fraction of the size), filling with ``fill``."""

    def __init__(self, max_shift, fill=0):
        self.max_shift, self.fill = max_shift, fill

    def apply(self, a, rng):
        H, W = a.shape[-2:]
        if isinstance(self.max_shift, float) and self.max_shift < 1:
            my, mx = int(round(self.max_shift * H)), int(round(self.max_shift * W))
        else:
            my = mx = int(self.max_shift)
        return translate(a, rng.integers(-my, my + 1), rng.integers(-mx, mx + 1), self.fill)
