"""S-06 / S-07 character-level generators: zoo presets, end-to-end float64 gradcheck through
time, a few training steps lower the loss on the (tiny) Shakespeare corpus, generation (greedy,
temperature, stateful == re-feed), the sample callback, full training marked slow."""
import numpy as np
import pytest

import minigrad as mg
from arch_checks import train_steps
from minigrad import optim
from minigrad.data import DataLoader, TensorDataset
from minigrad.data.sequence import CharVocab, text_windows
from minigrad.training import Trainer
from models import zoo
from models.sequence import CharGenerator, SampleText, generate
from models.sequence import datasets as D

TEXT = ("to be, or not to be, that is the question: whether 'tis nobler in the mind to suffer "
        "the slings and arrows of outrageous fortune, or to take arms against a sea of troubles ")


def _shakespeare(config="tiny"):
    try:
        return D.char_corpus(config)
    except FileNotFoundError as e:
        pytest.skip(f"Shakespeare corpus (DS-05) not installed: {e}")


@pytest.mark.parametrize("model_id,cell,p,hidden", [("S-06", "rnn", 0.3, 800), ("S-07", "lstm", 0.4, 800)])
def test_zoo_presets(model_id, cell, p, hidden):
    info = zoo.get(model_id)
    book = info.training("book")
    assert book["seq_len"] == (100 if model_id == "S-06" else 160)
    assert book["batch_size"] == 100 and book["epochs"] == 300
    assert book["optimizer"] == ("rmsprop", 1e-3, {"alpha": 0.9, "eps": 1e-8})
    tiny = info.build("tiny")
    assert isinstance(tiny, CharGenerator) and tiny.cell == cell and tiny.p == p
    assert len(tiny.rnns) == 2 and tiny.hidden_size == 32


def test_book_sizes_two_layers_of_800():
    m = CharGenerator(57, 800, 2, "rnn", 0.3)
    shapes = {k: p.shape for k, p in m.named_parameters()}
    assert shapes["rnns.0.weight_ih_l0"] == (800, 57) and shapes["rnns.1.weight_hh_l0"] == (800, 800)
    assert shapes["head.weight"] == (57, 800)
    assert m.rnns[0].nonlinearity == "relu"
    w = m.rnns[1].weight_hh_l0.data.astype(np.float64)      # Keras init: orthogonal recurrent matrix
    np.testing.assert_allclose(w @ w.T, np.eye(800), atol=1e-4)
    lstm = CharGenerator(57, 16, 2, "lstm", 0.4)             # forget-gate bias 1
    b = lstm.rnns[0].bias_ih_l0.data + lstm.rnns[0].bias_hh_l0.data
    np.testing.assert_array_equal(b[16:32], 1.0)
    assert lstm.rnns[1].weight_ih_l0.shape == (64, 16)


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_tiny_gradcheck_through_time_float64(cell):
    """All parameters (random direction + spot checks) through 6 steps and 2 layers, dropout
    masks held fixed by reseeding at every evaluation."""
    mg.manual_seed(0)
    m = CharGenerator(7, 5, 2, cell, dropout=0.3 if cell == "rnn" else 0.4).to(dtype=mg.float64)
    m.train()
    ids = np.random.default_rng(0).integers(0, 7, (2, 6))
    y = mg.tensor(np.random.default_rng(1).integers(0, 7, (2, 6)))
    params = list(m.parameters())

    def loss(*ps):
        mg.manual_seed(3)
        return m.loss(m(ids), y)
    assert mg.gradcheck(loss, params, fast=True, atol=1e-7, rtol=1e-5, spot_checks=5)


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_few_training_steps_lower_the_loss_on_shakespeare(cell):
    text, vocab = _shakespeare("tiny")
    X, Y = text_windows(vocab.encode(text[:20000]), 25)
    mg.manual_seed(0)
    m = CharGenerator(len(vocab), 32, 2, cell, dropout=0.0)
    before, after = train_steps(m, X[:32], mg.tensor(Y[:32]), m.loss, steps=15, lr=1e-2)
    assert after < 0.9 * before, (before, after)


def test_generation_greedy_temperature_and_modes_agree():
    vocab = CharVocab(TEXT)
    mg.manual_seed(1)
    m = CharGenerator(len(vocab), 16, 2, "lstm", dropout=0.4)
    m.train()                                    # generate() switches to eval and back
    g_state = generate(m, vocab, "to be", 30, temperature=0)
    g_refeed = generate(m, vocab, "to be", 30, temperature=0, mode="refeed", window=100)
    assert g_state == g_refeed and len(g_state) == 30 and m.training
    s1 = generate(m, vocab, "to be", 30, temperature=1.0, generator=mg.Generator(seed=5))
    s2 = generate(m, vocab, "to be", 30, temperature=1.0, generator=mg.Generator(seed=5), mode="refeed")
    assert s1 == s2 and set(s1) <= set(vocab.chars)
    short = generate(m, vocab, "to be", 30, temperature=0, mode="refeed", window=3)
    assert len(short) == 30                      # window shorter than the context: book mode
    with pytest.raises(ValueError, match="seed_text"):
        generate(m, vocab, "", 5)


def test_char_ids_out_of_range():
    m = CharGenerator(5, 4, 1, "rnn")
    with pytest.raises(IndexError, match=r"character ids must lie in \[0, 5\)"):
        m(np.array([[0, 5]]))


def test_sample_callback_every_k_epochs():
    vocab = CharVocab(TEXT)
    X, Y = text_windows(vocab.encode(TEXT), 20)
    mg.manual_seed(0)
    m = CharGenerator(len(vocab), 8, 1, "rnn", dropout=0.0)
    cb = SampleText(vocab, seed="to ", every=2, length=12, verbose=False)
    tr = Trainer(m, optim.RMSprop(m.parameters(), lr=1e-3, alpha=0.9), m.loss,
                 DataLoader(TensorDataset(X, Y), batch_size=4), callbacks=[cb], progress=False,
                 verbose=False)
    tr.fit(epochs=4)
    assert [e for e, _ in cb.samples] == [2, 4] and all(len(t) == 12 for _, t in cb.samples)


@pytest.mark.slow
@pytest.mark.parametrize("model_id", ["S-06", "S-07"])
def test_cli_tiny_training_run(model_id, tmp_path):
    _shakespeare("tiny")
    from models.cli import main
    assert main(["train", model_id, "--config", "tiny", "--no-progress", "--out", str(tmp_path),
                 "--steps", "200"]) == 0


def test_book_callbacks(tmp_path):
    from minigrad.training import EarlyStopping, ModelCheckpoint
    from models.sequence.entries import book_callbacks
    cbs = book_callbacks("S-07", str(tmp_path), CharVocab(TEXT))
    stop = [c for c in cbs if isinstance(c, EarlyStopping)][0]
    assert stop.monitor == "loss" and stop.patience == 50          # training loss (erratum)
    assert [c for c in cbs if isinstance(c, ModelCheckpoint)][0].save_best_only
    assert [c for c in cbs if isinstance(c, SampleText)][0].length == 500
    assert book_callbacks("S-09", str(tmp_path))[0].patience == 10
    with pytest.raises(KeyError):
        book_callbacks("S-99", str(tmp_path))
