"""Every layer against torch.nn (forward, input and parameter gradients, running statistics) and
gradchecks of module outputs w.r.t. inputs and parameters (float64, fixed seeds)."""
import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn

torch = pytest.importorskip("torch")


def _copy_from_torch(ours, theirs):
    """Load torch's state dict into ours (strict: the names must be torch's)."""
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})


def _compare(ours, theirs, x, *, train=True, extra=(), steps=1, rtol=1e-10, atol=1e-12,
             int_input=False):
    """Forward + backward with the same weights and output weights; compare everything."""
    ours.double()
    theirs.double()
    _copy_from_torch(ours, theirs)
    ours.train(train)
    theirs.train(train)
    rng = np.random.default_rng(7)
    for _ in range(steps):
        if int_input:
            xm, xt = mg.tensor(x), torch.from_numpy(x.copy())
        else:
            xm = mg.tensor(x, dtype=mg.float64, requires_grad=True)
            xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        ym = ours(xm, *extra[0]) if extra else ours(xm)
        yt = theirs(xt, *extra[1]) if extra else theirs(xt)
        np.testing.assert_allclose(ym.numpy(), yt.detach().numpy(), rtol=rtol, atol=atol)
        w = rng.standard_normal(ym.shape)
        ym.backward(mg.tensor(w))
        yt.backward(torch.from_numpy(w))
        if not int_input:
            np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=rtol, atol=atol)
    tparams = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        tg = tparams[name].grad
        np.testing.assert_allclose(p.grad.numpy(), tg.numpy(), rtol=rtol, atol=atol, err_msg=name)
    tbufs = dict(theirs.named_buffers())
    for name, b in ours.named_buffers():
        np.testing.assert_allclose(b.numpy(), tbufs[name].numpy(), rtol=rtol, atol=atol,
                                   err_msg=name)


def _x(*shape, seed=0, low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, shape)


def _gradcheck_module(m, x, fast=False, reseed=None):
    """gradcheck of m(x) w.r.t. x and every parameter (float64)."""
    m.double()
    xm = mg.tensor(x, dtype=mg.float64, requires_grad=True)
    params = [p for p in m.parameters() if p.requires_grad]

    def f(x_, *ps):
        if reseed is not None:
            reseed()
        return m(x_)
    assert mg.gradcheck(f, [xm] + params, fast=fast)


# ----------------------------------------------------------------------------- linear / conv

LAYERS = [
    ("linear", lambda M: M.Linear(5, 3), (4, 5)),
    ("linear-nobias-3d", lambda M: M.Linear(4, 2, bias=False), (2, 3, 4)),
    ("conv1d", lambda M: M.Conv1d(2, 3, 3, stride=2, padding=1), (2, 2, 7)),
    ("conv1d-groups-dil", lambda M: M.Conv1d(4, 2, 2, dilation=2, groups=2), (2, 4, 6)),
    ("conv2d", lambda M: M.Conv2d(2, 3, 3), (2, 2, 5, 5)),
    ("conv2d-stride-pad", lambda M: M.Conv2d(2, 4, (3, 2), stride=(2, 1), padding=(1, 0)),
     (2, 2, 6, 5)),
    ("conv2d-groups", lambda M: M.Conv2d(4, 4, 3, groups=2, dilation=2, bias=False), (1, 4, 6, 6)),
    ("conv2d-depthwise", lambda M: M.Conv2d(3, 6, 3, groups=3, padding=1), (2, 3, 5, 5)),
    ("conv2d-reflect", lambda M: M.Conv2d(2, 2, 3, padding=1, padding_mode="reflect"), (1, 2, 5, 4)),
    ("conv2d-same", lambda M: M.Conv2d(2, 3, 3, padding="same"), (2, 2, 5, 5)),
    ("convT2d", lambda M: M.ConvTranspose2d(3, 2, 3, stride=2, padding=1), (2, 3, 3, 3)),
    ("convT2d-outpad-groups", lambda M: M.ConvTranspose2d(4, 2, 2, stride=2, output_padding=1,
                                                          groups=2), (1, 4, 3, 3)),
    ("layernorm", lambda M: M.LayerNorm(4), (3, 4)),
    ("layernorm-2d", lambda M: M.LayerNorm((3, 4), eps=1e-3), (2, 3, 4)),
]


