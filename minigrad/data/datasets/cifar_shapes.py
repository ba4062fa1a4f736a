"""DS-10 CIFAR-format shapes: a synthetic, seeded stand-in for CIFAR-10, written as real CIFAR
pickles so the CIFAR loader is exercised (and real ``cifar-10-batches-py`` files work unchanged).

Ten classes of one foreground object on a noisy colour-gradient background, 32×32×3 uint8:

    0 disk  1 square  2 triangle  3 ring  4 cross  5 horizontal stripes  6 vertical stripes
    7 checkerboard patch  8 diagonal stripes  9 two small disks

Rendering (specs/data.md DS-10): background = linear gradient between two random colours along a
random direction + Gaussian noise σ 10; foreground colour random with luminance contrast ≥ 60
against the background's mean; object scale 8–20 px at a random position fully inside the image,
random rotation where meaningful; antialiased by 4× supersampling (coverage = mean of a 4×4 block
of sub-pixel hits); classes balanced (labels cycle 0..9, then shuffled).

File layout (``write_cifar_batches``): ``cifar-10-batches-py/data_batch_1 … data_batch_5``,
``test_batch``, ``batches.meta``; each batch a protocol-2 pickle of ``{b"batch_label",
b"labels", b"data" (uint8 [N, 3072]: R plane, G plane, B plane, row-major), b"filenames"}``.
``read_cifar_batch`` un-pickles through a restricted unpickler (plain containers, strings, bytes,
numbers and NumPy array reconstruction only) and accepts both ``str`` keys (Python-2 pickles
loaded as latin-1, the real CIFAR files) and ``bytes`` keys.

``load_cifar10(split, config)`` returns ``(images uint8 [N, 3, 32, 32], labels int64 [N])`` for
``split`` in train / test: from ``$MINIGRAD_DATA_CIFAR10`` (a directory holding the real
``cifar-10-batches-py`` files, or that folder itself) when set, otherwise from stand-in files
generated once into the cache directory (``$MINIGRAD_CACHE``, default ``~/.cache/minigrad``).
Sizes: ``config="book"`` 5 × 10,000 train + 10,000 test; ``"tiny"`` 5 × 200 + 200.
"""
import io
import os
import pickle
import tempfile

import numpy as np

from ..errors import DataFormatError, DataSourceMissing
from ._source import check_split, override

__all__ = ["CIFAR_LABEL_NAMES", "SHAPE_NAMES", "make_cifar_shapes", "write_cifar_batches",
           "read_cifar_batch", "read_cifar_dir", "load_cifar10", "cache_dir"]

CIFAR_LABEL_NAMES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
                     "ship", "truck"]
SHAPE_NAMES = ["disk", "square", "triangle", "ring", "cross", "horizontal stripes",
               "vertical stripes", "checkerboard patch", "diagonal stripes", "two small disks"]
SIZES = {"book": (10000, 10000), "tiny": (200, 200)}   # per train batch (×5), test
_SS = 4                                               # supersampling factor
_LUMA = np.array([0.299, 0.587, 0.114])


def cache_dir():
    """Where generated stand-in files live: ``$MINIGRAD_CACHE`` or ``~/.cache/minigrad``."""
    return os.environ.get("MINIGRAD_CACHE") or os.path.join(os.path.expanduser("~"), ".cache",
                                                            "minigrad")


# ------------------------------------------------------------------------------ rendering
def _shape_mask(label, u, v, s):
    """Boolean hits of class ``label`` at object-frame coordinates (u, v) (pixels, centred on the
    object, already rotated), object scale ``s`` pixels."""
    r = s / 2.0
    if label == 0:                                    # disk
        return u * u + v * v <= r * r
    if label == 1:                                    # square
        return (np.abs(u) <= r) & (np.abs(v) <= r)
    if label == 2:                                    # equilateral triangle, circumradius r
        a = np.array([np.pi / 2, np.pi / 2 + 2 * np.pi / 3, np.pi / 2 + 4 * np.pi / 3])
        inside = np.ones(u.shape, bool)
        for t in a + np.pi / 3:                       # edge normals point between vertices
            inside &= u * np.cos(t) + v * np.sin(t) <= r / 2
        return inside
    if label == 3:                                    # ring
        d2 = u * u + v * v
        return (d2 <= r * r) & (d2 >= (0.55 * r) ** 2)
    if label == 4:                                    # cross
        w = max(r / 3.0, 1.0)
        return ((np.abs(u) <= r) & (np.abs(v) <= w)) | ((np.abs(v) <= r) & (np.abs(u) <= w))
    patch = (np.abs(u) <= r) & (np.abs(v) <= r)
    period = max(s / 3.0, 3.0)
    if label == 5:                                    # horizontal stripes (vary along y)
        return patch & (np.floor((v + r) / (period / 2)) % 2 == 0)
    if label == 6:                                    # vertical stripes
        return patch & (np.floor((u + r) / (period / 2)) % 2 == 0)
    if label == 7:                                    # checkerboard
        c = max(s / 4.0, 2.0)
        return patch & ((np.floor((u + r) / c) + np.floor((v + r) / c)) % 2 == 0)
    if label == 8:                                    # diagonal stripes
        return patch & (np.floor((u + v + 2 * r) / (period / 2 * np.sqrt(2))) % 2 == 0)
    # 9: two small disks side by side
    rr = r * 0.42
    return ((u - r * 0.55) ** 2 + v * v <= rr * rr) | ((u + r * 0.55) ** 2 + v * v <= rr * rr)


