"""S-08 GRU price regressor and its DS-16 data: CSV format, windows and scaling as the book,
the Keras GRU form, float64 gradcheck through 10 steps, training lowers the loss below the
start and the naive last-value baseline is computed."""
import io

import numpy as np
import pytest

import minigrad as mg
from minigrad import optim
from models import zoo
from models.sequence import PriceGRU, naive_baseline_mse
from models.sequence import datasets as D
from models.sequence.entries import load_data


def test_random_walk_csv_format_and_determinism():
    cols = D.random_walk_prices("book", seed=0)
    assert len(cols["Close"]) == 4276 and cols["Date"][0] == "2001-01-02"
    assert cols["Date"][3] == "2001-01-05" and cols["Date"][4] == "2001-01-08"   # business days
    assert np.all(cols["High"] >= np.maximum(cols["Open"], cols["Close"]))
    assert np.all(cols["Low"] <= np.minimum(cols["Open"], cols["Close"]))
    a, b = io.StringIO(), io.StringIO()
    D.write_prices_csv(cols, a)
    D.write_prices_csv(D.random_walk_prices("book", seed=0), b)
    assert a.getvalue() == b.getvalue()                                          # byte-identical
    header = a.getvalue().splitlines()[0]
    assert header == "Date,Open,High,Low,Close,Adj Close,Volume"
    a.seek(0)
    np.testing.assert_allclose(D.read_close(a), cols["Close"], rtol=1e-9)
    r = np.diff(np.log(cols["Close"]))
    assert abs(r.std() - 0.012) < 0.001                                          # GBM volatility
    g = D.random_walk_prices("tiny", seed=1, garch=True)["Close"]
    assert len(g) == 600 and np.all(g > 0)


def test_book_windows_split_and_scaling():
    (x, y), (xt, yt) = load_data(zoo.get("S-08").training("book"), "book")
    assert x.shape == (2986, 10, 1) and xt.shape == (1280, 10, 1) and y.shape == (2986, 1)
    np.testing.assert_allclose(x[:, -1, 0], 1.0, rtol=1e-6)                        # divided by last
    close = D.load_prices("book")
    np.testing.assert_allclose(y[5, 0], close[15] / close[14], rtol=1e-6)
    assert naive_baseline_mse(yt) == pytest.approx(np.mean((yt - 1) ** 2))


def test_zoo_preset_is_the_keras_gru():
    info = zoo.get("S-08")
    assert info.training("book")["optimizer"][:2] == ("rmsprop", 6e-4)
    m = info.build("book")
    assert m.gru.reset_after is False and m.gru.hidden_size == 256
    assert sum(p.numel() for p in m.parameters()) == 3 * (256 + 256 * 256 + 256) + 257


def test_tiny_gradcheck_float64_through_10_steps():
    mg.manual_seed(0)
    m = PriceGRU(4).to(dtype=mg.float64)
    x = mg.tensor(1 + 0.01 * np.random.default_rng(0).standard_normal((3, 10, 1)), requires_grad=True)
    y = mg.tensor(np.random.default_rng(1).uniform(0.98, 1.02, (3, 1)))
    params = list(m.parameters())
    assert mg.gradcheck(lambda x, *ps: m.loss(m(x), y), [x, *params], fast=True, atol=1e-8, rtol=1e-5,
                        spot_checks=5)


def test_few_training_steps_lower_the_loss():
    (x, y), _ = load_data(zoo.get("S-08").training("tiny"), "tiny")
    mg.manual_seed(0)
    m = PriceGRU(16)
    opt = optim.RMSprop(m.parameters(), lr=3e-3, alpha=0.9, eps=1e-8)
    xb, yb = mg.tensor(x[:100]), mg.tensor(y[:100])
    losses = []
    for _ in range(20):
        opt.zero_grad()
        loss = m.loss(m(xb), yb)
        loss.backward()
        opt.step()
        losses.append(float(loss))
    assert losses[-1] < 0.1 * losses[0]
    assert 0 <= m.accuracy(m(xb), yb) <= 1
