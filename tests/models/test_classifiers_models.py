"""V-01 … V-16 (models/classifiers): build + forward shapes for both presets, end-to-end float64
gradient checks of every tiny model (inputs and all parameters), agreement with an identical
PyTorch twin, a few training steps on tiny real/stand-in data lowering the loss, and the
book-faithful switches (V-02 loss, V-07/V-13 eps_mode, V-15 conv_init)."""
import sys

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from models.classifiers.entries import ENTRIES, get_entry, load_data

IDS = list(ENTRIES)
INPUT = {"mnist": (1, 28, 28), "fashion_mnist": (1, 28, 28), "textures": (3, 64, 64),
         "cifar_shapes": (3, 32, 32), "faces": (1, 25, 25)}


def _input_shape(entry, config):
    shape = INPUT[entry.recipe["data"]]
    size = (entry.book if config == "book" else entry.tiny).get("input_size", shape[-1])
    return shape[:1] + (size, size)
CLASSES = {"mnist": 10, "fashion_mnist": 10, "textures": 3, "cifar_shapes": 10, "faces": 1}


def _batch(entry, n=4, seed=0, dtype=np.float64, config="tiny"):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, (n,) + _input_shape(entry, config)).astype(dtype)
    if entry.cls.binary:
        y = (np.arange(n) % 2).astype(dtype)
    else:
        y = (np.arange(n) * 3 % CLASSES[entry.recipe["data"]]).astype(np.int64)
    return mg.tensor(x), mg.tensor(y)


def _no_dropout(model):
    """Training mode (BN uses batch statistics) with deterministic dropout (eval)."""
    model.train()
    for m in model.modules():
        if isinstance(m, nn.Dropout):
            m.eval()
    return model


@pytest.mark.parametrize("config", ["book", "tiny"])
@pytest.mark.parametrize("model_id", IDS)
def test_build_and_forward_shape(model_id, config):
    entry = ENTRIES[model_id]
    mg.manual_seed(0)
    model = entry.build(config)
    x, _ = _batch(entry, n=2, dtype=np.float32, config=config)
    out = model(x)
    assert out.shape == (2, CLASSES[entry.recipe["data"]])
    assert out.dtype == np.float32
    assert np.isfinite(out.numpy()).all()
    # the docstring names the ID and the source
    doc = sys.modules[type(model).__module__].__doc__
    assert model_id in doc and entry.source.split(",")[0].split(" (")[0] in doc


@pytest.mark.parametrize("model_id", IDS)
def test_tiny_gradcheck_float64(model_id):
    entry = ENTRIES[model_id]
    mg.manual_seed(1)
    model = _no_dropout(entry.build("tiny").double())
    x, y = _batch(entry)
    x.requires_grad_(True)
    params = list(model.parameters())
    assert params and all(p.dtype == np.float64 for p in params)

    def fn(x, *ps):
        out = model(x)
        return out, model.loss(out, y)

    assert mg.gradcheck(fn, [x, *params], fast=True)


@pytest.mark.parametrize("model_id", IDS)
def test_matches_pytorch_twin(model_id):
    torch = pytest.importorskip("torch")
    from benchmarks.reproduce import torch_loss, torch_twin

    entry = ENTRIES[model_id]
    mg.manual_seed(2)
    model = _no_dropout(entry.build("tiny").double())
    twin = torch_twin(model)
    twin.train()
    for m in twin.modules():
        if isinstance(m, torch.nn.Dropout):
            m.eval()
    x, y = _batch(entry)
    loss = model.loss(model(x), y)
    loss.backward()
    tloss = torch_loss(model.loss_name)(twin(torch.from_numpy(x.numpy())),
                                        torch.from_numpy(y.numpy()))
    tloss.backward()
    np.testing.assert_allclose(loss.item(), tloss.item(), rtol=1e-10)
    tparams = dict(twin.named_parameters())
    for name, p in model.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), tparams[name].grad.numpy(), rtol=1e-8,
                                   atol=1e-10 * max(1.0, float(np.abs(tparams[name].grad).max())),
                                   err_msg=name)
    model.eval(), twin.eval()            # running statistics (V-07, V-13) agree too
    with mg.no_grad():
        a = model(x).numpy()
    b = twin(torch.from_numpy(x.numpy())).detach().numpy()
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9 * max(1.0, np.abs(b).max()))


_DATA = {}


