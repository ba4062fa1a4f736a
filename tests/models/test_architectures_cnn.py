"""V-17 ... V-24 architectures: build + forward (both presets), whole-model float64 gradchecks of
the tiny presets, training steps that lower the loss, and the layer tables of the specs
(specs/zoo-vision.md) compared with minigrad.summary layer by layer."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
from models import zoo
from models.architectures import alexnet, blocks, inception, lenet, mobilenet, resnet, vgg

from arch_checks import gradcheck_model, layer_shapes, train_steps

# id -> (builder, tiny input shape, classes of the tiny preset)
TINY = {
    "V-17": (lenet.lenet5, (1, 32, 32), 10),
    "V-18": (alexnet.alexnet, (3, 227, 227), 10),
    "V-19": (vgg.vgg, (3, 32, 32), 10),
    "V-19a": (lambda c: vgg.vgg("vgg19" if c == "book" else "tiny", depth=19), (3, 32, 32), 10),
    "V-19b": (lambda c: vgg.vgg("cifar" if c == "book" else "tiny"), (3, 32, 32), 10),
    "V-20": (resnet.resnet34, (3, 32, 32), 10),
    "V-21": (resnet.cifar_resnet, (3, 32, 32), 10),
    "V-22": (inception.googlenet, (3, 96, 96), 10),
    "V-22b": (lambda c: inception.googlenet("cifar" if c == "book" else "cifar_tiny"), (3, 32, 32), 10),
    "V-23": (mobilenet.mobilenet_v1, (3, 32, 32), 10),
    "V-24": (mobilenet.mobilenet_v2, (3, 32, 32), 10),
}
BOOK_CLASSES = {"V-17": 10, "V-18": 1000, "V-19": 1000, "V-19a": 1000, "V-19b": 10, "V-20": 1000, "V-21": 10,
                "V-22": 1000, "V-22b": 10, "V-23": 1000, "V-24": 1000}


def _loss(model):
    return model.loss if hasattr(model, "loss") else F.cross_entropy


@pytest.mark.parametrize("model_id", sorted(TINY))
def test_registered_with_both_presets(model_id):
    info = zoo.get(model_id)
    assert info.family == "architectures"
    assert info.training("book")["data"] and info.training("tiny")["epochs"] <= 2
    model = info.build("tiny")
    assert isinstance(model, mg.nn.Module)
    assert model.input_shape == TINY[model_id][1]


@pytest.mark.parametrize("model_id", sorted(TINY))
def test_tiny_forward_shape(model_id):
    build, shape, k = TINY[model_id]
    model = build("tiny")
    out = model(mg.randn(2, *shape))
    assert out.shape == (2, k)
    assert np.isfinite(out.numpy()).all()


_BIG = {"V-18", "V-19", "V-19a"}     # 61 M / 138 M parameters: ~10 s of initialisation on 2 busy cores


@pytest.mark.parametrize("model_id", [pytest.param(k, marks=pytest.mark.slow) if k in _BIG else k
                                      for k in sorted(TINY)])
def test_book_builds_float32(model_id):
    """Book-size nets build in float32 (no forward pass here: VGG16 at 224 is ~15 GMAdds)."""
    build = TINY[model_id][0]
    model = build("book")
    params = list(model.parameters())
    assert all(p.dtype == np.float32 for p in params)
    last = [m for m in model.modules() if hasattr(m, "out_features")][-1]
    assert last.out_features == BOOK_CLASSES[model_id]


def _param_count_from_table(convs, fcs, bn_channels=0):
    """Parameters of conv layers (cin, cout, k, groups, bias) and dense layers (in, out)."""
    n = sum(k * k * cin // g * cout + (cout if bias else 0) for cin, cout, k, g, bias in convs)
    return n + sum(i * o + o for i, o in fcs) + 2 * bn_channels


@pytest.mark.slow
def test_vgg16_vgg19_alexnet_parameter_counts_match_their_layer_tables():
    def vgg_convs(stages):
        out, c = [], 3
        for w, r in stages:
            for _ in range(r):
                out.append((c, w, 3, 1, True))
                c = w
        return out
    head = [(7 * 7 * 512, 4096), (4096, 4096), (4096, 1000)]
    for depth, cfg in ((16, "book"), (19, "vgg19")):
        expect = _param_count_from_table(vgg_convs(vgg.VGG_STAGES[depth]), head)
        assert zoo.count_parameters(vgg.vgg(cfg)) == expect
    convs = [(3, 96, 11, 1, True), (96, 256, 5, 2, True), (256, 384, 3, 1, True),
             (384, 384, 3, 2, True), (384, 256, 3, 2, True)]
    fcs = [(6 * 6 * 256, 4096), (4096, 4096), (4096, 1000)]
    assert zoo.count_parameters(alexnet.alexnet("book")) == _param_count_from_table(convs, fcs)


# ------------------------------------------------------------------ gradchecks (float64)
# Batch sizes: AlexNet tiny runs at 227x227 (1 image). Batch norm over the 1x1 maps at the end
# of the 32x32 presets (ResNet-34, MobileNets) normalises only N values: with N = 2 the output
# is nearly sign(x1 - x2), so tiny input differences give huge, badly conditioned derivatives
# (E-16 pitfall) - 4 images keep the check well-posed. The MobileNets stack BN + ReLU6 over 27
# / 52 layers: at 32x32 their loss is so curved that central differences only agree with the
# (correct) analytic gradient at h ~ 1e-7 (measured: h 1e-5 / 1e-6 / 1e-7 give 115 / -99.6 /
# -105.52 against -105.52), so they are checked at 64x64 (2x2 final maps) with the finite-
# difference step h = 1e-7 (same tolerances; at 64x64 V-24 still measured h 1e-5 / 1e-6 / 1e-7:
# -27.95 / -30.24 / -30.7206214 against -30.7206216). ResNet-34 tiny (1x1 maps in layer4) too:
# at h = 1e-6 one direction is off by 1.2e-3 relative, at 1e-7 it agrees.
GRAD_INPUTS = {"V-18": 1, "V-20": 4, "V-23": 2, "V-24": 2}
GRAD_SHAPES = {"V-23": (3, 64, 64), "V-24": (3, 64, 64)}
GRAD_EPS = {"V-20": 1e-7, "V-23": 1e-7, "V-24": 1e-7}


def _gradcheck_tiny(model_id, **kw):
    build, shape, _ = TINY[model_id]
    mg.manual_seed(0)
    model = build("tiny")
    x = mg.randn(GRAD_INPUTS.get(model_id, 2), *GRAD_SHAPES.get(model_id, shape), dtype=mg.float64)
    return gradcheck_model(model, (x,), seed=1, eps=GRAD_EPS.get(model_id, 1e-6), **kw)


@pytest.mark.parametrize("model_id", sorted(TINY))
def test_tiny_gradcheck_whole_model(model_id):
    assert _gradcheck_tiny(model_id)


@pytest.mark.slow
@pytest.mark.parametrize("model_id", sorted(TINY))
def test_tiny_gradcheck_every_tensor(model_id):
    assert _gradcheck_tiny(model_id, per_tensor=True, spot_checks=1)


def test_lenet_lecun_table_gradcheck_and_masked_connections():
    mg.manual_seed(0)
    model = lenet.lenet5("book", c3_table="lecun", subsample_activation="scaled_tanh", loss="map")
    x = mg.randn(2, 1, 32, 32, dtype=mg.float64)
    y = mg.tensor([3, 7])
    assert gradcheck_model(model, (x,), seed=2)
    model.zero_grad()
    model.loss(model(x), y).backward()
    mask = model.c3.mask.numpy()[:, :, 0, 0]
    grad = np.abs(model.c3.weight.grad.numpy()).sum(axis=(2, 3))
    assert (grad[mask == 0] == 0).all() and (grad[mask == 1] > 0).all()
    assert int(mask.sum()) == sum(len(t) for t in lenet.LECUN_C3_TABLE) == 60


# ------------------------------------------------------------------ training on tiny data
def _tiny_batch(model_id, n=16):
    info = zoo.get(model_id)
    recipe = {**info.training("tiny"), "n_train": n, "n_test": 8}
    (x, y), _ = info.load_data(recipe, "tiny")
    return mg.tensor(x[:n]), mg.tensor(y[:n])


@pytest.mark.parametrize("model_id,steps,lr", [("V-17", 8, 3e-3), ("V-19", 6, 1e-3),
                                               ("V-21", 6, 3e-3), ("V-22b", 3, 1e-3),
                                               ("V-23", 6, 3e-3), ("V-24", 6, 3e-3),
                                               ("V-20", 6, 1e-3)])
def test_training_steps_lower_the_loss(model_id, steps, lr):
    mg.manual_seed(0)
    model = zoo.build(model_id, "tiny")
    x, y = _tiny_batch(model_id, n=8 if model_id == "V-22b" else 16)
    first, last = train_steps(model, x, y, _loss(model), steps=steps, lr=lr)
    assert last < first


@pytest.mark.slow
@pytest.mark.parametrize("model_id", ["V-18", "V-22"])
def test_training_steps_lower_the_loss_large_inputs(model_id):
    mg.manual_seed(0)
    model = zoo.build(model_id, "tiny")
    x, y = _tiny_batch(model_id, n=16)
    first, last = train_steps(model, x, y, _loss(model), steps=8, lr=1e-3)
    assert last < first


def test_googlenet_aux_heads_enter_the_training_loss_only():
    mg.manual_seed(0)
    model = inception.googlenet("tiny")
    x, y = mg.randn(2, 3, 96, 96), mg.tensor([1, 4])
    main, a1, a2 = model.forward_with_aux(x)
    assert a1.shape == a2.shape == (2, 10)
    mg.manual_seed(3)
    out = model(x)
    total = float(model.loss(out, y).item())
    mg.manual_seed(3)
    main, a1, a2 = model.forward_with_aux(x)
    expect = sum(w * float(F.cross_entropy(o, y).item()) for w, o in ((1, main), (0.3, a1), (0.3, a2)))
    assert total == pytest.approx(expect, rel=1e-5)
    model.eval()
    assert model.forward_with_aux(x)[1] is None
    assert float(model.loss(model(x), y).item()) == pytest.approx(float(F.cross_entropy(model(x), y).item()))


# ------------------------------------------------------------------ blocks
def test_lrn_matches_torch_with_alpha_over_n():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal((2, 7, 4, 5))
    for size in (5, 4):
        ref = torch.nn.functional.local_response_norm(torch.tensor(x), size, alpha=1e-2, beta=0.75, k=2.0)
        caffe = blocks.LocalResponseNorm(size, 1e-2, 0.75, 2.0, alpha_over_n=True)
        np.testing.assert_allclose(caffe(mg.tensor(x)).numpy(), ref.numpy(), rtol=1e-12, atol=1e-12)
        paper = blocks.LocalResponseNorm(size, 1e-2 / size, 0.75, 2.0)      # alpha' = alpha
        np.testing.assert_allclose(paper(mg.tensor(x)).numpy(), ref.numpy(), rtol=1e-12, atol=1e-12)


def test_lrn_subsample_rbf_gradcheck():
    rng = np.random.default_rng(1)
    x = mg.tensor(rng.standard_normal((2, 6, 4, 4)), requires_grad=True)
    lrn = blocks.LocalResponseNorm(5, 0.5, 0.75, 2.0)
    assert mg.gradcheck(lrn, [x])
    sub = blocks.Subsample(6, activation="scaled_tanh").double()
    assert mg.gradcheck(lambda x, w, b: sub(x), [x, sub.weight, sub.bias])
    rbf = blocks.RBFOutput(8, 3, rng.choice([-1.0, 1.0], (3, 8)))
    h = mg.tensor(rng.standard_normal((4, 8)), requires_grad=True)
    assert mg.gradcheck(rbf, [h])
    assert not rbf.prototypes.requires_grad and "prototypes" in rbf.state_dict()
    assert list(rbf.parameters()) == []


def test_subsample_and_rbf_values():
    x = mg.tensor(np.arange(16, dtype=np.float64).reshape(1, 1, 4, 4))
    sub = blocks.Subsample(1, activation="linear").double()
    with mg.no_grad():
        sub.weight.data[...] = 0.5
        sub.bias.data[...] = 1.0
    np.testing.assert_allclose(sub(x).numpy()[0, 0], 0.5 * np.array([[10, 18], [42, 50]]) + 1)
    protos = np.array([[1.0, -1.0], [0.0, 0.0]])
    rbf = blocks.RBFOutput(2, 2, protos)
    np.testing.assert_allclose(rbf(mg.tensor([[1.0, 1.0]])).numpy(), [[4.0, 2.0]], rtol=1e-6)


def test_lenet_prototypes_are_distinct_plus_minus_one_bitmaps():
    p = blocks.digit_prototypes(10, 84)
    assert p.shape == (10, 84) and set(np.unique(p)) <= {-1.0, 1.0}
    assert len({row.tobytes() for row in p}) == 10


def test_lenet_losses():
    d = mg.tensor([[1.0, 3.0, 0.5], [2.0, 0.1, 4.0]], dtype=mg.float64)
    y = mg.tensor([0, 1])
    assert float(lenet.lenet_loss(d, y, "distance").item()) == pytest.approx((1.0 + 0.1) / 2)
    manual = np.mean([dv[t] + np.log(np.exp(-1.0) + np.exp(-dv).sum())
                      for dv, t in zip(d.numpy(), [0, 1])])
    assert float(lenet.lenet_loss(d, y, "map").item()) == pytest.approx(manual)
    assert lenet.LeNet5.accuracy(d, y) == 0.5


def test_basic_block_shortcuts():
    x = mg.randn(2, 4, 8, 8)
    a = blocks.BasicBlock(4, 8, 2, shortcut="A")
    b = blocks.BasicBlock(4, 8, 2, shortcut="B")
    assert a(x).shape == b(x).shape == (2, 8, 4, 4)
    assert not list(a.downsample.parameters()) and len(list(b.downsample.parameters())) == 3
    sc = a.downsample(x).numpy()
    np.testing.assert_array_equal(sc[:, :4], x.numpy()[:, :, ::2, ::2])
    assert (sc[:, 4:] == 0).all()
    pdl = blocks.BasicBlock(4, 4, 1, block="pdl")
    assert not any(isinstance(m, mg.nn.BatchNorm2d) for m in pdl.modules())


def test_inception_module_concat_depth_and_pdl_reduction_shape():
    m = blocks.InceptionModule(192, *inception.GOOGLENET_MODULES["3a"])
    assert m.out_channels == 256
    assert m(mg.randn(1, 192, 7, 7)).shape == (1, 256, 7, 7)
    reduce = mg.nn.Conv2d(160, 20, 1)                     # PDL: 224x224x160 -> 20 1x1 filters
    assert reduce(mg.zeros(1, 160, 224, 224)).shape == (1, 20, 224, 224)


def test_googlenet_module_depths_follow_the_table():
    net = inception.googlenet("book")
    depths = {k: sum(v[i] for i in (0, 2, 4, 5)) for k, v in inception.GOOGLENET_MODULES.items()}
    expect = {"3a": 256, "3b": 480, "4a": 512, "4b": 512, "4c": 512, "4d": 528, "4e": 832,
              "5a": 832, "5b": 1024}
    assert depths == expect
    for k, d in expect.items():
        assert getattr(net, f"inception{k}").out_channels == d


def test_depthwise_separable_cost_formula():
    madds, ratio = mobilenet.separable_cost(3, 512, 512, 14)
    assert madds == 3 * 3 * 512 * 14 * 14 + 512 * 512 * 14 * 14
    assert ratio == pytest.approx(1 / 512 + 1 / 9)
    m_half, _ = mobilenet.separable_cost(3, 512, 512, 14, alpha=0.5, rho=160 / 224)
    f = 14 * 160 / 224
    assert m_half == round(9 * 256 * f * f + 256 * 256 * f * f)
    s = mg.summary(blocks.DepthwiseSeparable(512, 512), (512, 14, 14), print_fn=None)
    assert s.total_madds == madds


def test_make_divisible():
    assert [blocks.make_divisible(c * 0.35) for c in (32, 16, 24, 320)] == [16, 8, 8, 112]
    assert blocks.make_divisible(1280 * 1.0) == 1280


# ------------------------------------------------------------------ summaries vs spec tables
def _pools(rows):
    return [shape for _, t, shape in rows if t == "MaxPool2d"]


def test_vgg_tiny_summary_follows_the_stage_table():
    s = mg.summary(vgg.vgg("tiny"), (3, 32, 32), print_fn=None)
    rows = layer_shapes(s)
    convs = [shape for _, t, shape in rows if t == "Conv2d"]
    assert len(convs) == 13
    # stage widths 64,128,256,512,512 /8 at 32x32 (spatial /2 per stage)
    assert _pools(rows) == [(8, 16, 16), (16, 8, 8), (32, 4, 4), (64, 2, 2), (64, 1, 1)]
    assert [shape for _, t, shape in rows if t == "Linear"] == [(256,), (256,), (10,)]


@pytest.mark.slow
def test_vgg16_book_summary_follows_the_stage_table():
    s = mg.summary(vgg.vgg("book"), (3, 224, 224), print_fn=None)
    rows = layer_shapes(s)
    assert _pools(rows) == [(64, 112, 112), (128, 56, 56), (256, 28, 28), (512, 14, 14), (512, 7, 7)]
    assert [shape for _, t, shape in rows if t == "Linear"] == [(4096,), (4096,), (1000,)]


def _resnet_table(widths, blocks_per_stage, side):
    """Expected block output shapes from the spec's stage table."""
    out = []
    for i, (w, n) in enumerate(zip(widths, blocks_per_stage)):
        side = side if i == 0 else side // 2
        out += [(w, side, side)] * n
    return out