@pytest.mark.parametrize("name,make,shape", LAYERS, ids=[l[0] for l in LAYERS])
def test_layer_matches_torch(name, make, shape):
    torch.manual_seed(0)
    theirs = make(torch.nn)
    with torch.no_grad():                      # non-default values (LayerNorm starts at 1/0)
        for p in theirs.parameters():
            p.add_(torch.rand_like(p) * 0.5)
    _compare(make(nn), theirs, _x(*shape))


@pytest.mark.parametrize("name,make,shape", LAYERS, ids=[l[0] for l in LAYERS])
def test_layer_gradcheck(name, make, shape):
    mg.manual_seed(1)
    _gradcheck_module(make(nn), _x(*shape, seed=1))


def test_conv_transpose_output_size_matches_torch():
    torch.manual_seed(0)
    theirs = torch.nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1)
    ours = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1)
    _compare(ours, theirs, _x(1, 2, 4, 4), extra=(((1, 3, 8, 8),), ((1, 3, 8, 8),)))
    with pytest.raises(ValueError, match="not reachable"):
        ours(mg.zeros(1, 2, 4, 4, dtype=mg.float64), (1, 3, 12, 12))


def test_default_init_matches_torch_distribution():
    """Same bounds as PyTorch's defaults: U(+-1/sqrt(fan_in)) for weights and biases."""
    mg.manual_seed(0)
    for layer, fan_in in [(nn.Linear(64, 32), 64), (nn.Conv2d(8, 16, 3), 72),
                          (nn.ConvTranspose2d(8, 4, 3), 36), (nn.Conv1d(6, 4, 5), 30)]:
        b = 1 / math.sqrt(fan_in)
        w = layer.weight.numpy()
        assert np.abs(w).max() <= b and np.abs(w).max() > 0.9 * b
        assert np.abs(layer.bias.numpy()).max() <= b
        assert w.dtype == np.float32
    e = nn.Embedding(1000, 8, padding_idx=3)
    assert abs(e.weight.numpy().std() - 1) < 0.05 and not e.weight.numpy()[3].any()


def test_reprs_match_torch():
    for make in [lambda M: M.Conv2d(3, 8, 3, stride=2, padding=1, bias=False),
                 lambda M: M.Conv2d(3, 8, (3, 5), groups=1, dilation=2),
                 lambda M: M.ConvTranspose2d(4, 2, 2, stride=2),
                 lambda M: M.BatchNorm2d(8), lambda M: M.BatchNorm1d(4, momentum=None),
                 lambda M: M.LayerNorm(5), lambda M: M.Dropout(0.25), lambda M: M.Embedding(10, 3),
                 lambda M: M.MaxPool2d(2), lambda M: M.Linear(3, 2), lambda M: M.LeakyReLU(0.2),
                 lambda M: M.Flatten(), lambda M: M.Softmax(dim=1)]:
        assert repr(make(nn)) == repr(make(torch.nn))


# ----------------------------------------------------------------------------- pooling / resizing

POOLS = [
    ("maxpool", lambda M: M.MaxPool2d(2), (2, 2, 4, 6)),
    ("maxpool-overlap-pad", lambda M: M.MaxPool2d(3, stride=2, padding=1), (1, 2, 5, 5)),
    ("avgpool", lambda M: M.AvgPool2d(2), (2, 2, 4, 4)),
    ("avgpool-pad-nocount", lambda M: M.AvgPool2d(3, 2, 1, count_include_pad=False), (1, 2, 5, 5)),
    ("adaptive", lambda M: M.AdaptiveAvgPool2d((2, 3)), (2, 2, 5, 7)),
    ("global", lambda M: M.AdaptiveAvgPool2d(1), (2, 3, 4, 4)),
    ("upsample-nearest", lambda M: M.Upsample(scale_factor=2), (1, 2, 3, 3)),
    ("upsample-bilinear", lambda M: M.Upsample(size=(5, 7), mode="bilinear", align_corners=True),
     (1, 2, 3, 4)),
    ("flatten", lambda M: M.Flatten(), (2, 3, 2, 2)),
    ("unflatten", lambda M: M.Unflatten(1, (2, 3)), (4, 6)),
    ("identity", lambda M: M.Identity(), (2, 3)),
]


