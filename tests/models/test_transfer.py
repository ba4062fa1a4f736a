"""V-25 transfer learning: freezing (bit-identical frozen tensors and batch-norm buffers under the
shared Trainer), save -> load, head replacement, feature caching, the protocol's strategies,
PDL Listings 3-8 / 3-9, and weight import from PyTorch state dicts (torchvision names, checked
against plain-torch twins) and Keras layouts."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
from minigrad import nn, optim
from models import zoo
from models.architectures import mobilenet, resnet, vgg
from models.transfer import freezing, protocol, weights
from models.transfer.vgg_s import VGGS, vgg_s


def _batch(n=16, c=1, side=16, k=5, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, c, side, side)).astype(np.float32),
            rng.integers(0, k, n).astype(np.int64))


def test_registered():
    info = zoo.get("V-25")
    assert info.family == "transfer"
    assert isinstance(info.build("tiny"), VGGS)


def test_frozen_backbone_stays_bit_identical_under_the_trainer():
    from minigrad.data import DataLoader, TensorDataset
    from minigrad.training import Trainer
    mg.manual_seed(0)
    model = vgg_s("tiny", in_channels=1)
    x, y = _batch(32)
    # give the BN layers non-trivial running statistics first
    model.train()
    with mg.no_grad():
        model(mg.tensor(x))
    protocol.apply_strategy(model, "head_only", 3)
    before = freezing.snapshot(model.features), freezing.snapshot(model.fc)
    params = freezing.trainable_parameters(model)
    assert params == [model.head.weight, model.head.bias]
    head0 = model.head.weight.numpy().copy()
    loader = DataLoader(TensorDataset(x, y % 3), batch_size=8, shuffle=True, seed=0)
    Trainer(model, optim.Adam(params, lr=1e-2), F.cross_entropy, loader, progress=False,
            verbose=False).fit(epochs=2)
    assert model.training                              # the Trainer left the model in train mode...
    assert not any(m.training for m in model.features.modules())   # ...but the frozen part is eval
    assert freezing.changed_tensors(model.features, before[0]) == []
    assert freezing.changed_tensors(model.fc, before[1]) == []
    assert not np.array_equal(model.head.weight.numpy(), head0)
    assert all(p.grad is None for p in model.features.parameters())
    freezing.unfreeze(model.features)
    assert all(p.requires_grad for p in model.features.parameters())
    model.train()
    assert all(m.training for m in model.features.modules())


def test_partial_strategy_freezes_the_first_block_only():
    mg.manual_seed(0)
    model = vgg_s("tiny", in_channels=1)
    frozen = protocol.apply_strategy(model, "partial", 2)
    assert frozen == ["features.0"]
    assert not any(p.requires_grad for p in model.features[0].parameters())
    assert all(p.requires_grad for p in model.features[1].parameters())
    x, y = _batch(8)
    snap, snap1 = freezing.snapshot(model.features[0]), freezing.snapshot(model.features[1])
    opt = optim.SGD(freezing.trainable_parameters(model), lr=0.1, momentum=0.9)
    for _ in range(3):
        model.train()
        loss = F.cross_entropy(model(mg.tensor(x)), mg.tensor(y % 2))
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert freezing.changed_tensors(model.features[0], snap) == []
    assert "0.weight" in freezing.changed_tensors(model.features[1], snap1)   # trained


def test_save_load_reproduces_predictions_and_reports_keys(tmp_path):
    mg.manual_seed(0)
    model = vgg_s("tiny", in_channels=1)
    x, _ = _batch(4)
    model.train()
    model(mg.tensor(x))                               # running statistics != init
    path = str(tmp_path / "vggs.npz")
    mg.save(model.state_dict(), path)
    mg.manual_seed(1)
    clone = vgg_s("tiny", in_channels=1)
    clone.load_state_dict(mg.load(path))
    model.eval(), clone.eval()
    np.testing.assert_array_equal(model(mg.tensor(x)).numpy(), clone(mg.tensor(x)).numpy())
    # a new head: non-strict loading lists the mismatches, strict loading refuses
    state = dict(mg.load(path))
    state.pop("head.weight")
    state["extra.weight"] = mg.zeros(2)
    other = vgg_s("tiny", in_channels=1)
    missing, unexpected = other.load_state_dict(state, strict=False)
    assert missing == ["head.weight"] and unexpected == ["extra.weight"]
    with pytest.raises(RuntimeError, match="head.weight"):
        other.load_state_dict(state)


def test_feature_cache_gives_the_live_backbone_head_gradients():
    mg.manual_seed(0)
    model = vgg_s("tiny", in_channels=1).double()
    x, y = _batch(6)
    x = x.astype(np.float64)
    freezing.freeze(model.features)
    freezing.freeze(model.fc)
    backbone = nn.Sequential(model.features, model.pool, model.fc)
    cached = freezing.cache_features(backbone, x)
    model.zero_grad()
    F.cross_entropy(model(mg.tensor(x)), mg.tensor(y)).backward()
    live = model.head.weight.grad.numpy().copy(), model.head.bias.grad.numpy().copy()
    model.zero_grad()
    F.cross_entropy(model.head(mg.tensor(cached)), mg.tensor(y)).backward()
    np.testing.assert_allclose(model.head.weight.grad.numpy(), live[0], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(model.head.bias.grad.numpy(), live[1], rtol=1e-12, atol=1e-14)


def test_replace_module_by_dotted_name():
    m = vgg.vgg("tiny")
    old = freezing.replace_module(m, "classifier.6", nn.Linear(256, 2))
    assert old.out_features == 10 and m.classifier[6].out_features == 2
    assert m(mg.randn(1, 3, 32, 32)).shape == (1, 2)


@pytest.mark.slow
def test_protocol_digits_all_strategies(tmp_path):
    r = protocol.run_protocol("digits", "tiny", str(tmp_path), epochs=1)
    assert r["reload_identical"]
    assert [x["strategy"] for x in r["results"]] == list(protocol.STRATEGIES)
    for res in r["results"]:
        assert res["frozen_changed"] == {}
        assert 0.0 <= res["accuracy"] <= 1.0
    by = {x["strategy"]: x for x in r["results"]}
    assert by["head_only"]["optimised_tensors"] == 2 and by["scratch"]["frozen_tensors"] == 0


def test_listing_3_9_trains_only_the_head_on_faces():
    mg.manual_seed(0)
    backbone = vgg.vgg("tiny", num_classes=10)
    x, y = protocol.load_task("faces", "train")
    x = protocol.bgr_mean_subtract(x * 255.0)
    snap = freezing.snapshot(backbone)
    head, history = protocol.listing_3_9(backbone, x, y, steps=12, batch_size=32)
    assert freezing.changed_tensors(backbone, snap) == []
    assert [h["step"] for h in history] == list(range(1, 13))
    assert head.weight.shape == (1, backbone.feature_dim)
    assert all(np.isfinite(h["val_loss"]) for h in history)
    assert history[-1]["loss"] < history[0]["loss"] * 1.5


def test_bgr_mean_subtract():
    x = np.zeros((1, 3, 2, 2), np.float32)
    x[:, 0] = 200.0                                   # red
    out = protocol.bgr_mean_subtract(x)
    np.testing.assert_allclose(out[0, :, 0, 0], [-103.939, -116.779, 200 - 123.68], rtol=1e-6)


def test_hash_split_is_stable_and_about_ten_ten_eighty():
    names = [f"cat.{i}.jpg" for i in range(3000)]
    parts = [protocol.hash_split(n) for n in names]
    assert parts == [protocol.hash_split(n) for n in names]
    frac = {p: parts.count(p) / len(parts) for p in ("training", "validation", "testing")}
    assert 0.07 < frac["validation"] < 0.13 and 0.07 < frac["testing"] < 0.13
    assert protocol.hash_split("dir/a_nohash_1.jpg") == protocol.hash_split("a_nohash_2.jpg")


def test_listing_3_8_softmax_on_cached_features():
    rng = np.random.default_rng(0)
    centers = rng.standard_normal((3, 8)) * 3
    y = rng.integers(0, 3, 600)
    feats = centers[y] + rng.standard_normal((600, 8))
    names = [f"img_{i}.jpg" for i in range(600)]
    layer, history, test_acc = protocol.listing_3_8(feats, y, names, steps=200)
    assert len(history) == 20 and history[-1]["step"] == 200
    assert test_acc > 0.8


# ------------------------------------------------------------------ weight import
def test_keras_layout_converters_match_nhwc_math():
    rng = np.random.default_rng(0)
    x_nhwc = rng.standard_normal((2, 5, 5, 3))
    k_hwio = rng.standard_normal((3, 3, 3, 4))
    # valid correlation in NHWC, the TF way
    ref = np.zeros((2, 3, 3, 4))
    for i in range(3):
        for j in range(3):
            ref[:, i, j] = np.einsum("nhwc,hwco->no", x_nhwc[:, i:i + 3, j:j + 3], k_hwio)
    out = F.conv2d(mg.tensor(x_nhwc.transpose(0, 3, 1, 2)), mg.tensor(weights.conv_hwio_to_oihw(k_hwio)))
    np.testing.assert_allclose(out.numpy().transpose(0, 2, 3, 1), ref, rtol=1e-10, atol=1e-12)
    dw = rng.standard_normal((3, 3, 3, 1))
    ref = np.zeros((2, 3, 3, 3))
    for i in range(3):
        for j in range(3):
            ref[:, i, j] = np.einsum("nhwc,hwc->nc", x_nhwc[:, i:i + 3, j:j + 3], dw[..., 0])
    out = F.conv2d(mg.tensor(x_nhwc.transpose(0, 3, 1, 2)), mg.tensor(weights.depthwise_hwc1_to_c1hw(dw)),
                   groups=3)
    np.testing.assert_allclose(out.numpy().transpose(0, 2, 3, 1), ref, rtol=1e-10, atol=1e-12)
    dense = rng.standard_normal((5 * 5 * 3, 7))
    keras = x_nhwc.reshape(2, -1) @ dense
    ours = x_nhwc.transpose(0, 3, 1, 2).reshape(2, -1) @ weights.dense_after_flatten(dense, (5, 5, 3)).T
    np.testing.assert_allclose(ours, keras, rtol=1e-10)
    np.testing.assert_array_equal(weights.dense_in_out_to_out_in(dense), dense.T)


def _torch_twins():
    """torchvision-architecture twins written in plain torch.nn (torchvision is not installed)."""
    torch = pytest.importorskip("torch")
    tnn = torch.nn

    def vgg_twin(stages, hidden, classes):
        layers, c = [], 3
        for w, r in stages:
            for _ in range(r):
                layers += [tnn.Conv2d(c, w, 3, padding=1), tnn.ReLU()]
                c = w
            layers.append(tnn.MaxPool2d(2, 2))
        m = tnn.Module()
        m.features = tnn.Sequential(*layers)
        m.avgpool = tnn.AdaptiveAvgPool2d(1)
        m.classifier = tnn.Sequential(tnn.Linear(c, hidden), tnn.ReLU(), tnn.Dropout(),
                                      tnn.Linear(hidden, hidden), tnn.ReLU(), tnn.Dropout(),
                                      tnn.Linear(hidden, classes))
        m.forward = lambda x: m.classifier(torch.flatten(m.avgpool(m.features(x)), 1))
        return m

    class Block(tnn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = tnn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = tnn.BatchNorm2d(cout)
            self.relu = tnn.ReLU()
            self.conv2 = tnn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = tnn.BatchNorm2d(cout)
            self.downsample = None if stride == 1 and cin == cout else tnn.Sequential(
                tnn.Conv2d(cin, cout, 1, stride, bias=False), tnn.BatchNorm2d(cout))

        def forward(self, x):
            out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
            return self.relu(out + (x if self.downsample is None else self.downsample(x)))

    class ResNetTwin(tnn.Module):
        def __init__(self, layers, widths, classes):
            super().__init__()
            self.conv1 = tnn.Conv2d(3, widths[0], 7, 2, 3, bias=False)
            self.bn1 = tnn.BatchNorm2d(widths[0])
            self.relu = tnn.ReLU()
            self.maxpool = tnn.MaxPool2d(3, 2, 1)
            c = widths[0]
            for i, (n, w) in enumerate(zip(layers, widths)):
                blocks = [Block(c, w, 1 if i == 0 else 2)] + [Block(w, w, 1) for _ in range(n - 1)]
                setattr(self, f"layer{i + 1}", tnn.Sequential(*blocks))
                c = w
            self.avgpool = tnn.AdaptiveAvgPool2d(1)
            self.fc = tnn.Linear(c, classes)

        def forward(self, x):
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            for i in range(4):
                x = getattr(self, f"layer{i + 1}")(x)
            return self.fc(torch.flatten(self.avgpool(x), 1))

    def cna(cin, cout, k, stride=1, groups=1):
        return tnn.Sequential(tnn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=False),
                              tnn.BatchNorm2d(cout), tnn.ReLU6())

    class IR(tnn.Module):
        def __init__(self, cin, cout, stride, t):
            super().__init__()
            hidden = cin * t
            self.res = stride == 1 and cin == cout
            layers = ([cna(cin, hidden, 1)] if t != 1 else []) + [
                cna(hidden, hidden, 3, stride, hidden), tnn.Conv2d(hidden, cout, 1, bias=False),
                tnn.BatchNorm2d(cout)]
            self.conv = tnn.Sequential(*layers)

        def forward(self, x):
            return x + self.conv(x) if self.res else self.conv(x)

    class MobileNetV2Twin(tnn.Module):
        def __init__(self, width, last, classes):
            super().__init__()
            c = width(32)
            feats = [cna(3, c, 3, 2)]
            for t, ch, n, s in mobilenet.V2_SETTINGS:
                for i in range(n):
                    feats.append(IR(c, width(ch), s if i == 0 else 1, t))
                    c = width(ch)
            feats.append(cna(c, last, 1))
            self.features = tnn.Sequential(*feats)
            self.classifier = tnn.Sequential(tnn.Dropout(0.2), tnn.Linear(last, classes))

        def forward(self, x):
            return self.classifier(torch.flatten(tnn.functional.adaptive_avg_pool2d(self.features(x), 1), 1))

    return torch, vgg_twin, ResNetTwin, MobileNetV2Twin


def _randomise_and_export(torch, twin, path):
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for name, t in twin.state_dict().items():
            if t.dtype.is_floating_point:
                if name.endswith("running_var"):
                    t.copy_(torch.rand(t.shape, generator=g, dtype=t.dtype) + 0.5)
                else:
                    t.copy_(torch.randn(t.shape, generator=g, dtype=t.dtype) * 0.2)
            else:
                t.fill_(7)
    np.savez(path, **{k: v.numpy() for k, v in twin.state_dict().items()})


@pytest.mark.parametrize("arch", ["vgg16", "resnet34", "mobilenet_v2"])
def test_torchvision_named_weights_load_and_agree(arch, tmp_path):
    torch, vgg_twin, ResNetTwin, MobileNetV2Twin = _torch_twins()
    torch.manual_seed(0)
    if arch == "vgg16":
        ours = vgg.vgg("tiny")
        twin = vgg_twin([(max(4, w // 8), r) for w, r in vgg.VGG_STAGES[16]], 256, 10)
        size = 32
    elif arch == "resnet34":
        ours = resnet.resnet34("tiny")
        twin = ResNetTwin((3, 4, 6, 3), resnet.CONFIGS["tiny"]["widths"], 10)
        size = 32
    else:
        ours = mobilenet.mobilenet_v2("tiny")
        from models.architectures.blocks import make_divisible
        twin = MobileNetV2Twin(lambda c: make_divisible(c * 0.25, 4), 80, 10)
        size = 32
    twin = twin.double()
    path = tmp_path / f"{arch}.npz"
    _randomise_and_export(torch, twin, path)
    ours.double()
    missing, unexpected = weights.load_torch_npz(ours, str(path))
    assert missing == [] and unexpected == []
    assert set(ours.state_dict()) <= set(twin.state_dict())
    twin.eval(), ours.eval()
    x = np.random.default_rng(1).standard_normal((2, 3, size, size))
    with torch.no_grad():
        ref = twin(torch.tensor(x)).numpy()
    np.testing.assert_allclose(ours(mg.tensor(x)).numpy(), ref, rtol=1e-9, atol=1e-9)


def test_load_torch_npz_lists_mismatched_keys(tmp_path):
    ours = vgg.vgg("tiny")
    state = {k: v.numpy() for k, v in ours.state_dict().items()}
    state["classifier.9.weight"] = np.zeros((2, 2), np.float32)
    del state["features.0.bias"]
    np.savez(tmp_path / "w.npz", **state)
    with pytest.raises(RuntimeError, match="features.0.bias"):
        weights.load_torch_npz(ours, str(tmp_path / "w.npz"))
    missing, unexpected = weights.load_torch_npz(ours, str(tmp_path / "w.npz"), strict=False)
    assert missing == ["features.0.bias"] and unexpected == ["classifier.9.weight"]


def test_source_model_training_steps_lower_the_loss():
    from arch_checks import train_steps
    x, y = protocol.load_task("digits_0_4", "train", "tiny")
    assert set(np.unique(y)) == set(range(5)) and x.shape[1:] == (1, 28, 28)
    xs, ys = protocol.load_task("digits_5_9", "test", "tiny")
    assert set(np.unique(ys)) == set(range(5))                       # relabelled 5..9 -> 0..4
    mg.manual_seed(0)
    model = vgg_s("tiny", in_channels=1)
    first, last = train_steps(model, mg.tensor(x[:32]), mg.tensor(y[:32]), F.cross_entropy,
                              steps=6, lr=3e-3)
    assert last < first


def test_shapes_pipeline_tasks():
    x, y = protocol.load_task("shapes_5_6", "train", "tiny")
    assert x.shape[1:] == (3, 32, 32) and set(np.unique(y)) == {0, 1} and len(x) <= 600
    xf, yf = protocol.load_task("faces", "train")
    assert xf.shape[1:] == (3, 32, 32) and set(np.unique(yf)) == {0, 1}