@pytest.mark.parametrize("config,size", [("tiny", 32), pytest.param("book", 224, marks=pytest.mark.slow)])
def test_resnet34_summary_follows_the_stage_table(config, size):
    model = resnet.resnet34(config)
    s = mg.summary(model, (3, size, size), print_fn=None)
    rows = {name: shape for name, _, shape in layer_shapes(s)}
    widths = resnet.CONFIGS[config]["widths"]
    assert rows["conv1"] == (widths[0], size // 2, size // 2)
    assert rows["maxpool"] == (widths[0], size // 4, size // 4)
    block_outs = [rows[f"layer{i}.{j}.relu"] for i, n in enumerate((3, 4, 6, 3), 1) for j in range(n)]
    assert block_outs == _resnet_table(widths, (3, 4, 6, 3), size // 4)
    assert rows["fc"] == (resnet.CONFIGS[config]["num_classes"],)
    downs = [n for n in rows if n.endswith("downsample.0")]
    assert downs == ["layer2.0.downsample.0", "layer3.0.downsample.0", "layer4.0.downsample.0"]


def test_cifar_resnet_depth_and_table():
    for cfg, n in (("book", 3), ("resnet32", 5), ("resnet56", 9)):
        m = resnet.cifar_resnet(cfg)
        convs = [x for x in m.modules() if isinstance(x, mg.nn.Conv2d)]
        linears = [x for x in m.modules() if isinstance(x, mg.nn.Linear)]
        assert len(convs) + len(linears) == 6 * n + 2 == m.depth
    s = mg.summary(resnet.cifar_resnet("book"), (3, 32, 32), print_fn=None)
    rows = {name: shape for name, _, shape in layer_shapes(s)}
    assert rows["conv1"] == (16, 32, 32)
    assert [rows[f"layer{i}.2.relu"] for i in (1, 2, 3)] == [(16, 32, 32), (32, 16, 16), (64, 8, 8)]


# MobileNet V1 spec table (HOA ch. 5; last dw stride corrected to 1): (type, stride, filter, input HxWxC)
V1_TABLE = [("conv", 2, (3, 3, 3, 32), (224, 224, 3)), ("dw", 1, (3, 3, 32), (112, 112, 32)),
            ("pw", 1, (1, 1, 32, 64), (112, 112, 32)), ("dw", 2, (3, 3, 64), (112, 112, 64)),
            ("pw", 1, (1, 1, 64, 128), (56, 56, 64)), ("dw", 1, (3, 3, 128), (56, 56, 128)),
            ("pw", 1, (1, 1, 128, 128), (56, 56, 128)), ("dw", 2, (3, 3, 128), (56, 56, 128)),
            ("pw", 1, (1, 1, 128, 256), (28, 28, 128)), ("dw", 1, (3, 3, 256), (28, 28, 256)),
            ("pw", 1, (1, 1, 256, 256), (28, 28, 256)), ("dw", 2, (3, 3, 256), (28, 28, 256)),
            ("pw", 1, (1, 1, 256, 512), (14, 14, 256))] + \
           [("dw", 1, (3, 3, 512), (14, 14, 512)), ("pw", 1, (1, 1, 512, 512), (14, 14, 512))] * 5 + \
           [("dw", 2, (3, 3, 512), (14, 14, 512)), ("pw", 1, (1, 1, 512, 1024), (7, 7, 512)),
            ("dw", 1, (3, 3, 1024), (7, 7, 1024)), ("pw", 1, (1, 1, 1024, 1024), (7, 7, 1024))]


def _v1_expected(alpha, rho_side):
    """Conv rows (weight shape OIHW, output CHW) from the V1 table for width alpha and input side."""
    w = lambda c: int(c * alpha)                       # noqa: E731
    out, side = [], rho_side
    for i, (kind, stride, filt, _) in enumerate(V1_TABLE):
        side = -(-side // stride)
        if kind == "conv":
            cin, cout = filt[2], w(filt[3])
            weight = (cout, cin, 3, 3)
        elif kind == "dw":
            cout = w(filt[2])
            weight = (cout, 1, 3, 3)
        else:
            cout = w(filt[3])
            weight = (cout, w(filt[2]), 1, 1)
        out.append((weight, (cout, side, side)))
    return out


def _conv_rows(model, size):
    s = mg.summary(model, (3, size, size), print_fn=None)
    convs = [m for m in model.modules() if isinstance(m, mg.nn.Conv2d)]
    shapes = [shape for _, t, shape in layer_shapes(s) if t == "Conv2d"]
    return s, [(tuple(c.weight.shape), sh) for c, sh in zip(convs, shapes)]


def test_mobilenet_v1_table_at_book_inputs_without_forward_cost():
    """The table's input column: each layer's input = the previous layer's output."""
    for prev, nxt in zip(V1_TABLE, V1_TABLE[1:]):
        side = -(-prev[3][0] // prev[1])
        c = prev[2][-1] if prev[0] != "dw" else prev[2][2]
        assert nxt[3] == (side, side, c)


@pytest.mark.parametrize("alpha,size", [(0.125, 32), (0.25, 64),
                                        pytest.param(1.0, 224, marks=pytest.mark.slow),
                                        pytest.param(0.5, 160, marks=pytest.mark.slow)])
def test_mobilenet_v1_summary_equals_the_table(alpha, size):
    model = mobilenet.mobilenet_v1("book", alpha=alpha)
    s, rows = _conv_rows(model, size)
    assert rows == _v1_expected(alpha, size)
    # MAdds of every separable layer follow the paper's cost formula
    madds = [r.madds for r in s.rows if r.type == "Conv2d"]
    for i in range(1, len(V1_TABLE) - 1, 2):
        (_, s_dw, f_dw, _), (_, _, f_pw, _) = V1_TABLE[i], V1_TABLE[i + 1]
        out_side = rows[i][1][1]
        expect, _ = mobilenet.separable_cost(3, f_dw[2], f_pw[3], out_side, alpha=alpha)
        assert madds[i] + madds[i + 1] == expect
    assert s.rows[-1].output_shape == (1000,)


# MobileNet V2 spec table: (t, c, n, s) rows with the input side at 224
V2_TABLE = [(1, 16, 1, 1, 112), (6, 24, 2, 2, 112), (6, 32, 3, 2, 56), (6, 64, 4, 2, 28),
            (6, 96, 3, 1, 14), (6, 160, 3, 2, 14), (6, 320, 1, 1, 7)]
V2_EXPANSIONS = [32, 96, 144, 144, 192, 192, 192] + [384] * 4 + [576] * 3 + [960] * 3


def _v2_expected(size, width=lambda c: c, last=1280, first=32):
    blocks_out, expansions, side, cin = [], [], size // 2, first
    for t, c, n, s, _ in V2_TABLE:
        for i in range(n):
            side = -(-side // (s if i == 0 else 1))
            expansions.append(cin * t)
            cin = width(c)
            blocks_out.append((cin, side, side))
    return blocks_out, expansions, (last, side, side)


@pytest.mark.parametrize("config,size", [("tiny", 32), pytest.param("book", 224, marks=pytest.mark.slow)])
def test_mobilenet_v2_summary_equals_the_table(config, size):
    model = mobilenet.mobilenet_v2(config)
    s = mg.summary(model, (3, size, size), print_fn=None)
    rows = {name: shape for name, _, shape in layer_shapes(s)}
    cfg = mobilenet.V2_CONFIGS[config]
    alpha, div = cfg.get("width_mult", 1.0), cfg.get("round_nearest", 8)
    width = lambda c: blocks.make_divisible(c * alpha, div)       # noqa: E731
    outs, expansions, last = _v2_expected(size, width, model.last_channel, width(32))
    assert rows["features.0.0"] == (width(32), size // 2, size // 2)
    got = [rows[f"features.{i}.conv.{3 if i > 1 else 2}"] for i in range(1, 18)]
    assert got == outs
    got_exp = [model.features[i].conv[0][0].out_channels for i in range(1, 18)]
    assert got_exp == expansions
    if config == "book":
        assert got_exp == V2_EXPANSIONS
    assert rows["features.18.2"] == last
    assert sum(isinstance(m, blocks.InvertedResidual) for m in model.modules()) == 17
    residual = [m.use_res_connect for m in model.features if isinstance(m, blocks.InvertedResidual)]
    assert residual == [False, False, True, False, True, True, False, True, True, True,
                        False, True, True, False, True, True, False]


def test_alexnet_tiny_summary_shapes():
    s = mg.summary(alexnet.alexnet("tiny"), (3, 227, 227), print_fn=None)
    pools = _pools(layer_shapes(s))
    w = alexnet.CONFIGS["tiny"]["widths"]
    assert pools == [(w[0], 27, 27), (w[1], 13, 13), (w[4], 6, 6)]
    convs = [m for m in alexnet.alexnet("tiny").features if isinstance(m, mg.nn.Conv2d)]
    assert [c.groups for c in convs] == [1, 2, 1, 2, 2]
    assert [tuple(c.weight.shape[1:]) for c in convs] == [(3, 11, 11), (w[0] // 2, 5, 5), (w[1], 3, 3),
                                                          (w[2] // 2, 3, 3), (w[3] // 2, 3, 3)]


@pytest.mark.slow
def test_alexnet_book_grouped_filters():
    convs = [m for m in alexnet.alexnet("book").features if isinstance(m, mg.nn.Conv2d)]
    assert [tuple(c.weight.shape[1:]) for c in convs] == [(3, 11, 11), (48, 5, 5), (256, 3, 3),
                                                          (192, 3, 3), (192, 3, 3)]


def test_lenet_book_summary_shapes():
    s = mg.summary(lenet.lenet5("book"), (1, 32, 32), print_fn=None)
    rows = {name: shape for name, _, shape in layer_shapes(s)}
    assert [rows[k] for k in ("c1", "s2", "c3", "s4", "c5", "f6", "output")] == \
        [(6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 5, 5), (120, 1, 1), (84,), (10,)]