_ROTATES = {0: False, 1: True, 2: True, 3: False, 4: True, 5: False, 6: False, 7: True, 8: False,
            9: True}


def _render(label, rng, size=32):
    """One H×W×3 uint8 image of class ``label``."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    c0, c1 = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
    theta = rng.uniform(0, 2 * np.pi)
    t = ((xx - size / 2) * np.cos(theta) + (yy - size / 2) * np.sin(theta)) / size + 0.5
    t = np.clip(t, 0, 1)[..., None]
    bg = c0 * (1 - t) + c1 * t
    bg_luma = float((0.5 * (c0 + c1)) @ _LUMA)
    while True:
        fg = rng.uniform(0, 255, 3)
        if abs(float(fg @ _LUMA) - bg_luma) >= 60:
            break
    s = rng.uniform(8, 20)
    half = s / 2 * (np.sqrt(2) if _ROTATES[label] or label in (5, 6, 7, 8) else 1.0)
    half = min(half, size / 2 - 0.5)
    cx, cy = rng.uniform(half, size - half), rng.uniform(half, size - half)
    angle = rng.uniform(0, 2 * np.pi) if _ROTATES[label] else 0.0
    sub = (np.arange(size * _SS) + 0.5) / _SS
    sy, sx = np.meshgrid(sub, sub, indexing="ij")
    dx, dy = sx - cx, sy - cy
    ca, sa = np.cos(angle), np.sin(angle)
    u, v = ca * dx + sa * dy, -sa * dx + ca * dy
    hits = _shape_mask(label, u, v, s).astype(np.float64)
    alpha = hits.reshape(size, _SS, size, _SS).mean(axis=(1, 3))[..., None]
    img = bg * (1 - alpha) + fg * alpha + rng.normal(0, 10, (size, size, 3))
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def make_cifar_shapes(n, seed, out_dir=None):
    """``n`` balanced images: ``(x uint8 [n, 3, 32, 32], y int64 [n])``; with ``out_dir`` also
    written as one CIFAR batch file ``out_dir/data_batch`` (see :func:`write_cifar_batches` for
    the whole ``cifar-10-batches-py`` folder)."""
    rng = np.random.Generator(np.random.PCG64(seed))
    labels = rng.permutation(np.arange(n) % 10)
    x = np.stack([_render(int(k), rng) for k in labels]) if n else np.zeros((0, 32, 32, 3),
                                                                            np.uint8)
    x = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
    y = labels.astype(np.int64)
    if out_dir is not None:
        os.makedirs(out_dir, exist_ok=True)
        _write_batch(os.path.join(out_dir, "data_batch"), x, y, "stand-in batch")
    return x, y


# ------------------------------------------------------------------------------ file format
def _atomic_write(path, payload):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(payload)
    os.replace(tmp, path)


def _write_batch(path, x, y, batch_label):
    d = {b"batch_label": batch_label.encode(), b"labels": [int(k) for k in y],
         b"data": np.ascontiguousarray(x, np.uint8).reshape(len(x), 3072),
         b"filenames": [f"shape_{i:06d}_{SHAPE_NAMES[int(k)].replace(' ', '_')}.png".encode()
                        for i, k in enumerate(y)]}
    _atomic_write(path, pickle.dumps(d, protocol=2))


def write_cifar_batches(root, train, test):
    """Write ``root/cifar-10-batches-py/`` from ``train = (x, y)`` (split evenly into 5 batches)
    and ``test = (x, y)``; images NCHW uint8. Returns the folder path."""
    folder = os.path.join(root, "cifar-10-batches-py")
    os.makedirs(folder, exist_ok=True)
    xs, ys = np.array_split(train[0], 5), np.array_split(train[1], 5)
    for i, (xb, yb) in enumerate(zip(xs, ys), 1):
        _write_batch(os.path.join(folder, f"data_batch_{i}"), xb, yb,
                     f"training batch {i} of 5")
    _write_batch(os.path.join(folder, "test_batch"), test[0], test[1], "testing batch 1 of 1")
    meta = {b"label_names": [n.encode() for n in CIFAR_LABEL_NAMES],
            b"num_cases_per_batch": len(xs[0]), b"num_vis": 3072}
    _atomic_write(os.path.join(folder, "batches.meta"), pickle.dumps(meta, protocol=2))
    return folder


_ALLOWED = {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
            ("numpy", "ndarray"), ("numpy", "dtype"), ("_codecs", "encode"),
            ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar")}


class _RestrictedUnpickler(pickle.Unpickler):
    """Admits plain containers, strings, bytes, numbers and NumPy array reconstruction only."""

    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"CIFAR loader: refusing to load global {module}.{name} "
                                     "(only NumPy arrays and plain containers are allowed)")


def read_cifar_batch(path):
    """``(x uint8 [N, 3, 32, 32], y int64 [N])`` from one CIFAR batch pickle."""
    with open(path, "rb") as f:
        raw = f.read()
    try:
        d = _RestrictedUnpickler(io.BytesIO(raw), encoding="latin1").load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as e:
        raise DataFormatError(f"{path}: not a readable CIFAR batch ({e})") from None
    if not isinstance(d, dict):
        raise DataFormatError(f"{path}: a CIFAR batch is a dict, got {type(d).__name__}")
    d = {(k.decode("latin1") if isinstance(k, bytes) else k): v for k, v in d.items()}
    if "data" not in d or "labels" not in d:
        raise DataFormatError(f"{path}: CIFAR batch without 'data'/'labels' keys "
                              f"(keys: {sorted(d)})")
    data = np.asarray(d["data"], np.uint8)
    labels = np.asarray(d["labels"], np.int64)
    if data.ndim != 2 or data.shape[1] != 3072 or len(labels) != len(data):
        raise DataFormatError(f"{path}: expected data [N, 3072] and N labels, got data "
                              f"{data.shape} and {len(labels)} labels")
    return data.reshape(-1, 3, 32, 32), labels


def read_cifar_dir(folder):
    """``(x_train, y_train), (x_test, y_test)`` from a ``cifar-10-batches-py`` folder."""
    parts = [read_cifar_batch(os.path.join(folder, f"data_batch_{i}")) for i in range(1, 6)]
    train = (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]))
    return train, read_cifar_batch(os.path.join(folder, "test_batch"))


def _find_real(root):
    for cand in (root, os.path.join(root, "cifar-10-batches-py")):
        if os.path.isfile(os.path.join(cand, "data_batch_1")):
            return cand
    raise DataSourceMissing(f"MINIGRAD_DATA_CIFAR10={root!r} holds no cifar-10-batches-py files "
                            "(expected data_batch_1 … data_batch_5 and test_batch); unset it to "
                            "use the synthetic DS-10 stand-in")


def load_cifar10(split="train", config="book", seed=0):
    """``(images, labels)`` of ``split`` ("train": the 5 data batches, "test": test_batch): real
    CIFAR-10 from ``$MINIGRAD_DATA_CIFAR10`` when set, else the DS-10 stand-in (generated once
    into :func:`cache_dir`, then read back through the CIFAR pickle loader)."""
    check_split(split, ("train", "test"))
    real = override("CIFAR10")
    if real:
        train, test = read_cifar_dir(_find_real(real))
        return train if split == "train" else test
    if config not in SIZES:
        raise ValueError(f"load_cifar10: config must be one of {sorted(SIZES)}, got {config!r}")
    per_batch, n_test = SIZES[config]
    root = os.path.join(cache_dir(), f"ds10-cifar-shapes-{config}-seed{seed}")
    folder = os.path.join(root, "cifar-10-batches-py")
    if not os.path.isfile(os.path.join(folder, "batches.meta")):
        train = make_cifar_shapes(5 * per_batch, seed)
        test = make_cifar_shapes(n_test, seed + 1)
        write_cifar_batches(root, train, test)
    train, test = read_cifar_dir(folder)
    return train if split == "train" else test
