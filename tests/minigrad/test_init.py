"""nn.init: fans and gains as PyTorch, distributions, truncation, orthogonality, seeding."""
import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import init

SHAPES = [(20, 30), (8, 3, 5, 5), (6, 4, 7)]


@pytest.mark.parametrize("shape", SHAPES)
def test_fans_match_torch(shape):
    torch = pytest.importorskip("torch")
    ours = init._calculate_fan_in_and_fan_out(mg.zeros(*shape))
    theirs = torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(*shape))
    assert ours == theirs


def test_fan_of_vector_is_tf_convention():
    assert init._calculate_fan_in_and_fan_out(mg.zeros(7)) == (7, 7)
    with pytest.raises(ValueError):
        init._calculate_fan_in_and_fan_out(mg.zeros(()))


@pytest.mark.parametrize("nl,param", [("linear", None), ("conv2d", None), ("sigmoid", None),
                                      ("tanh", None), ("relu", None), ("leaky_relu", None),
                                      ("leaky_relu", 0.2), ("selu", None)])
def test_gain_matches_torch(nl, param):
    torch = pytest.importorskip("torch")
    assert init.calculate_gain(nl, param) == pytest.approx(torch.nn.init.calculate_gain(nl, param))
    with pytest.raises(ValueError):
        init.calculate_gain("swish")


def _draw(fn, shape=(400, 300), **kw):
    mg.manual_seed(0)
    t = mg.empty(*shape, dtype=mg.float64)
    out = fn(t, **kw)
    assert out is t
    return t.numpy()


@pytest.mark.parametrize("fn,kw,bound", [
    (init.uniform_, dict(a=-0.05, b=0.05), 0.05),
    (init.xavier_uniform_, {}, math.sqrt(6 / 700)),
    (init.xavier_uniform_, dict(gain=2.0), 2 * math.sqrt(6 / 700)),
    (init.kaiming_uniform_, dict(nonlinearity="relu"), math.sqrt(6 / 300)),
    (init.kaiming_uniform_, dict(a=math.sqrt(5)), 1 / math.sqrt(300)),
    (init.kaiming_uniform_, dict(nonlinearity="relu", mode="fan_out"), math.sqrt(6 / 400)),
    (init.he_uniform_, {}, math.sqrt(6 / 300)),
    (init.lecun_uniform_, {}, 2.4 / 300),
    (init.lecun_uniform_, dict(form="keras"), math.sqrt(3 / 300)),
])
def test_uniform_bounds(fn, kw, bound):
    x = _draw(fn, **kw)
    assert np.abs(x).max() <= bound
    assert np.abs(x).max() > 0.99 * bound
    assert abs(x.mean()) < 0.02 * bound
    assert x.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)


@pytest.mark.parametrize("fn,kw,std", [
    (init.normal_, dict(mean=0.0, std=0.02), 0.02),
    (init.xavier_normal_, {}, math.sqrt(2 / 700)),
    (init.kaiming_normal_, dict(nonlinearity="relu"), math.sqrt(2 / 300)),
    (init.he_normal_, {}, math.sqrt(2 / 300)),
])
def test_normal_std(fn, kw, std):
    x = _draw(fn, **kw)
    assert x.std() == pytest.approx(std, rel=0.02)
    assert abs(x.mean()) < 0.02 * std


def test_trunc_normal_redraws_beyond_two_sigma():
    x = _draw(init.trunc_normal_, mean=1.0, std=0.1)
    assert x.min() >= 0.8 and x.max() <= 1.2
    assert x.min() < 0.81 and x.max() > 1.19
    # a normal truncated at +-2 sigma has std 0.8796 sigma
    assert x.std() == pytest.approx(0.08796, rel=0.02)
    y = _draw(init.trunc_normal_, std=1.0, a=-0.5, b=1.0)
    assert y.min() >= -0.5 and y.max() <= 1.0


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (5, 2, 3)])
def test_orthogonal(shape):
    t = init.orthogonal_(mg.empty(*shape, dtype=mg.float64), gain=2.0)
    m = t.numpy().reshape(shape[0], -1)
    if m.shape[0] <= m.shape[1]:
        np.testing.assert_allclose(m @ m.T, 4 * np.eye(m.shape[0]), atol=1e-12)
    else:
        np.testing.assert_allclose(m.T @ m, 4 * np.eye(m.shape[1]), atol=1e-12)


def test_constants_and_eye():
    t = mg.empty(3, 4)
    assert (init.constant_(t, 0.1).numpy() == np.float32(0.1)).all()
    assert (init.zeros_(t).numpy() == 0).all() and (init.ones_(t).numpy() == 1).all()
    np.testing.assert_array_equal(init.eye_(t).numpy(), np.eye(3, 4))


def test_seeded_and_generator_reproducible():
    a, b = _draw(init.xavier_uniform_), _draw(init.xavier_uniform_)
    np.testing.assert_array_equal(a, b)
    g1, g2 = mg.Generator(seed=5), mg.Generator(seed=5)
    x = init.normal_(mg.empty(10), generator=g1).numpy()
    y = init.normal_(mg.empty(10), generator=g2).numpy()
    np.testing.assert_array_equal(x, y)


def test_init_of_parameter_needs_no_no_grad_and_bumps_version():
    lin = nn.Linear(3, 2)
    v = lin.weight._vc[0]
    init.zeros_(lin.weight)
    assert lin.weight._vc[0] == v + 1 and lin.weight.requires_grad


def test_errors():
    with pytest.raises(TypeError):
        init.uniform_(mg.zeros(3, dtype=mg.int64))
    with pytest.raises(ValueError):
        init.kaiming_uniform_(mg.empty(3, 3), mode="fan_avg")
    with pytest.raises(ValueError):
        init.orthogonal_(mg.empty(3))
