"""Samples for the recurrent ops: cells and whole layers (T = 4-5, H = 3, so the full-Jacobian
gradcheck of every weight, bias, input and initial state stays fast).

PyTorch oracles: ``torch._VF.{rnn_tanh,rnn_relu,lstm,gru}_cell`` for the plain cells; for
everything torch has no function for (hard sigmoid, the Keras GRU, lengths, dropout masks, the
reverse direction) :func:`torch_recurrence`, an independent step-by-step loop written with torch
ops from the equations of E-15 / S-02..S-04.
"""
from ... import functional as F
from ...tensor import Tensor
from ..opinfo import OpInfo, SampleInput

G = {"rnn": 1, "lstm": 4, "gru": 3}


def _gate_mask(m, g):
    return m if m is None or m.dim() == 2 else m[g]


def _torch_step(torch, mode, x, h, c, wi, wh, bi, bh, relu=False, hard=False, reset_after=True,
                mi=None, mh=None):
    """One step of a cell, in torch, straight from the equations."""
    sig = (lambda a: torch.clamp(0.2 * a + 0.5, 0, 1)) if hard else torch.sigmoid
    H = wh.shape[1]

    def proj(a, w, m, gates):
        if m is None or m.dim() == 2:
            return (a if m is None else a * m) @ w.T
        return torch.cat([(a * m[g]) @ w[g * H:(g + 1) * H].T for g in gates], -1)

    bi = 0 if bi is None else bi
    bh = torch.zeros(G[mode] * H, dtype=x.dtype) if bh is None else bh
    zx = proj(x, wi, mi, range(G[mode])) + bi
    if mode == "rnn":
        a = zx + proj(h, wh, mh, [0]) + bh
        return (torch.relu(a) if relu else torch.tanh(a)), None
    if mode == "lstm":
        z = zx + proj(h, wh, mh, range(4)) + bh
        i, f, g, o = sig(z[:, :H]), sig(z[:, H:2 * H]), torch.tanh(z[:, 2 * H:3 * H]), sig(z[:, 3 * H:])
        c = f * c + i * g
        return o * torch.tanh(c), c
    if reset_after:
        zh = proj(h, wh, mh, range(3)) + bh
        r, u = sig(zx[:, :H] + zh[:, :H]), sig(zx[:, H:2 * H] + zh[:, H:2 * H])
        n = torch.tanh(zx[:, 2 * H:] + r * zh[:, 2 * H:])
    else:
        zh = proj(h, wh[:2 * H], None if mh is None else (mh if mh.dim() == 2 else mh[:2]), range(2))
        zh = zh + bh[:2 * H]
        r, u = sig(zx[:, :H] + zh[:, :H]), sig(zx[:, H:2 * H] + zh[:, H:2 * H])
        hm = h if mh is None else h * _gate_mask(mh, 2)
        n = torch.tanh(zx[:, 2 * H:] + (r * hm) @ wh[2 * H:].T + bh[2 * H:])
    return (1 - u) * n + u * h, None


def torch_recurrence(torch, mode, x, h, c, wi, wh, bi=None, bh=None, reverse=False, lengths=None,
                     input_mask=None, hidden_mask=None, **cell):
    """A whole layer as a torch loop: returns (output, h_n[, c_n]) like the minigrad layer ops."""
    T, N = x.shape[0], x.shape[1]
    H = wh.shape[1]
    h = torch.zeros(N, H, dtype=x.dtype) if h is None else h
    c = torch.zeros(N, H, dtype=x.dtype) if (c is None and mode == "lstm") else c
    outs = [None] * T
    for t in (range(T - 1, -1, -1) if reverse else range(T)):
        hn, cn = _torch_step(torch, mode, x[t], h, c, wi, wh, bi, bh, mi=input_mask, mh=hidden_mask, **cell)
        if lengths is not None:
            v = torch.tensor([[1.0 if t < n else 0.0] for n in lengths], dtype=x.dtype)
            outs[t] = hn * v
            hn = v * hn + (1 - v) * h
            if mode == "lstm":
                cn = v * cn + (1 - v) * c
        else:
            outs[t] = hn
        h, c = hn, cn
    out = torch.stack(outs)
    return (out, h, c) if mode == "lstm" else (out, h)


# ----------------------------------------------------------------------------- sample builders

def _params(make, mode, F_, H, bias=True, scale=0.6):
    g = G[mode]
    w = [make((g * H, F_), -scale, scale), make((g * H, H), -scale, scale)]
    b = [make((g * H,), -0.5, 0.5), make((g * H,), -0.5, 0.5)] if bias else [None, None]
    return w + b


def _mask(make, shape, keep=0.7):
    """A dropout keep mask (0 or 1/keep) with the test's dtype and device, no gradient."""
    u = make(shape, 0, 1, requires_grad=False)
    return Tensor((u.data < keep).astype(u.data.dtype) / keep)


def cell_samples(mode, options=({},)):
    def gen(make):
        N, F_, H = 3, 4, 3
        for kw in options:
            state = [make((N, H))] + ([make((N, H))] if mode == "lstm" else [])
            yield SampleInput((make((N, F_)), *state, *_params(make, mode, F_, H)), dict(kw), name=str(kw))
        state = [make((1, H))] + ([make((1, H))] if mode == "lstm" else [])
        yield SampleInput((make((1, F_)), *state,
                           *_params(make, mode, F_, H, bias=False)), dict(options[0]), name="no-bias-batch1")
    return gen