@pytest.mark.parametrize("name,make,shape", POOLS, ids=[p[0] for p in POOLS])
def test_parameterless_layer_matches_torch(name, make, shape):
    x = np.random.default_rng(3).permutation(int(np.prod(shape))).reshape(shape) / 7.0  # no ties
    _compare(make(nn), make(torch.nn), x)


def test_max_unpool_matches_torch():
    x = np.random.default_rng(4).permutation(32).reshape(1, 2, 4, 4) / 5.0
    pool, tpool = nn.MaxPool2d(2, return_indices=True), torch.nn.MaxPool2d(2, return_indices=True)
    y, idx = pool(mg.tensor(x))
    ty, tidx = tpool(torch.from_numpy(x))
    np.testing.assert_array_equal(idx.numpy(), tidx.numpy())
    _compare(nn.MaxUnpool2d(2), torch.nn.MaxUnpool2d(2), y.numpy(),
             extra=((idx,), (tidx,)))


ACTIVATIONS = ["ReLU", "ReLU6", "LeakyReLU", "ELU", "SELU", "GELU", "Sigmoid", "Tanh",
               "Softplus", "Hardtanh"]


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_modules_match_torch(name):
    x = _x(3, 4, seed=5, low=-7, high=7)
    x[np.abs(x) < 0.05] = 0.3
    x[np.abs(x - 6) < 0.05] = 5.5
    x[np.abs(np.abs(x) - 1) < 0.05] = 0.5
    _compare(getattr(nn, name)(), getattr(torch.nn, name)(), x)


@pytest.mark.parametrize("name,kw", [("LeakyReLU", {"negative_slope": 0.2}), ("ELU", {"alpha": 0.5}),
                                     ("GELU", {"approximate": "tanh"}),
                                     ("Softplus", {"beta": 2.0, "threshold": 5.0}),
                                     ("Hardtanh", {"min_val": -0.5, "max_val": 2.0}),
                                     ("Softmax", {"dim": 1}), ("LogSoftmax", {"dim": 0})])
def test_activation_module_options(name, kw):
    x = _x(3, 4, seed=6)
    x[np.abs(x) < 0.05] = 0.3
    x[np.abs(x + 0.5) < 0.05] = -0.3
    _compare(getattr(nn, name)(**kw), getattr(torch.nn, name)(**kw), x)


def test_hard_sigmoid_module_is_keras_form():
    y = nn.HardSigmoid()(mg.tensor([-3.0, 0.0, 1.0, 3.0]))
    np.testing.assert_allclose(y.numpy(), [0.0, 0.5, 0.7, 1.0], rtol=1e-6)


# ----------------------------------------------------------------------------- batch norm

BNS = [
    ("bn1d", lambda M: M.BatchNorm1d(3), (5, 3)),
    ("bn1d-3d", lambda M: M.BatchNorm1d(3, momentum=0.3), (4, 3, 5)),
    ("bn2d", lambda M: M.BatchNorm2d(2), (3, 2, 3, 4)),
    ("bn2d-cumulative", lambda M: M.BatchNorm2d(2, momentum=None), (3, 2, 2, 2)),
    ("bn2d-no-affine", lambda M: M.BatchNorm2d(2, affine=False, eps=1e-3), (2, 2, 3, 3)),
    ("bn1d-no-tracking", lambda M: M.BatchNorm1d(3, track_running_stats=False), (6, 3)),
]


