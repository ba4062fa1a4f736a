"""Dataset, DataLoader (seeded order, resumable state), collation, splits and transforms."""
import numpy as np
import pytest

import minigrad as mg
from minigrad.data import (ArrayDataset, ConcatDataset, DataLoader, Dataset, Subset,
                           TensorDataset, default_collate, random_split, transforms as T)


def _xy(n=10):
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n) % 3
    return x, y


class Squares(Dataset):
    def __len__(self):
        return 7

    def __getitem__(self, i):
        return {"x": np.full(2, i, np.float32), "i": i, "name": f"s{i}"}


def test_tensor_dataset_items_and_length():
    x, y = _xy()
    ds = TensorDataset(mg.tensor(x), mg.tensor(y))
    assert len(ds) == 10
    xi, yi = ds[4]
    np.testing.assert_array_equal(xi.numpy(), x[4])
    assert yi.item() == 1
    with pytest.raises(ValueError, match="same first dimension"):
        TensorDataset(mg.zeros(3, 2), mg.zeros(4))


def test_loader_batches_cover_dataset_in_order_without_shuffle():
    x, y = _xy(10)
    loader = DataLoader(TensorDataset(x, y), batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 and [len(b[0]) for b in batches] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate([b[0].numpy() for b in batches]), x)
    assert batches[0][1].dtype == np.int64
    assert len(DataLoader(TensorDataset(x, y), batch_size=4, drop_last=True)) == 2
    assert [len(b[0]) for b in DataLoader(TensorDataset(x, y), batch_size=4, drop_last=True)] == [4, 4]


def test_shuffle_is_a_seeded_permutation_per_epoch():
    x, y = _xy(10)
    a = DataLoader(TensorDataset(x, y), batch_size=3, shuffle=True, seed=7)
    b = DataLoader(TensorDataset(x, y), batch_size=3, shuffle=True, seed=7)
    e0 = np.concatenate([bx[1].numpy() for bx in a])
    e1 = np.concatenate([bx[1].numpy() for bx in a])
    assert sorted(np.concatenate([bx[0].numpy()[:, 0] for bx in b]) // 3) == list(range(10))
    f1 = np.concatenate([bx[1].numpy() for bx in b])
    np.testing.assert_array_equal(e1, f1)            # same seed, same epoch -> same order
    assert not np.array_equal(a.order(0), a.order(1))
    np.testing.assert_array_equal(a.order(0), DataLoader(TensorDataset(x, y), shuffle=True,
                                                         seed=7).order(0))
    assert len(e0) == 10


def test_default_seed_follows_manual_seed():
    x, y = _xy(20)
    mg.manual_seed(3)
    s1 = DataLoader(TensorDataset(x, y), shuffle=True).seed
    mg.manual_seed(3)
    s2 = DataLoader(TensorDataset(x, y), shuffle=True).seed
    assert s1 == s2


def test_state_dict_resumes_mid_epoch_with_identical_batches():
    x, y = _xy(23)
    ref = DataLoader(TensorDataset(x, y), batch_size=4, shuffle=True, seed=1)
    expected = [b[0].numpy() for _ in range(2) for b in ref]       # two epochs
    run = DataLoader(TensorDataset(x, y), batch_size=4, shuffle=True, seed=1)
    got = []
    it = iter(run)
    for _ in range(3):
        got.append(next(it)[0].numpy())
    state = run.state_dict()
    assert state == {"seed": 1, "epoch": 0, "batch": 3}
    resumed = DataLoader(TensorDataset(x, y), batch_size=4, shuffle=True, seed=99)
    resumed.load_state_dict(state)
    got += [b[0].numpy() for b in resumed]
    assert resumed.state_dict() == {"seed": 1, "epoch": 1, "batch": 0}
    got += [b[0].numpy() for b in resumed]
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, e)


def test_abandoned_iteration_moves_to_next_epoch():
    x, y = _xy(12)
    loader = DataLoader(TensorDataset(x, y), batch_size=4, shuffle=True, seed=0)
    next(iter(loader))
    first = next(iter(loader))[1].numpy()
    np.testing.assert_array_equal(first, y[loader.order(1)[:4]])
    assert loader.epoch == 1


def test_collate_dicts_ints_strings_and_custom_collate():
    loader = DataLoader(Squares(), batch_size=3)
    b = next(iter(loader))
    assert b["x"].shape == (3, 2) and b["i"].dtype == np.int64 and b["name"] == ["s0", "s1", "s2"]
    assert default_collate([1.5, 2.5]).dtype == np.float64
    assert default_collate([(np.zeros(2), 1)] * 2)[0].shape == (2, 2)
    custom = DataLoader(Squares(), batch_size=2, collate_fn=lambda s: len(s))
    assert list(custom) == [2, 2, 2, 1]
    with pytest.raises(TypeError, match="collate_fn"):
        default_collate([object()])


