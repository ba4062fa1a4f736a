"""Sequence utilities (S-10): vocabulary, windows, scaling, pad_sequences, one-hot, TBPTT
batches; sampling (greedy, temperature, top-k); embedding bad input as the sequence models use it."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.data import sequence as S
from minigrad.sampling import greedy, sample, temperature_probs, top_k_filter


def test_char_vocab_roundtrip_and_unknown_char():
    v = S.CharVocab("hello world\n")
    assert v.chars == sorted(set("hello world\n")) and len(v) == 9
    ids = v.encode("low\n")
    assert ids.dtype == np.int64 and v.decode(ids) == "low\n"
    with pytest.raises(KeyError, match="'z' is not in the vocabulary"):
        v.encode("zz")


def test_text_windows_shift_by_one_and_drop_tail():
    ids = np.arange(23)
    X, Y = S.text_windows(ids, 5)
    assert X.shape == Y.shape == (4, 5)           # (23 - 1) // 5 = 4; tail dropped
    np.testing.assert_array_equal(X[1], [5, 6, 7, 8, 9])
    np.testing.assert_array_equal(Y[1], [6, 7, 8, 9, 10])
    with pytest.raises(ValueError, match="no full window"):
        S.text_windows(np.arange(5), 5)


def test_series_windows_match_the_book_shapes():
    s = np.arange(4276, dtype=float)
    X, Y = S.series_windows(s, 10)
    assert X.shape == (4266, 10) and Y.shape == (4266,)
    np.testing.assert_array_equal(X[3], np.arange(3, 13))
    assert Y[3] == 13
    Xs, Ys, last = S.scale_windows(X[1:] + 1, Y[1:] + 1)
    np.testing.assert_allclose(Xs[:, -1], 1.0)
    np.testing.assert_allclose(S.unscale(Ys, last), Y[1:] + 1)
    a_tr, a_te, b_tr, b_te = S.chronological_split(X, Y, train_fraction=0.7)
    assert len(a_tr) == 2986 and len(a_te) == 1280 and b_tr[-1] + 1 == b_te[0]


def test_pad_sequences_keras_defaults_and_options():
    seqs = [[1, 2, 3], [4], [5, 6, 7, 8, 9]]
    np.testing.assert_array_equal(S.pad_sequences(seqs, maxlen=4),
                                  [[0, 1, 2, 3], [0, 0, 0, 4], [6, 7, 8, 9]])
    np.testing.assert_array_equal(S.pad_sequences(seqs, maxlen=4, padding="post", truncating="post", value=-1),
                                  [[1, 2, 3, -1], [4, -1, -1, -1], [5, 6, 7, 8]])
    assert S.pad_sequences(seqs).shape == (3, 5)
    assert S.pad_sequences([[], [1]], maxlen=2).tolist() == [[0, 0], [0, 1]]
    with pytest.raises(ValueError, match="padding must be 'pre' or 'post'"):
        S.pad_sequences(seqs, padding="left")


def test_decode_ids_inverts_the_keras_encoding():
    word_index = {"the": 1, "movie": 17, "great": 40}
    ids = [0, 0, 1, 20, 43, 2, 4]                 # pad, pad, start, movie, great, oov, the
    assert S.decode_ids(ids, word_index) == "<start> movie great <oov> the"


def test_one_hot():
    oh = S.one_hot(np.array([[0, 2], [1, 1]]), 3)
    assert oh.shape == (2, 2, 3) and oh.dtype == np.float32
    np.testing.assert_array_equal(oh.argmax(-1), [[0, 2], [1, 1]])
    assert oh.sum() == 4
    with pytest.raises(IndexError, match=r"ids must lie in \[0, 3\)"):
        S.one_hot([3], 3)


def test_tbptt_batches_rows_continue_across_chunks():
    ids = np.arange(101)
    chunks = list(S.tbptt_batches(ids, batch_size=4, seq_len=10))
    assert len(chunks) == 3 and chunks[0][0].shape == (4, 10) and chunks[-1][0].shape == (4, 5)
    row0 = np.concatenate([x[0] for x, _ in chunks])
    np.testing.assert_array_equal(row0, np.arange(25))
    np.testing.assert_array_equal(chunks[0][1][2], chunks[0][0][2] + 1)


# ----------------------------------------------------------------------------- sampling

def test_greedy_and_temperature_zero():
    logits = np.array([[0.1, 2.0, -1.0], [3.0, 3.0, 0.0]])
    np.testing.assert_array_equal(greedy(logits).data, [1, 0])   # first maximum on ties
    np.testing.assert_array_equal(sample(mg.tensor(logits), 0).data, [1, 0])
    assert int(sample(logits[0], temperature=0)) == 1


def test_temperature_sampling_frequencies():
    logits = np.log(np.array([0.5, 0.3, 0.2]))
    gen = mg.Generator(seed=0)
    draws = sample(np.tile(logits, (20000, 1)), 1.0, gen).data
    freq = np.bincount(draws, minlength=3) / draws.size
    np.testing.assert_allclose(freq, [0.5, 0.3, 0.2], atol=0.015)
    # p ∝ p^(1/τ): τ = 0.5 squares the probabilities
    np.testing.assert_allclose(temperature_probs(logits, 0.5), np.array([.25, .09, .04]) / .38)
    # τ -> 0 concentrates on the argmax
    assert temperature_probs(logits, 1e-3)[0] > 0.999


def test_sampling_is_reproducible_with_a_seeded_generator():
    logits = np.random.default_rng(0).standard_normal((5, 10))
    a = sample(logits, 0.8, mg.Generator(seed=3)).data
    b = sample(logits, 0.8, mg.Generator(seed=3)).data
    np.testing.assert_array_equal(a, b)


def test_top_k():
    logits = np.array([1.0, 5.0, 3.0, 4.0, 2.0])
    f = top_k_filter(logits, 2)
    assert np.isinf(f[[0, 2, 4]]).all() and f[1] == 5.0 and f[3] == 4.0
    draws = sample(np.tile(logits, (2000, 1)), 5.0, mg.Generator(seed=1), top_k=2).data
    assert set(np.unique(draws)) == {1, 3}
    with pytest.raises(ValueError, match=r"k must be in \[1, 5\]"):
        top_k_filter(logits, 0)
    with pytest.raises(ValueError, match="temperature must be >= 0"):
        sample(logits, -1.0)


def test_embedding_ids_out_of_range_raise_clearly():
    emb = nn.Embedding(10, 4)
    with pytest.raises(IndexError, match="index 10 is out of range .* 10 rows"):
        emb(mg.tensor(np.array([[1, 10]])))
    with pytest.raises(IndexError, match="index -1 is out of range"):
        emb(mg.tensor(np.array([-1, 2])))