@pytest.mark.parametrize("train", [True, False])
@pytest.mark.parametrize("name,make,shape", BNS, ids=[b[0] for b in BNS])
def test_batchnorm_matches_torch(name, make, shape, train):
    """Training: three steps (running statistics, num_batches_tracked); then eval as well."""
    torch.manual_seed(0)
    theirs, ours = make(torch.nn), make(nn)
    with torch.no_grad():
        for p in theirs.parameters():
            p.add_(torch.rand_like(p))
        if theirs.running_var is not None:
            theirs.running_var.add_(torch.rand_like(theirs.running_var))
            theirs.running_mean.add_(torch.rand_like(theirs.running_mean) - 0.5)
    _compare(ours, theirs, _x(*shape, seed=2) * 1.5 + 0.3, train=train, steps=3 if train else 1)


@pytest.mark.parametrize("name,make,shape", BNS[:5], ids=[b[0] for b in BNS[:5]])
@pytest.mark.parametrize("train", [True, False])
def test_batchnorm_gradcheck(name, make, shape, train):
    """Train mode includes the batch coupling (one batch-level scalar); running stats are
    restored after the check."""
    mg.manual_seed(2)
    m = make(nn).double()
    for p in m.parameters():
        p.data += np.random.default_rng(0).uniform(0, 1, p.shape)
    m.train(train)
    before = {k: v.numpy().copy() for k, v in m.state_dict().items()}
    _gradcheck_module(m, _x(*shape, seed=3))
    m.load_state_dict(before)


def test_batchnorm_eps_mode_std_plus_eps():
    x = _x(4, 3, seed=4)
    bn = nn.BatchNorm1d(3, eps=0.1, eps_mode="std_plus_eps").double()
    y = bn(mg.tensor(x)).numpy()
    np.testing.assert_allclose(y, (x - x.mean(0)) / (x.std(0) + 0.1), rtol=1e-12)
    bn.eval()
    rm, rv = bn.running_mean.numpy(), bn.running_var.numpy()
    np.testing.assert_allclose(bn(mg.tensor(x)).numpy(), (x - rm) / (np.sqrt(rv) + 0.1), rtol=1e-12)
    bn.train()
    _gradcheck_module(bn, x)


def test_batchnorm_tf_momentum_and_ema():
    x = _x(5, 2, seed=5)
    m, v = x.mean(0), x.var(0, ddof=1)
    bn = nn.BatchNorm1d(2, tf_momentum=0.9).double()
    bn(mg.tensor(x))
    np.testing.assert_allclose(bn.running_mean.numpy(), 0.1 * m, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.numpy(), 0.9 + 0.1 * v, rtol=1e-12)
    bn = nn.BatchNorm1d(2, ema_decay=0.9999).double()
    rm, rv = np.zeros(2), np.ones(2)
    for i in range(4):                      # d_eff = min(d, (1 + i)/(10 + i)), i = 0, 1, ...
        bn(mg.tensor(x))
        d = min(0.9999, (1 + i) / (10 + i))
        rm, rv = d * rm + (1 - d) * m, d * rv + (1 - d) * v
        np.testing.assert_allclose(bn.running_mean.numpy(), rm, rtol=1e-12)
        np.testing.assert_allclose(bn.running_var.numpy(), rv, rtol=1e-12)
    assert int(bn.num_batches_tracked.item()) == 4
    bn = nn.BatchNorm1d(2, momentum=0.5, unbiased_running_var=False).double()
    bn(mg.tensor(x))
    np.testing.assert_allclose(bn.running_var.numpy(), 0.5 + 0.5 * x.var(0), rtol=1e-12)
    with pytest.raises(ValueError):
        nn.BatchNorm1d(2, tf_momentum=0.9, ema_decay=0.9)