def test_array_dataset_transforms_and_vectorised_fetch_agree():
    x, y = _xy(8)
    plain = DataLoader(ArrayDataset(x, y), batch_size=8)
    assert ArrayDataset(x, y).batchable
    viaitems = DataLoader(ArrayDataset(x, y, transform=lambda a: a * 2,
                                       target_transform=lambda t: t + 1), batch_size=8)
    (px, py), = list(plain)
    (tx, ty), = list(viaitems)
    np.testing.assert_array_equal(tx.numpy(), 2 * px.numpy())
    np.testing.assert_array_equal(ty.numpy(), py.numpy() + 1)


def test_random_split_disjoint_deterministic_fractions_and_stratified():
    x, y = _xy(30)
    ds = TensorDataset(x, y)
    a, b = random_split(ds, [20, 10], seed=0)
    assert len(a) == 20 and len(b) == 10
    assert not set(a.indices) & set(b.indices)
    a2, _ = random_split(ds, [20, 10], seed=0)
    np.testing.assert_array_equal(a.indices, a2.indices)
    parts = random_split(ds, [0.5, 0.3, 0.2], seed=1)
    assert [len(p) for p in parts] == [15, 9, 6]
    tr, te = random_split(ds, [21, 9], seed=0, stratify=True)
    assert np.bincount(y[te.indices]).tolist() == [3, 3, 3]
    # a Subset of an array dataset still fetches vectorised
    xb, yb = next(iter(DataLoader(te, batch_size=9)))
    np.testing.assert_array_equal(yb.numpy(), y[te.indices])
    with pytest.raises(ValueError, match="sum to the dataset length"):
        random_split(ds, [10, 10])


def test_subset_and_concat():
    x, y = _xy(5)
    ds = ConcatDataset([TensorDataset(x, y), TensorDataset(x + 100, y)])
    assert len(ds) == 10 and ds[7][0].numpy()[0] == x[2, 0] + 100 and ds[-1][0].numpy()[0] == x[4, 0] + 100
    assert Subset(ds, [9, 0])[0][0].numpy()[0] == x[4, 0] + 100
    with pytest.raises(IndexError):
        ds[10]


def test_device_option_moves_batches():
    x, y = _xy(4)
    b = next(iter(DataLoader(TensorDataset(x, y), batch_size=2, device="cpu")))
    assert b[0].device == "cpu"


# ---------------------------------------------------------------------------- transforms
def test_to_tensor_layouts_and_scaling():
    img = np.arange(12, dtype=np.uint8).reshape(2, 2, 3)
    t = T.to_tensor(img)
    assert t.shape == (3, 2, 2) and t.dtype == np.float32
    np.testing.assert_allclose(t.numpy()[1], img[..., 1] / 255, rtol=1e-6)
    assert T.to_tensor(np.zeros((5, 4), np.uint8)).shape == (1, 5, 4)
    assert T.to_tensor(np.zeros((7, 5, 4), np.uint8), batch=True).shape == (7, 1, 5, 4)
    with pytest.raises(ValueError, match="H×W"):
        T.to_tensor(np.zeros(5))


def test_normalize_matches_torchvision_formula():
    x = np.random.default_rng(0).random((2, 3, 4, 4)).astype(np.float32)
    out = T.normalize(x, [0.1, 0.2, 0.3], [0.5, 0.25, 2.0])
    ref = (x - np.array([0.1, 0.2, 0.3], np.float32)[:, None, None]) / \
        np.array([0.5, 0.25, 2.0], np.float32)[:, None, None]
    np.testing.assert_allclose(out, ref, rtol=1e-6)
    assert isinstance(T.Normalize(0.5, 0.5)(mg.tensor(x)), mg.Tensor)
    with pytest.raises(ValueError, match="non-zero"):
        T.normalize(x, 0, 0)


def test_one_hot():
    oh = T.one_hot(np.array([2, 0]), 3)
    np.testing.assert_array_equal(oh, [[0, 0, 1], [1, 0, 0]])
    assert isinstance(T.one_hot(mg.tensor([1]), 2), mg.Tensor)
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        T.one_hot(np.array([3]), 3)
    with pytest.raises(TypeError):
        T.one_hot(np.array([0.5]), 3)


