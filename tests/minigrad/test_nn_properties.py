"""E-17 property tests from the texts for dropout, batch norm and summary's weight count."""
import itertools

import numpy as np

import minigrad as mg
from minigrad import nn
from minigrad import functional as F


def test_dropout_monte_carlo_expectation_eval_identity_and_gradient():
    mg.manual_seed(0)
    x = mg.tensor(np.linspace(-2, 2, 12).reshape(3, 4))
    d = nn.Dropout(0.3)
    mean = np.mean([d(x).numpy() for _ in range(4000)], axis=0)
    np.testing.assert_allclose(mean, x.numpy(), atol=0.05 * 2)      # E[dropout(x)] = x
    d.eval()
    np.testing.assert_array_equal(d(x).numpy(), x.numpy())
    d.train()
    xg = mg.tensor(x.numpy(), requires_grad=True)
    y = d(xg)
    y.backward(mg.ones(3, 4, dtype=mg.float64))
    mask = y.numpy() != 0
    np.testing.assert_allclose(xg.grad.numpy(), mask / 0.7)        # dx = mask/(1 - p)


def test_dropout_as_ensemble_weight_scaling_is_exact_geometric_mean():
    """softmax(0.7·Wx + b) equals the normalised geometric mean of softmax(W(m*x) + b) over all
    2^6 masks m, weighted by the masks' probabilities (keep 0.7)."""
    rng = np.random.default_rng(1)
    n, classes, keep = 6, 4, 0.7
    w, b, x = rng.standard_normal((classes, n)), rng.standard_normal(classes), rng.standard_normal(n)
    log_geo = np.zeros(classes)
    for bits in itertools.product([0, 1], repeat=n):
        m = np.array(bits, dtype=float)
        prob = np.prod(np.where(m == 1, keep, 1 - keep))
        logits = mg.tensor(w @ (m * x) + b)
        log_geo += prob * F.log_softmax(logits, dim=0).numpy()
    geo = np.exp(log_geo) / np.exp(log_geo).sum()
    scaled = F.softmax(mg.tensor(keep * (w @ x) + b), dim=0).numpy()
    np.testing.assert_allclose(scaled, geo, rtol=1e-12)


def test_batchnorm_train_statistics_recovery_and_eval_correction():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((64, 3, 4, 4)) * np.array([0.5, 2.0, 3.0])[None, :, None, None] + 1.5
    bn = nn.BatchNorm2d(3, eps=1e-5).double()
    gamma, beta = np.array([0.5, 1.0, 2.0]), np.array([-1.0, 0.0, 3.0])
    bn.weight.data[...], bn.bias.data[...] = gamma, beta
    y = bn(mg.tensor(x)).numpy()
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), beta, atol=1e-12)          # mean = beta
    var, mean = x.var(axis=(0, 2, 3)), x.mean(axis=(0, 2, 3))
    # std = gamma (exactly gamma·sqrt(var/(var + eps)))
    np.testing.assert_allclose(y.std(axis=(0, 2, 3)), gamma * np.sqrt(var / (var + 1e-5)), rtol=1e-10)
    # gamma = sqrt(Var + eps), beta = E[x] recover the input (the text's "gamma = Var" does not)
    bn.weight.data[...], bn.bias.data[...] = np.sqrt(var + 1e-5), mean
    np.testing.assert_allclose(bn(mg.tensor(x)).numpy(), x, rtol=1e-10, atol=1e-10)
    # eval: running statistics with the m/(m - 1) correction (momentum 1 keeps the last batch)
    bn = nn.BatchNorm2d(3, momentum=1.0).double()
    bn(mg.tensor(x))
    m = 64 * 4 * 4
    np.testing.assert_allclose(bn.running_var.numpy(), var * m / (m - 1), rtol=1e-12)
    bn.eval()
    expect = (x - mean[None, :, None, None]) / np.sqrt(var * m / (m - 1) + 1e-5)[None, :, None, None]
    np.testing.assert_allclose(bn(mg.tensor(x)).numpy(), expect, rtol=1e-10, atol=1e-12)


def test_weight_count_dense_vs_kernel():
    n, k = 8, 3
    dense = mg.summary(nn.Linear(n * n, k * k, bias=False), (n * n,), print_fn=None)
    conv = mg.summary(nn.Conv2d(1, 1, k, bias=False), (1, n, n), print_fn=None)
    assert dense.total_params == k * k * n * n
    assert conv.total_params == k * k