def test_batchnorm_center_scale_switches():
    bn = nn.BatchNorm2d(3, scale=False)            # V-13: offset only
    assert bn.weight is None and bn.bias is not None
    assert [n for n, _ in bn.named_parameters()] == ["bias"]
    bn = nn.BatchNorm2d(3, center=False)
    assert bn.bias is None and bn.weight is not None
    assert list(nn.BatchNorm2d(3).state_dict()) == ["weight", "bias", "running_mean",
                                                    "running_var", "num_batches_tracked"]


def test_batchnorm_errors():
    with pytest.raises(ValueError, match="more than 1 value"):
        nn.BatchNorm1d(3)(mg.zeros(1, 3))
    with pytest.raises(ValueError, match="4-D"):
        nn.BatchNorm2d(3)(mg.zeros(2, 3))
    with pytest.raises(ValueError, match="channels"):
        nn.BatchNorm1d(3)(mg.zeros(2, 4))


def test_batchnorm_float32_and_buffers_follow_to():
    bn = nn.BatchNorm2d(4)
    y = bn(mg.randn(3, 4, 2, 2))
    assert y.dtype == np.float32 and bn.running_mean.dtype == np.float32
    bn.double()
    assert bn.running_var.dtype == np.float64 and bn.num_batches_tracked.dtype == np.int64


# ----------------------------------------------------------------------------- dropout

def test_dropout_statistics_and_eval():
    mg.manual_seed(0)
    d = nn.Dropout(0.3)
    y = d(mg.ones(200, 100)).numpy()
    assert abs((y == 0).mean() - 0.3) < 0.01
    np.testing.assert_allclose(y[y != 0], 1 / 0.7, rtol=1e-6)
    d.eval()
    x = mg.ones(3, 3)
    assert d(x) is x
    assert nn.Dropout(keep_prob=0.75).p == 0.25
    with pytest.raises(ValueError):
        nn.Dropout(p=0.5, keep_prob=0.5)


def test_dropout_reproducible_and_gradcheck_with_reseeded_generator():
    g = mg.Generator(seed=3)
    d = nn.Dropout(0.5, generator=g)
    _gradcheck_module(d, _x(4, 5), reseed=lambda: g.manual_seed(3))
    mg.manual_seed(5)
    a = nn.Dropout(0.5)(mg.ones(10, 10)).numpy()
    mg.manual_seed(5)
    b = nn.Dropout(0.5)(mg.ones(10, 10)).numpy()
    np.testing.assert_array_equal(a, b)


def test_dropout_gradient_is_mask_over_keep():
    x = mg.ones(4, 6, requires_grad=True)
    y = nn.Dropout(0.25)(x)
    y.backward(mg.ones(4, 6))
    np.testing.assert_allclose(x.grad.numpy(), y.numpy())


def test_dropout2d_drops_whole_channels():
    mg.manual_seed(1)
    y = nn.Dropout2d(0.5)(mg.ones(8, 16, 3, 3)).numpy()
    per_channel = y.reshape(8, 16, 9)
    assert ((per_channel == 0).all(-1) | (per_channel == 2).all(-1)).all()
    assert 0.3 < (per_channel[..., 0] == 0).mean() < 0.7


def test_dropout_noise_shape():
    mg.manual_seed(2)
    y = nn.Dropout(0.5, noise_shape=(None, 1, 4))(mg.ones(3, 5, 4)).numpy()
    assert (y == y[:, :1, :]).all()


# ----------------------------------------------------------------------------- embedding

@pytest.mark.parametrize("kw", [{}, {"padding_idx": 2}, {"scale_grad_by_freq": True},
                                {"padding_idx": 0, "scale_grad_by_freq": True}])
def test_embedding_matches_torch(kw):
    ids = np.array([[0, 2, 4, 2], [1, 2, 0, 4]])
    torch.manual_seed(0)
    _compare(nn.Embedding(5, 3, **kw), torch.nn.Embedding(5, 3, **kw), ids, int_input=True)