def test_flip_pad_crop_translate():
    a = np.arange(16).reshape(4, 4)
    np.testing.assert_array_equal(T.hflip(a), a[:, ::-1])
    np.testing.assert_array_equal(T.vflip(a), a[::-1])
    p = T.pad(a, 1, value=-1)
    assert p.shape == (6, 6) and p[0, 0] == -1 and p[1, 1] == 0
    np.testing.assert_array_equal(T.crop(a, 1, 2, 2, 2), [[6, 7], [10, 11]])
    s = T.translate(a, 1, -1)
    np.testing.assert_array_equal(s[1:, :3], a[:3, 1:])
    assert (s[0] == 0).all() and (s[:, 3] == 0).all()
    with pytest.raises(ValueError, match="exceeds"):
        T.crop(a, 3, 3, 2, 2)


def test_random_transforms_are_reproducible_per_sample_and_keep_shape():
    batch = np.random.default_rng(0).random((16, 1, 6, 6)).astype(np.float32)
    tr = T.Compose([T.RandomCrop(6, padding=2), T.RandomHorizontalFlip(), T.RandomTranslate(1)])
    out1 = tr(batch, np.random.default_rng(5))
    out2 = tr(batch, np.random.default_rng(5))
    assert out1.shape == batch.shape
    np.testing.assert_array_equal(out1, out2)
    assert not np.array_equal(out1, tr(batch, np.random.default_rng(6)))
    flips = T.RandomHorizontalFlip(p=1.0)(batch)
    np.testing.assert_array_equal(flips, batch[..., ::-1])
    mg.manual_seed(1)
    a = T.RandomVerticalFlip()(batch)
    mg.manual_seed(1)
    np.testing.assert_array_equal(a, T.RandomVerticalFlip()(batch))


def test_loader_transform_gets_resumable_per_batch_rng():
    x = np.random.default_rng(0).random((10, 1, 5, 5)).astype(np.float32)
    y = np.arange(10)
    make = lambda: DataLoader(TensorDataset(x, y), batch_size=4, shuffle=True, seed=2,  # noqa: E731
                              transform=T.RandomCrop(5, padding=1))
    full = [b[0].numpy() for b in make()]
    part = make()
    it = iter(part)
    next(it)
    resumed = make()
    resumed.load_state_dict(part.state_dict())
    rest = [b[0].numpy() for b in resumed]
    for g, e in zip(rest, full[1:]):
        np.testing.assert_array_equal(g, e)


def test_resize_matches_pillow_and_nearest_keeps_labels():
    from PIL import Image

    img = (np.random.default_rng(0).random((3, 10, 8)) * 255).astype(np.uint8)
    out = T.resize(img, (5, 7))
    assert out.shape == (3, 5, 7) and out.dtype == np.uint8
    ref = np.asarray(Image.fromarray(img[1]).resize((7, 5), Image.BILINEAR))
    np.testing.assert_array_equal(out[1], ref)
    f = T.Resize(20)(img.astype(np.float64) / 255)
    assert f.shape == (3, 20, 20) and f.dtype == np.float64
    mask = np.random.default_rng(1).integers(0, 4, (9, 9)).astype(np.uint8)
    assert set(np.unique(T.resize(mask, 17, "nearest"))) <= set(np.unique(mask))
    with pytest.raises(ValueError, match="interpolation"):
        T.resize(img, 4, "cubic-ish")


def test_sampling_with_replacement_is_seeded_and_sized():
    x, y = _xy(10)
    loader = DataLoader(TensorDataset(x, y), batch_size=4, replacement=True, num_samples=30, seed=3)
    assert len(loader) == 8
    e0 = np.concatenate([b[1].numpy() for b in loader])
    assert len(e0) == 30 and np.bincount(loader.order(0)).max() > 1     # repeats: replacement
    again = DataLoader(TensorDataset(x, y), batch_size=4, replacement=True, num_samples=30, seed=3)
    np.testing.assert_array_equal(again.order(0), loader.order(0))
    assert not np.array_equal(loader.order(0), loader.order(1))
    assert (loader.order(0) < 10).all()
    with pytest.raises(ValueError, match="replacement"):
        DataLoader(TensorDataset(x, y), num_samples=5)


def test_validation_split_takes_the_last_fraction_before_shuffling():
    from minigrad.data import validation_split

    x, y = _xy(10)
    train, val = validation_split(TensorDataset(x, y), 0.2)
    assert train.indices.tolist() == list(range(8)) and val.indices.tolist() == [8, 9]
    with pytest.raises(ValueError):
        validation_split(TensorDataset(x, y), 1.0)
