"""Recurrent layers and cells beyond the registry: agreement with torch.nn modules (weights
copied across), padded batches vs torch's packed sequences, gradchecks of whole modules
(bidirectional, 2 layers, masks, dropout), long sequences, truncated BPTT, initialisers, the
S-04 GRU -> RNN reduction, and clear errors for bad input."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import functional as F
from minigrad import nn

torch = pytest.importorskip("torch")

MODULES = [("LSTM", {}), ("GRU", {}), ("RNN", {"nonlinearity": "tanh"}), ("RNN", {"nonlinearity": "relu"})]


def _pair(name, kw, *args, **kwargs):
    """A minigrad module and a torch module with the same float64 weights."""
    m = getattr(nn, name)(*args, dtype=np.float64, **kwargs, **kw)
    t = getattr(torch.nn, name)(*args, dtype=torch.float64, **kwargs, **kw)
    t.load_state_dict({k: torch.tensor(v.data) for k, v in m.named_parameters()})
    return m, t


def _states(st):
    return list(st) if isinstance(st, tuple) else [st]


def _backward_both(outs_m, outs_t, seed=0):
    rng = np.random.default_rng(seed)
    ws = [rng.standard_normal(tuple(o.shape)) for o in outs_m]
    mg.autograd.run_backward(outs_m, ws)
    torch.autograd.backward(outs_t, [torch.tensor(w) for w in ws])


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("name,kw", MODULES, ids=["lstm", "gru", "rnn_tanh", "rnn_relu"])
def test_module_matches_torch(name, kw, batch_first):
    m, t = _pair(name, kw, 4, 5, num_layers=2, bidirectional=True, batch_first=batch_first)
    rng = np.random.default_rng(1)
    T, N = 7, 3
    x = rng.standard_normal((N, T, 4) if batch_first else (T, N, 4))
    L = 4
    h0 = rng.standard_normal((L, N, 5))
    c0 = rng.standard_normal((L, N, 5))
    mx, tx = mg.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    mh, th = mg.Tensor(h0, requires_grad=True), torch.tensor(h0, requires_grad=True)
    mc, tc = mg.Tensor(c0, requires_grad=True), torch.tensor(c0, requires_grad=True)
    if name == "LSTM":
        out_m, st_m = m(mx, (mh, mc))
        out_t, st_t = t(tx, (th, tc))
    else:
        out_m, st_m = m(mx, mh)
        out_t, st_t = t(tx, th)
    outs_m, outs_t = [out_m] + _states(st_m), [out_t] + _states(st_t)
    for a, b in zip(outs_m, outs_t):
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(a.data, b.detach().numpy(), rtol=1e-10, atol=1e-12)
    _backward_both(outs_m, outs_t)
    pairs = [(mx, tx), (mh, th)] + ([(mc, tc)] if name == "LSTM" else [])
    for a, b in pairs:
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-9, atol=1e-11)
    tp = dict(t.named_parameters())
    for k, p in m.named_parameters():
        np.testing.assert_allclose(p.grad.data, tp[k].grad.numpy(), rtol=1e-9, atol=1e-11, err_msg=k)


@pytest.mark.parametrize("name,kw", MODULES[:3], ids=["lstm", "gru", "rnn"])
def test_lengths_match_torch_packed_sequences(name, kw):
    m, t = _pair(name, kw, 3, 4, num_layers=2, bidirectional=True, batch_first=True)
    rng = np.random.default_rng(2)
    lengths = [6, 2, 4, 1]
    x = rng.standard_normal((4, 6, 3))
    mx, tx = mg.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out_m, st_m = m(mx, lengths=lengths)
    packed = torch.nn.utils.rnn.pack_padded_sequence(tx, torch.tensor(lengths), batch_first=True,
                                                     enforce_sorted=False)
    out_p, st_t = t(packed)
    out_t, _ = torch.nn.utils.rnn.pad_packed_sequence(out_p, batch_first=True, total_length=6)
    outs_m, outs_t = [out_m] + _states(st_m), [out_t] + _states(st_t)
    for a, b in zip(outs_m, outs_t):
        np.testing.assert_allclose(a.data, b.detach().numpy(), rtol=1e-10, atol=1e-12)
    for n, ln in enumerate(lengths):                       # padding outputs are exactly zero
        assert np.all(out_m.data[n, ln:] == 0)
    _backward_both(outs_m, outs_t)
    np.testing.assert_allclose(mx.grad.data, tx.grad.numpy(), rtol=1e-9, atol=1e-11)
    for n, ln in enumerate(lengths):                       # no gradient leaks into the padding
        assert np.all(mx.grad.data[n, ln:] == 0)
    tp = dict(t.named_parameters())
    for k, p in m.named_parameters():
        np.testing.assert_allclose(p.grad.data, tp[k].grad.numpy(), rtol=1e-9, atol=1e-11, err_msg=k)


@pytest.mark.parametrize("name,kw", [("LSTM", {}), ("LSTM", {"recurrent_activation": "hard_sigmoid"}),
                                     ("GRU", {}), ("GRU", {"reset_after": False}), ("RNN", {})],
                         ids=["lstm", "lstm-hard", "gru", "gru-keras", "rnn"])
def test_module_gradcheck_bidirectional_two_layers_masks_dropout(name, kw):
    """End-to-end float64 gradcheck through 5 steps, both directions, 2 layers, padded lengths,
    dropout between layers and variational input/recurrent dropout (masks re-drawn identically
    at every evaluation by reseeding)."""
    m = getattr(nn, name)(3, 3, num_layers=2, bidirectional=True, batch_first=True, dropout=0.3,
                          input_dropout=0.2, recurrent_dropout=0.2, dtype=np.float64, **kw)
    m.train()
    rng = np.random.default_rng(3)
    x = mg.Tensor(rng.standard_normal((3, 5, 3)), requires_grad=True)
    params = list(m.parameters())

    def fn(x, *ps):
        mg.manual_seed(7)
        out, st = m(x, lengths=[5, 3, 4])
        return (out, *_states(st))
    assert mg.gradcheck(fn, (x, *params), atol=1e-6, rtol=1e-4)


def test_recurrent_dropout_masks_are_reused_across_steps():
    """Keras semantics: one mask per sequence (and gate), the same at every step: the module in
    training mode equals the functional layer called with masks drawn once."""
    m = nn.LSTM(3, 4, input_dropout=0.5, recurrent_dropout=0.5, dtype=np.float64)
    x = mg.Tensor(np.random.default_rng(4).standard_normal((6, 2, 3)))
    mg.manual_seed(11)
    out, _ = m(x)
    mg.manual_seed(11)
    gen = mg.default_generator("cpu")
    mi = gen.bernoulli(0.5, (4, 2, 3), np.float64) * 2.0
    mh = gen.bernoulli(0.5, (4, 2, 4), np.float64) * 2.0
    ref, _, _ = F.lstm_layer(x, None, None, *m.all_weights[0], input_mask=mg.Tensor(mi),
                             hidden_mask=mg.Tensor(mh))
    np.testing.assert_array_equal(out.data, ref.data)
    m.eval()                                               # no dropout in eval mode
    out_eval, _ = m(x)
    ref_eval, _, _ = F.lstm_layer(x, None, None, *m.all_weights[0])
    np.testing.assert_array_equal(out_eval.data, ref_eval.data)


@pytest.mark.parametrize("cell,tcell,kw", [("RNNCell", "RNNCell", {}), ("LSTMCell", "LSTMCell", {}),
                                           ("GRUCell", "GRUCell", {})])
def test_cells_match_torch_cells(cell, tcell, kw):
    m = getattr(nn, cell)(4, 3, dtype=np.float64)
    t = getattr(torch.nn, tcell)(4, 3, dtype=torch.float64)
    t.load_state_dict({k: torch.tensor(v.data) for k, v in m.named_parameters()})
    rng = np.random.default_rng(5)
    xs = rng.standard_normal((5, 2, 4))
    h_m = h_t = None
    outs_m, outs_t = [], []
    for step in range(5):                                   # unrolled by hand, graph of cells
        h_m = m(mg.Tensor(xs[step]), h_m)
        h_t = t(torch.tensor(xs[step]), h_t)
        outs_m += _states(h_m)
        outs_t += _states(h_t)
    for a, b in zip(outs_m, outs_t):
        np.testing.assert_allclose(a.data, b.detach().numpy(), rtol=1e-10, atol=1e-12)
    _backward_both(outs_m[-2:], outs_t[-2:])
    tp = dict(t.named_parameters())
    for k, p in m.named_parameters():
        np.testing.assert_allclose(p.grad.data, tp[k].grad.numpy(), rtol=1e-9, atol=1e-11, err_msg=k)


def test_unbatched_input():
    m = nn.GRU(3, 4, num_layers=2, dtype=np.float64)
    x = np.random.default_rng(6).standard_normal((5, 3))
    out, h = m(mg.Tensor(x))
    out_b, h_b = m(mg.Tensor(x[:, None, :]))
    assert out.shape == (5, 4) and h.shape == (2, 4)
    np.testing.assert_array_equal(out.data, out_b.data[:, 0])
    np.testing.assert_array_equal(h.data, h_b.data[:, 0])


def test_500_step_sequence_backprops_without_recursion():
    m = nn.LSTM(2, 8, num_layers=2)
    x = mg.randn(500, 2, 2, requires_grad=True)
    out, _ = m(x)
    out.sum().backward()
    assert np.isfinite(x.grad.data).all() and np.abs(x.grad.data[0]).sum() > 0
    cell = nn.GRUCell(2, 4)                                 # 500 chained cell nodes
    h = None
    for t in range(500):
        h = cell(x[t], h)
    h.sum().backward()
    assert np.isfinite(cell.weight_hh.grad.data).all()


def test_truncated_bptt_detach_state():
    """Chunked processing with detach_state gives the same outputs as one pass, and gradients
    stop at the chunk border."""
    m = nn.LSTM(3, 4, dtype=np.float64)
    x = mg.Tensor(np.random.default_rng(8).standard_normal((10, 2, 3)), requires_grad=True)
    full, _ = m(x)
    state, outs = None, []
    for k in range(0, 10, 5):
        chunk = x[k:k + 5]
        out, state = m(chunk, state)
        outs.append(out)
        state = nn.detach_state(state)
    np.testing.assert_allclose(np.concatenate([o.data for o in outs]), full.data, rtol=1e-12, atol=1e-14)
    outs[1].sum().backward()
    assert np.all(x.grad.data[:5] == 0) and np.abs(x.grad.data[5:]).sum() > 0
    assert nn.detach_state(None) is None


def test_gru_reduces_to_vanilla_rnn():
    """S-04: with update gate p = 0 and reset gate r = 1 the (Keras) GRU is a tanh RNN."""
    g = nn.GRU(3, 4, reset_after=False, dtype=np.float64)
    r = nn.RNN(3, 4, dtype=np.float64)
    H = 4
    b = np.zeros(3 * H)
    b[:H], b[H:2 * H] = 60.0, -60.0                         # r -> 1, z -> 0
    g.bias_ih_l0.data[...] = b + np.r_[np.zeros(2 * H), r.bias_ih_l0.data + r.bias_hh_l0.data]
    g.weight_ih_l0.data[2 * H:] = r.weight_ih_l0.data
    g.weight_hh_l0.data[2 * H:] = r.weight_hh_l0.data
    g.weight_ih_l0.data[:2 * H] = 0
    g.weight_hh_l0.data[:2 * H] = 0
    x = mg.Tensor(np.random.default_rng(9).standard_normal((6, 2, 3)))
    np.testing.assert_allclose(g(x)[0].data, r(x)[0].data, atol=1e-12)


def test_keras_options_init_and_parameter_counts():
    lstm = nn.LSTM(5, 6, unit_forget_bias=True, init="keras")
    b_ih, b_hh = lstm.bias_ih_l0.data, lstm.bias_hh_l0.data
    np.testing.assert_array_equal(b_ih[6:12] + b_hh[6:12], 1.0)
    np.testing.assert_array_equal(np.delete(b_ih, np.s_[6:12]), 0.0)
    w = lstm.weight_hh_l0.data.astype(np.float64)           # orthogonal (24, 6): W^T W = I
    np.testing.assert_allclose(w.T @ w, np.eye(6), atol=1e-5)
    limit = np.sqrt(6 / (5 + 24))
    assert np.abs(lstm.weight_ih_l0.data).max() <= limit
    # S-08's Keras GRU(256) on (10, 1): 3 (F H + H H + H) parameters, one bias vector
    gru = nn.GRU(1, 256, reset_after=False)
    assert gru.bias_hh_l0 is None
    assert sum(p.numel() for p in gru.parameters()) == 3 * (256 + 256 * 256 + 256)
    # torch layout: two biases
    assert sum(p.numel() for p in nn.GRU(1, 256).parameters()) == 3 * (256 + 256 * 256 + 2 * 256)


def test_bidirectional_merge_modes():
    m = nn.GRU(3, 4, bidirectional=True, merge="sum", dtype=np.float64)
    x = mg.Tensor(np.random.default_rng(10).standard_normal((5, 2, 3)))
    out, h = m(x)
    wf, wb = m.all_weights
    of, _ = F.gru_layer(x, None, *wf)
    ob, _ = F.gru_layer(x, None, *wb, reverse=True)
    assert out.shape == (5, 2, 4)
    np.testing.assert_allclose(out.data, of.data + ob.data, atol=1e-14)
    concat, _ = nn.GRU(3, 4, bidirectional=True)(x.float())
    assert concat.shape == (5, 2, 8)


# ----------------------------------------------------------------------------- bad input

def test_error_wrong_input_size():
    m = nn.LSTM(4, 5)
    with pytest.raises(ValueError, match="input has 3 features.*input_size=4"):
        m(mg.randn(6, 2, 3))
    with pytest.raises(ValueError, match="2-D .* or 3-D"):
        m(mg.randn(6, 2, 3, 4))
    with pytest.raises(ValueError, match="input has 3 features but weight_ih has shape"):
        F.gru_layer(mg.randn(6, 2, 3), None, mg.randn(12, 4), mg.randn(12, 4))
    with pytest.raises(ValueError, match="input_size=4"):
        nn.GRUCell(4, 2)(mg.randn(2, 3))


def test_error_mismatched_initial_state():
    m = nn.GRU(3, 4, num_layers=2)
    x = mg.randn(5, 2, 3)
    with pytest.raises(ValueError, match=r"hx must have shape .* = \(2, 2, 4\), got \(1, 2, 4\)"):
        m(x, mg.randn(1, 2, 4))
    lstm = nn.LSTM(3, 4)
    with pytest.raises(ValueError, match=r"c_0 must have shape"):
        lstm(x, (mg.randn(1, 2, 4), mg.randn(1, 3, 4)))
    with pytest.raises(TypeError, match=r"tuple \(h_0, c_0\)"):
        lstm(x, mg.randn(1, 2, 4))
    with pytest.raises(ValueError, match=r"cx must have shape \(batch, hidden_size\)"):
        F.lstm_cell(mg.randn(2, 3), mg.randn(2, 4), mg.randn(2, 5), mg.randn(16, 3), mg.randn(16, 4))
    with pytest.raises(ValueError, match="weight_hh must have shape"):
        F.rnn_tanh_cell(mg.randn(2, 3), None, mg.randn(4, 3), mg.randn(4, 5))


def test_error_lengths():
    m = nn.LSTM(3, 4, batch_first=True)
    x = mg.randn(2, 5, 3)
    with pytest.raises(ValueError, match="exceeds the sequence length T=5"):
        m(x, lengths=[6, 2])
    with pytest.raises(ValueError, match=r"lengths must have shape \(2,\)"):
        m(x, lengths=[5, 2, 1])
    w = [mg.randn(4, 3), mg.randn(4, 4)]
    with pytest.raises(ValueError, match=r"lengths must lie in \[0, 5\]"):
        F.rnn_layer(mg.randn(5, 2, 3), None, *w, lengths=[-1, 2])
    with pytest.raises(TypeError, match="lengths must be integers"):
        F.rnn_layer(mg.randn(5, 2, 3), None, *w, lengths=[1.5, 2])


def test_error_options_and_masks():
    with pytest.raises(ValueError, match="recurrent_activation"):
        nn.LSTM(3, 4, recurrent_activation="relu")
    with pytest.raises(ValueError, match="hidden_mask must have shape"):
        F.lstm_layer(mg.randn(5, 2, 3), None, None, mg.randn(16, 3), mg.randn(16, 4),
                     hidden_mask=mg.ones(3, 2, 4))
    with pytest.raises(ValueError, match="dropout must be in"):
        nn.GRU(3, 4, dropout=1.0)
    with pytest.raises(TypeError, match="one dtype"):
        F.rnn_layer(mg.randn(5, 2, 3), None, mg.randn(4, 3).double(), mg.randn(4, 4))


# ----------------------------------------------------------------------------- Keras layout

def _sig(a):
    return 1 / (1 + np.exp(-a))


def _keras_reference(mode, x, kernel, recurrent, bias, reset_after=False):
    """Keras 2 recurrent layers, straight from their source (batch-first x, zero initial state)."""
    N, T, _ = x.shape
    H = recurrent.shape[0]
    h, c = np.zeros((N, H)), np.zeros((N, H))
    b_in, b_rec = (bias[0], bias[1]) if bias.ndim == 2 else (bias, np.zeros_like(bias))
    for t in range(T):
        xk = x[:, t] @ kernel + b_in
        if mode == "LSTM":
            zz = xk + h @ recurrent
            i, f, g, o = _sig(zz[:, :H]), _sig(zz[:, H:2 * H]), np.tanh(zz[:, 2 * H:3 * H]), _sig(zz[:, 3 * H:])
            c = f * c + i * g
            h = o * np.tanh(c)
        else:                                              # GRU, Keras order z, r, h
            inner = h @ recurrent + b_rec
            z = _sig(xk[:, :H] + inner[:, :H])
            r = _sig(xk[:, H:2 * H] + inner[:, H:2 * H])
            if reset_after:
                hh = np.tanh(xk[:, 2 * H:] + r * inner[:, 2 * H:])
            else:
                hh = np.tanh(xk[:, 2 * H:] + (r * h) @ recurrent[:, 2 * H:])
            h = z * h + (1 - z) * hh
    return h


@pytest.mark.parametrize("mode,reset_after", [("LSTM", True), ("GRU", False), ("GRU", True)])
def test_keras_weights_import_reorders_gates(mode, reset_after):
    rng = np.random.default_rng(12)
    F_, H = 3, 4
    G = 4 if mode == "LSTM" else 3
    kernel, recurrent = rng.standard_normal((F_, G * H)) * 0.5, rng.standard_normal((H, G * H)) * 0.5
    bias = rng.standard_normal((2, G * H) if (mode == "GRU" and reset_after) else (G * H,)) * 0.5
    kw = {"reset_after": reset_after} if mode == "GRU" else {}
    m = getattr(nn, mode)(F_, H, batch_first=True, dtype=np.float64, **kw)
    nn.rnn.load_keras_weights(m, [(kernel, recurrent, bias)])
    x = rng.standard_normal((2, 5, F_))
    out, st = m(mg.Tensor(x))
    h = (st[0] if mode == "LSTM" else st).data[0]
    np.testing.assert_allclose(h, _keras_reference(mode, x, kernel, recurrent, bias, reset_after), atol=1e-12)
    back = nn.rnn.torch_to_keras_weights(mode, *[None if p is None else p.data for p in m.all_weights[0]])
    for a, b in zip(back, (kernel, recurrent, bias)):
        np.testing.assert_allclose(a, b, atol=1e-15)
    with pytest.raises(ValueError, match="weight sets"):
        nn.rnn.load_keras_weights(m, [])


def test_stateful_layer_carries_the_detached_state():
    m = nn.GRU(3, 4, num_layers=2, stateful=True, dtype=np.float64)
    x = mg.Tensor(np.random.default_rng(13).standard_normal((8, 2, 3)), requires_grad=True)
    ref = nn.GRU(3, 4, num_layers=2, dtype=np.float64)
    ref.load_state_dict(m.state_dict())
    whole, _ = ref(x)
    a, _ = m(x[:4])
    b, _ = m(x[4:])                                        # continues from the carried state
    np.testing.assert_allclose(np.concatenate([a.data, b.data]), whole.data, rtol=1e-12, atol=1e-14)
    b.sum().backward()
    assert np.all(x.grad.data[:4] == 0)                    # the carry is detached
    m.reset_states()
    again, _ = m(x[4:])
    np.testing.assert_allclose(again.data, ref(x[4:])[0].data, atol=1e-14)
    other, _ = m(mg.Tensor(np.zeros((2, 5, 3))))          # new batch size: zeros, no error
    assert other.shape == (2, 5, 4)