def _tiny_data(entry):
    recipe = entry.training("tiny")
    key = (recipe["data"], recipe.get("n_train"))
    if key not in _DATA:
        try:
            _DATA[key] = load_data(dict(recipe, val_split=None), "tiny")
        except mg.data.DataSourceMissing as e:     # documented: tests skip without the data
            pytest.skip(str(e))
    return _DATA[key]


def _optimizer(model, recipe):
    name, lr = recipe["optimizer"][:2]
    if name == "sgd":
        return mg.optim.SGD(model.parameters(), lr=lr)
    return mg.optim.Adam(model.parameters(), lr=lr, eps=recipe["optimizer"][2], eps_mode="tf")


@pytest.mark.parametrize("model_id", IDS)
def test_few_steps_lower_the_loss(model_id):
    entry = ENTRIES[model_id]
    recipe = entry.training("tiny")
    (xtr, ytr), _ = _tiny_data(entry)
    mg.manual_seed(3)
    model = entry.build("tiny")
    opt = _optimizer(model, recipe)
    rng = np.random.default_rng(0)
    bs = min(recipe["batch_size"], 32)
    probe = mg.tensor(xtr[:100]), mg.tensor(ytr[:100])

    def probe_loss():
        model.eval()
        with mg.no_grad():
            v = float(model.loss(model(probe[0]), probe[1]).item())
        model.train()
        return v

    before = probe_loss()
    model.train()
    for _ in range(15):
        idx = rng.choice(len(xtr), bs, replace=False)
        opt.zero_grad()
        loss = model.loss(model(mg.tensor(xtr[idx])), mg.tensor(ytr[idx]))
        loss.backward()
        opt.step()
    after = probe_loss()
    assert np.isfinite(after) and after < before, (before, after)


# ------------------------------------------------------------------ book-faithful switches
def test_v02_loss_switch_and_checkpoint_roundtrip(tmp_path):
    from models.classifiers.softmax_regression import checkpoint_demo

    entry = get_entry("V-02")
    (xtr, ytr), (xte, _) = _tiny_data(entry)
    book = entry.build("tiny", loss="sigmoid_bce")
    assert book.loss_name == "sigmoid_bce_onehot"
    x, y = mg.tensor(xtr[:8]), mg.tensor(ytr[:8])
    out = book(x)
    # one-vs-all BCE over N×10: mean of max(z,0) − z·t + log(1 + e^−|z|)
    z, t = out.numpy().astype(np.float64), np.eye(10)[ytr[:8]]
    expected = np.mean(np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z))))
    np.testing.assert_allclose(book.loss(out, y).item(), expected, rtol=1e-5)
    with pytest.raises(ValueError, match="sigmoid_bce"):
        entry.build("tiny", loss="mse")

    mg.manual_seed(0)
    model = entry.build("tiny")
    rng = np.random.default_rng(0)
    batches = ((mg.tensor(xtr[i]), mg.tensor(ytr[i]))
               for i in (rng.choice(len(xtr), 32, replace=False) for _ in range(1000)))
    fresh, latest = checkpoint_demo(model, batches, str(tmp_path), steps=12, save_every=2,
                                    fixed_batch=mg.tensor(xte[:64]))
    assert latest.endswith("model-12.npz")
    kept = sorted(p.name for p in tmp_path.glob("model-*.npz"))
    assert kept == sorted(f"model-{s}.npz" for s in (4, 6, 8, 10, 12))  # the 5 newest
    for (n, a), (_, b) in zip(model.state_dict().items(), fresh.state_dict().items()):
        assert np.array_equal(a.numpy(), b.numpy()), n


@pytest.mark.parametrize("model_id", ["V-07", "V-13"])
def test_eps_mode_switch(model_id):
    entry = get_entry(model_id)
    x, _ = _batch(entry, n=6)
    outs = {}
    for mode in ("sqrt", "std_plus_eps"):
        mg.manual_seed(4)
        model = _no_dropout(entry.build("tiny", eps_mode=mode).double())
        bns = [m for m in model.modules() if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d))]
        assert bns and all(b.eps_mode == mode and b.eps == 1e-5 for b in bns)
        assert all(b.ema_decay == 0.9999 and not b.unbiased_running_var for b in bns)
        outs[mode] = model(x).numpy()
    assert not np.allclose(outs["sqrt"], outs["std_plus_eps"], rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="eps_mode"):
        entry.build("tiny", eps_mode="book")