def test_embedding_max_norm_matches_torch():
    ids = np.array([0, 3, 3, 1])
    torch.manual_seed(0)
    theirs = torch.nn.Embedding(4, 3, max_norm=1.0).double()
    ours = nn.Embedding(4, 3, max_norm=1.0).double()
    _copy_from_torch(ours, theirs)
    y, ty = ours(mg.tensor(ids)), theirs(torch.from_numpy(ids))
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(ours.weight.numpy(), theirs.weight.detach().numpy(), rtol=1e-6)


def test_embedding_gradcheck_and_errors():
    e = nn.Embedding(6, 2).double()
    ids = mg.tensor([[1, 5, 1], [0, 1, 3]])
    assert mg.gradcheck(lambda w: e(ids), [e.weight])
    with pytest.raises(IndexError, match="index 6 is out of range.*6 rows"):
        e(mg.tensor([1, 6]))
    with pytest.raises(IndexError, match="index -1"):
        e(mg.tensor([-1, 2]))
    with pytest.raises(TypeError, match="integers"):
        e(mg.tensor([1.0]))


def test_embedding_from_pretrained_frozen():
    w = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    e = nn.Embedding.from_pretrained(w)
    assert not e.weight.requires_grad
    np.testing.assert_array_equal(e(mg.tensor([1, 0])).numpy(), [[3, 4], [1, 2]])


# ----------------------------------------------------------------------------- a small model end to end

def test_small_cnn_training_step_matches_torch():
    """Conv -> BN -> ReLU -> MaxPool -> Flatten -> Linear with cross-entropy and one SGD step."""
    def build(M):
        return M.Sequential(M.Conv2d(1, 4, 3, padding=1), M.BatchNorm2d(4), M.ReLU(),
                            M.MaxPool2d(2), M.Flatten(), M.Linear(4 * 3 * 3, 5))
    torch.manual_seed(0)
    theirs, ours = build(torch.nn).double(), build(nn).double()
    _copy_from_torch(ours, theirs)
    x = _x(6, 1, 6, 6, seed=9)
    labels = np.array([0, 1, 2, 3, 4, 0])
    opt = mg.optim.SGD(ours.parameters(), lr=0.1, momentum=0.9)
    topt = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9)
    for _ in range(2):
        loss = mg.functional.cross_entropy(ours(mg.tensor(x)), mg.tensor(labels))
        tloss = torch.nn.functional.cross_entropy(theirs(torch.from_numpy(x)),
                                                  torch.from_numpy(labels))
        assert float(loss) == pytest.approx(tloss.item(), rel=1e-10)
        opt.zero_grad()
        topt.zero_grad()
        loss.backward()
        tloss.backward()
        opt.step()
        topt.step()
    tsd = theirs.state_dict()
    for k, v in ours.state_dict().items():
        np.testing.assert_allclose(v.numpy(), tsd[k].numpy(), rtol=1e-9, atol=1e-12, err_msg=k)


@pytest.mark.gpu
def test_model_on_cuda_matches_cpu():
    """Conv, batch norm (fused CuPy kernels), dropout off, embedding-free CNN + Adam on the GPU
    equals the CPU run (float64)."""
    def build():
        return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                             nn.Flatten(), nn.Linear(4 * 6 * 6, 3), nn.LayerNorm(3))
    mg.manual_seed(0)
    cpu = build().double()
    gpu = build().double()
    gpu.load_state_dict(cpu.state_dict())
    gpu.to("cuda")
    x = _x(5, 1, 6, 6, seed=3)
    outs = []
    for model, dev in ((cpu, "cpu"), (gpu, "cuda")):
        opt = mg.optim.Adam(model.parameters(), lr=0.01)
        for _ in range(2):
            opt.zero_grad()
            y = model(mg.tensor(x, device=dev))
            y.backward(mg.ones(*y.shape, dtype=mg.float64, device=dev))
            opt.step()
        outs.append({k: v.numpy() for k, v in model.state_dict().items()})
    for k in outs[0]:
        np.testing.assert_allclose(outs[1][k], outs[0][k], rtol=1e-9, atol=1e-12, err_msg=k)