def layer_samples(mode, options=({},)):
    def gen(make):
        T, N, F_, H = 4, 3, 3, 3
        g = G[mode]

        def state(n=N):
            return [make((n, H))] + ([make((n, H))] if mode == "lstm" else [])
        for kw in options:
            yield SampleInput((make((T, N, F_)), *state(), *_params(make, mode, F_, H)), dict(kw),
                              name=f"{kw}")
            yield SampleInput((make((T, N, F_)), *state(), *_params(make, mode, F_, H)),
                              dict(kw, reverse=True), name=f"{kw}-reverse")
        kw = dict(options[0])
        yield SampleInput((make((5, N, F_)), *state(), *_params(make, mode, F_, H)),
                          dict(kw, lengths=(5, 2, 4)), name="lengths")
        yield SampleInput((make((5, N, F_)), *state(), *_params(make, mode, F_, H)),
                          dict(kw, lengths=(3, 5, 1), reverse=True), name="lengths-reverse")
        yield SampleInput((make((T, N, F_)), *state(), *_params(make, mode, F_, H)),
                          dict(kw, input_mask=_mask(make, (N, F_)), hidden_mask=_mask(make, (N, H))),
                          name="dropout-masks-shared")
        yield SampleInput((make((T, N, F_)), *state(), *_params(make, mode, F_, H)),
                          dict(kw, input_mask=_mask(make, (g, N, F_)), hidden_mask=_mask(make, (g, N, H)),
                               lengths=(4, 3, 2), reverse=True), name="dropout-masks-per-gate-lengths")
        yield SampleInput((make((T, 2, F_)), *state(2),
                           *_params(make, mode, F_, H, bias=False)), dict(kw), name="no-bias")
    return gen


# ----------------------------------------------------------------------------- torch references

def _vf_cell(name):
    def ref(torch, x, h, *rest, **kw):
        if name == "lstm_cell":
            c, wi, wh, bi, bh = rest
            return getattr(torch._VF, name)(x, (h, c), wi, wh, bi, bh)
        wi, wh, bi, bh = rest
        return getattr(torch._VF, name)(x, h, wi, wh, bi, bh)
    return ref


def _loop_cell(mode, **fixed):
    def ref(torch, x, h, *rest, recurrent_activation="sigmoid", reset_after=True):
        c = None
        if mode == "lstm":
            c, *rest = rest
        hn, cn = _torch_step(torch, mode, x, h, c, *rest, hard=recurrent_activation == "hard_sigmoid",
                             reset_after=reset_after, **fixed)
        return (hn, cn) if mode == "lstm" else hn
    return ref


def _loop_layer(mode):
    def ref(torch, x, h, *rest, recurrent_activation="sigmoid", reset_after=True, nonlinearity="tanh",
            **kw):
        c = None
        if mode == "lstm":
            c, *rest = rest
        cell = {"hard": recurrent_activation == "hard_sigmoid", "relu": nonlinearity == "relu"}
        if mode == "gru":
            cell["reset_after"] = reset_after
        return torch_recurrence(torch, mode, x, h, c, *rest, **kw, **cell)
    return ref


def _cell_ref(mode, vf_name):
    """torch._VF for the plain cell, the torch loop for the options torch lacks."""
    vf, loop = _vf_cell(vf_name), _loop_cell(mode, relu=vf_name == "rnn_relu_cell")

    def ref(torch, *args, **kw):
        plain = kw.get("recurrent_activation", "sigmoid") == "sigmoid" and kw.get("reset_after", True)
        return vf(torch, *args) if plain else loop(torch, *args, **kw)
    return ref


HARD = {"recurrent_activation": "hard_sigmoid"}

OPS = [
    OpInfo("rnn_tanh_cell", F.rnn_tanh_cell, cell_samples("rnn"),
           torch_ref=_cell_ref("rnn", "rnn_tanh_cell")),
    OpInfo("rnn_relu_cell", F.rnn_relu_cell, cell_samples("rnn"),
           torch_ref=_cell_ref("rnn", "rnn_relu_cell")),
    OpInfo("lstm_cell", F.lstm_cell, cell_samples("lstm", ({}, HARD)),
           torch_ref=_cell_ref("lstm", "lstm_cell")),
    OpInfo("gru_cell", F.gru_cell, cell_samples("gru", ({}, {"reset_after": False}, HARD,
                                                        dict(HARD, reset_after=False))),
           torch_ref=_cell_ref("gru", "gru_cell")),
    OpInfo("rnn_layer", F.rnn_layer, layer_samples("rnn", ({}, {"nonlinearity": "relu"})),
           torch_ref=_loop_layer("rnn")),
    OpInfo("lstm_layer", F.lstm_layer, layer_samples("lstm", ({}, HARD)),
           torch_ref=_loop_layer("lstm")),
    OpInfo("gru_layer", F.gru_layer, layer_samples("gru", ({}, {"reset_after": False}, HARD)),
           torch_ref=_loop_layer("gru")),
]