def test_v07_batchnorm_layout():
    """Hidden layers without bias, BN scale+offset for sigmoid, offset only (0.1) for ReLU."""
    sig = get_entry("V-07").build("tiny")
    relu = get_entry("V-07").build("tiny", activation="relu")
    assert sig.fc1.bias is None and sig.fc5.bias is not None
    assert sig.bn1.weight is not None and np.all(sig.bn1.bias.numpy() == 0)
    assert relu.bn1.weight is None and np.all(relu.bn1.bias.numpy() == np.float32(0.1))


def test_v13_batchnorm_replaces_biases():
    model = get_entry("V-13").build("tiny")
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    assert convs and all(c.bias is None for c in convs) and model.fc4.bias is None
    assert model.bn1.weight is None and np.all(model.bn1.bias.numpy() == np.float32(0.1))


def test_v15_zero_conv_init_is_a_dead_network():
    """The book's zero-initialised filters: every conv output and conv gradient is exactly 0."""
    entry = get_entry("V-15")
    mg.manual_seed(5)
    dead = _no_dropout(entry.build("tiny", conv_init="zeros").double())
    x, y = _batch(entry)
    dead.loss(dead(x), y).backward()
    convs = [m for m in dead.modules() if isinstance(m, nn.Conv2d)]
    assert len(convs) == 5
    for c in convs:
        assert np.all(c.weight.grad.numpy() == 0)
    # the dense head still learns (its input is all zeros, so only the biases move)
    assert np.any(dead.out.bias.grad.numpy() != 0)
    live = _no_dropout(entry.build("tiny").double())
    live.loss(live(x), y).backward()
    assert all(np.any(c.weight.grad.numpy() != 0)
               for c in live.modules() if isinstance(c, nn.Conv2d))
    with pytest.raises(ValueError, match="conv_init"):
        entry.build("tiny", conv_init="ones")


def test_v01_zero_init_and_summed_loss():
    model = get_entry("V-01").build("book")
    assert not model.linear.weight.numpy().any() and not model.linear.bias.numpy().any()
    x, y = _batch(get_entry("V-01"), n=5, dtype=np.float32, config="book")
    # zero weights: uniform probabilities, summed CE = N log 10
    np.testing.assert_allclose(model.loss(model(x), y).item(), 5 * np.log(10), rtol=1e-6)
    p = model.probabilities(x).numpy()
    np.testing.assert_allclose(p, 0.1, rtol=1e-6)


def test_v10_v14_normal_init_and_huge_logits_stay_finite():
    """TF random_normal(σ=1) on weights and biases: huge initial logits, finite fused CE."""
    for model_id in ("V-10", "V-14"):
        entry = get_entry(model_id)
        mg.manual_seed(6)
        model = entry.build("tiny")
        w = np.concatenate([p.numpy().ravel() for p in model.parameters()])
        assert abs(w.std() - 1) < 0.05 and abs(w.mean()) < 0.05
        x, y = _batch(entry, n=3, dtype=np.float32)
        out = model(x)
        loss = model.loss(out, y)
        assert np.abs(out.numpy()).max() > 50 and np.isfinite(loss.item())


def test_paddings_follow_tf_same():
    """Slide CNN: 28 → 28 → 14 → 7 by SAME strided convs; V-15's 2×2 convs keep 16×16."""
    model = get_entry("V-11").build("book")
    x = mg.zeros(1, 1, 28, 28)
    sizes = []
    for name, layer in model.named_children():
        x = layer(x)
        if name.startswith("conv"):
            sizes.append(tuple(x.shape[1:]))
    assert sizes == [(4, 28, 28), (8, 14, 14), (12, 7, 7)]
    assert model.fc4.in_features == 588
    v15 = get_entry("V-15").build("book")
    assert v15.fc6.in_features == 8192


def test_v14_log_loss_metric_clips_probabilities():
    from models.classifiers.book_cnns import ThreeClassCNN

    out = mg.tensor(np.array([[0.0, 0.0, 0.0], [100.0, -100.0, 0.0]]))
    y = mg.tensor(np.array([1, 1]))
    # row 1: uniform → log 3; row 2: p_true ≈ e^-200 → clipped to 1e-15
    expected = (np.log(3) - np.log(1e-15)) / 2
    np.testing.assert_allclose(ThreeClassCNN.log_loss(out, y), expected, rtol=1e-12)
