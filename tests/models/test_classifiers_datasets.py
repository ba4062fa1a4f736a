"""The stand-in datasets of the V-01…V-16 classifiers: DS-10 CIFAR-format shapes, DS-11
textures, DS-12 faces (specs/data.md)."""
import pickle

import numpy as np
import pytest

from minigrad.data.datasets import cifar_shapes
from minigrad.data.errors import DataFormatError


def test_cifar_shapes_deterministic_balanced_and_roundtrip(tmp_path):
    x, y = cifar_shapes.make_cifar_shapes(40, seed=3)
    x2, y2 = cifar_shapes.make_cifar_shapes(40, seed=3)
    assert x.shape == (40, 3, 32, 32) and x.dtype == np.uint8 and y.dtype == np.int64
    assert np.array_equal(x, x2) and np.array_equal(y, y2)
    assert np.bincount(y, minlength=10).tolist() == [4] * 10
    folder = cifar_shapes.write_cifar_batches(str(tmp_path), (x, y), (x[:10], y[:10]))
    (xt, yt), (xs, ys) = cifar_shapes.read_cifar_dir(folder)
    assert np.array_equal(xt, x) and np.array_equal(yt, y)
    assert np.array_equal(xs, x[:10])
    # the files are CIFAR-10 pickles as the book reads them (latin-1, bytes keys)
    with open(f"{folder}/data_batch_1", "rb") as f:
        d = pickle.load(f, encoding="latin1")
    assert d[b"data"].shape == (8, 3072) and d[b"data"].dtype == np.uint8
    # the R plane comes first, row-major
    assert np.array_equal(d[b"data"][0, :1024].reshape(32, 32), x[0, 0])


def test_cifar_shapes_classes_differ_from_background():
    x, y = cifar_shapes.make_cifar_shapes(20, seed=0)
    # every image has an object: some pixels far from the smooth background
    spread = x.astype(float).std(axis=(1, 2, 3))
    assert (spread > 10).all()


def test_cifar_reader_refuses_arbitrary_globals(tmp_path):
    path = tmp_path / "evil"
    path.write_bytes(pickle.dumps({"data": np.zeros((1, 3072), np.uint8), "labels": [0],
                                   "x": pickle.Pickler}, protocol=2))
    with pytest.raises(DataFormatError, match="refusing"):
        cifar_shapes.read_cifar_batch(str(path))


def test_cifar_reader_accepts_str_keys(tmp_path):
    path = tmp_path / "b"
    path.write_bytes(pickle.dumps({"data": np.full((2, 3072), 7, np.uint8), "labels": [1, 2]},
                                  protocol=2))
    x, y = cifar_shapes.read_cifar_batch(str(path))
    assert x.shape == (2, 3, 32, 32) and y.tolist() == [1, 2]


def test_textures_split_sizes_and_disjoint_regions():
    pytest.importorskip("skimage")
    from minigrad.data.datasets import textures
    x, y = textures.make_textures(4, seed=0, split="train")
    xt, yt = textures.make_textures(2, seed=1, split="test")
    assert x.shape == (12, 3, 64, 64) and x.dtype == np.uint8
    assert np.bincount(y).tolist() == [4, 4, 4] and np.bincount(yt).tolist() == [2, 2, 2]
    assert np.array_equal(textures.make_textures(4, seed=0, split="train")[0], x)


def test_faces_stratified_split():
    pytest.importorskip("skimage")
    from minigrad.data.datasets import faces
    x, y = faces.load_faces("train")
    xt, yt = faces.load_faces("test")
    assert x.shape == (150, 1, 25, 25) and xt.shape == (50, 1, 25, 25)
    assert y.sum() == 75 and yt.sum() == 25
    # no image in both parts
    flat = {row.tobytes() for row in x.reshape(150, -1)}
    assert not any(row.tobytes() in flat for row in xt.reshape(50, -1))
