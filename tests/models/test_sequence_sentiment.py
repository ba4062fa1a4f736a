"""S-09 bidirectional-LSTM sentiment classifier and its DS-17 data: Keras index conventions and
padding, the architecture, float64 gradcheck through both directions (recurrent dropout masks held
fixed), a few training steps lower the loss, right-context dependence of the stand-in."""
import numpy as np
import pytest

import minigrad as mg
from arch_checks import train_steps
from minigrad.data.sequence import pad_sequences
from models import zoo
from models.sequence import BiLSTMSentiment
from models.sequence import datasets as D
from models.sequence.entries import load_data


def test_imdb_like_generator_conventions():
    (a, ya), (b, yb), word_index = D.make_imdb_like((300, 100), seed=42)
    assert len(a) == 300 and len(b) == 100 and set(np.unique(ya)) <= {0, 1}
    lengths = np.array([len(s) for s in a])
    assert lengths.min() >= 10 and lengths.max() <= 2500 and 100 < np.median(lengths) < 260
    assert 0.4 < ya.mean() < 0.6
    (a2, _), _, _ = D.make_imdb_like((300, 100), seed=42)
    assert all(np.array_equal(s, t) for s, t in zip(a, a2))                    # deterministic
    assert word_index["w1"] == 1 and len([k for k in word_index if k.startswith("not")]) == 10
    (x, y), _ = D.load_imdb_like((300, 100), num_words=5000, skip_top=10)
    x0 = x[0]
    assert x0[0] == 2                 # Keras: the start token 1 < skip_top becomes OOV (2)
    assert np.all((x0 == 2) | ((x0 >= 10) & (x0 < 5000)))


def test_sentiment_words_and_reversers_carry_the_label():
    """A bag-of-words polarity score with reversers to the RIGHT of a word agrees with the
    label far above chance (the task is learnable and context to the right matters)."""
    rng = np.random.Generator(np.random.PCG64(42))
    pos, neg, rev, _, _ = D._imdb_vocabulary(rng)
    (a, ya), _, _ = D.make_imdb_like((400, 10), seed=42)
    ps, rs = set(pos.tolist()), set(rev.tolist())
    agree = 0
    for s, y in zip(a, ya):
        net = 0
        for i, w in enumerate(s):
            if w in ps or w in set(neg.tolist()):
                sign = 1 if w in ps else -1
                if any(v in rs for v in s[i + 1:i + 4]):
                    sign = -sign
                net += sign
        agree += (net > 0) == (y == 1)
    assert agree / len(a) > 0.85


def test_padding_matches_keras_defaults_and_validation_split():
    (x, y), (xv, yv), (xt, yt) = load_data({**zoo.get("S-09").training("tiny"), "maxlen": 200}, "tiny")
    assert x.shape == (450, 200) and y.shape == (450, 1) and xv.shape == (50, 200)
    assert xt.shape == (1000, 200)                                     # test set untouched
    short = [i for i in range(len(x)) if x[i, 0] == 0]
    assert short and all(x[i, -1] != 0 for i in short)                 # pre-padding


def test_book_architecture():
    m = zoo.build("S-09", "book")
    assert m.embedding.weight.shape == (5000, 128)
    assert np.abs(m.embedding.weight.data).max() <= 0.05
    assert m.lstm.bidirectional and m.lstm.hidden_size == 128
    assert m.lstm.input_dropout == 0.2 and m.lstm.recurrent_dropout == 0.2
    assert m.head.weight.shape == (1, 256)
    out = m(pad_sequences([[1, 5, 9], [4] * 250], maxlen=200))
    assert out.shape == (2, 1)


def test_tiny_gradcheck_both_directions_float64():
    mg.manual_seed(0)
    m = BiLSTMSentiment(30, 4, 3).to(dtype=mg.float64)
    m.train()                                        # recurrent dropout active, masks reseeded
    ids = np.random.default_rng(0).integers(0, 30, (3, 6))
    y = mg.tensor(np.array([[1.0], [0.0], [1.0]]))
    params = list(m.parameters())

    def loss(*ps):
        mg.manual_seed(9)
        return m.loss(m(ids), y)
    assert mg.gradcheck(loss, params, fast=True, atol=1e-8, rtol=1e-5, spot_checks=5)


def test_few_training_steps_lower_the_loss():
    (x, y), _, _ = load_data(zoo.get("S-09").training("tiny"), "tiny")
    mg.manual_seed(0)
    m = BiLSTMSentiment(5000, 8, 8)
    before, after = train_steps(m, x[:64], mg.tensor(y[:64]), m.loss, steps=10, lr=1e-2)
    assert after < before - 0.05, (before, after)


def test_token_ids_out_of_range():
    m = BiLSTMSentiment(100, 4, 3)
    with pytest.raises(IndexError, match="index 100 is out of range"):
        m(np.array([[1, 100]]))


@pytest.mark.slow
def test_cli_tiny_training_run(tmp_path):
    from models.cli import main
    assert main(["train", "S-09", "--config", "tiny", "--no-progress", "--out", str(tmp_path)]) == 0
