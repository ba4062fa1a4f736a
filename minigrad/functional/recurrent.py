"""Recurrent ops: one-step cells and whole layers (all time steps) with hand-written BPTT.

Two granularities, one implementation:

* **cells** -- ``rnn_tanh_cell``, ``rnn_relu_cell``, ``lstm_cell``, ``gru_cell`` -- one time step,
  PyTorch's signatures (``torch._VF.lstm_cell`` etc.), for learners and gradient checks;
* **layers** -- ``rnn_layer``, ``lstm_layer``, ``gru_layer`` -- one direction of one layer over
  a whole time-major sequence ``(T, N, F)``, as ONE graph node. Recording every step's matmuls
  and gate ops would make thousands of tiny nodes; instead the forward runs the loop on raw
  arrays and the backward runs backpropagation through time by hand (engine spec E-15).

Both go through :class:`_Recurrence`, which is where the algorithm lives:

forward
    1. the input projection of ALL steps at once: ``zx = x W_ih^T + b`` -- one GEMM
       ``(T*N, F) x (F, G*H)`` (G gate blocks of width H);
    2. per step: the hidden projection ``zh = h_{t-1} W_hh^T`` (one GEMM), then the cell's
       elementwise math in one kernel call (``kernels/cpu/rnn_cells.py``: SIMD NumPy ufuncs in
       place for the forward and fused Numba loops for the backward on the CPU, CuPy on the GPU,
       NumPy references with ``MINIGRAD_NUMBA=0``), which also stores the activated gates the
       backward needs.
backward (BPTT)
    per step, newest first: the fused backward kernel turns dh_t (output gradient + gradient
    carried from t+1) into the pre-activation gradients dz_t, and ``dh_{t-1} = dz_t W_hh`` (one
    GEMM). The weight gradients are sums over steps (weights are shared over time), so they are
    computed AFTER the loop as single GEMMs over all steps: ``dW_hh = dZ^T H_prev``,
    ``dW_ih = dZ^T X``, ``dx = dZ W_ih``.

Weight layout and gate order are PyTorch's: ``weight_ih (G*H, F)``, ``weight_hh (G*H, H)``, two
bias vectors; LSTM gates (i, f, g, o), GRU gates (r, z, n).

Options of the layer ops:

* ``reverse=True`` reads the sequence from t = T-1 down to 0 (the backward half of a
  bidirectional layer); outputs stay in time order.
* ``lengths`` (N,): padded batches. Steps t >= lengths[n] leave sample n's state unchanged and
  output zeros, so no gradient leaks through padding; the final state is the state after the last
  valid step (a reverse layer starts at t = lengths[n] - 1), exactly as PyTorch's packed sequences.
* ``input_mask`` / ``hidden_mask``: variational (recurrent) dropout masks, drawn once per sequence
  and reused at every step (Keras / Gal & Ghahramani). Shape (N, F) / (N, H) for one mask shared by
  all gates, or (G, N, F) / (G, N, H) for one mask per gate (Keras ``implementation=1``). The
  input mask multiplies x, the hidden mask multiplies h_{t-1} where it enters the gates (the
  carried state itself is not dropped). Values are the already-scaled keep masks (0 or 1/(1-p)).
* ``recurrent_activation`` (LSTM, GRU): ``"sigmoid"`` or Keras <= 2.2 ``"hard_sigmoid"``.
* ``reset_after`` (GRU): True = PyTorch/cuDNN/TF2 form n = tanh(x W_in + b_in + r * (h W_hn + b_hn));
  False = Keras 2.x / the text's form n = tanh(x W_in + (r * h) W_hn + b_n), where bias_hh may be
  omitted (one bias vector, as Keras).
"""
import numpy as np

import kernels
from kernels.cpu import rnn_cells as _cpu
from kernels.gpu import rnn_cells as _gpu

from ..autograd import Function
from ..backend import get_array_module
from ..tensor import Tensor

__all__ = ["rnn_tanh_cell", "rnn_relu_cell", "lstm_cell", "gru_cell",
           "rnn_layer", "lstm_layer", "gru_layer"]

GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def _kernel(name, like):
    """The fused cell kernel ``name`` for ``like``'s device (see kernels.dispatch): on the CPU the
    Numba loop (backward kernels) or the SIMD-ufunc pipeline (forward kernels), or the NumPy
    reference with MINIGRAD_NUMBA=0."""
    fast = getattr(_cpu, name + "_nb", None) or getattr(_cpu, name + "_simd")
    return kernels.dispatch(like, getattr(_cpu, name + "_ref"), fast, getattr(_gpu, name))


def _matmul(a, b, out=None):
    """a @ b into ``out`` when given (saves a large allocation per time step)."""
    if out is None:
        return a @ b
    return np.matmul(a, b, out=out)


# ----------------------------------------------------------------------------- projections

def _project(a, w, mask, out):
    """out = (a * mask) w^T.  a (..., K), w (G*H, K), out (..., G*H).

    mask None, shared (N, K) or per gate (G, N, K): gate block g sees a * mask[g]."""
    K = a.shape[-1]
    if mask is None or mask.ndim == 2:
        src = a if mask is None else a * mask
        _matmul(src.reshape(-1, K), w.T, out.reshape(-1, out.shape[-1]))
        return out
    H = w.shape[0] // mask.shape[0]
    for g in range(mask.shape[0]):
        blk = (a * mask[g]).reshape(-1, K) @ w[g * H:(g + 1) * H].T
        out[..., g * H:(g + 1) * H] = blk.reshape(out.shape[:-1] + (H,))
    return out


def _project_grad_input(d, w, mask, out=None):
    """d(a) of :func:`_project` from d(out): sum_g (d_g w_g) * mask_g."""
    if mask is None or mask.ndim == 2:
        da = _matmul(d.reshape(-1, d.shape[-1]), w, None if out is None else out.reshape(-1, w.shape[1]))
        da = da.reshape(d.shape[:-1] + (w.shape[1],))
        if mask is not None:
            da *= mask
        return da
    H = w.shape[0] // mask.shape[0]
    da = 0
    for g in range(mask.shape[0]):
        da = da + (d[..., g * H:(g + 1) * H] @ w[g * H:(g + 1) * H]) * mask[g]
    return da


def _project_grad_weight(d, a, mask):
    """d(w) of :func:`_project`: sum over all rows (all steps, all samples) of d_g^T (a * mask_g)."""
    K = a.shape[-1]
    d2 = d.reshape(-1, d.shape[-1])
    if mask is None or mask.ndim == 2:
        src = a if mask is None else a * mask
        return d2.T @ src.reshape(-1, K)
    H = d.shape[-1] // mask.shape[0]
    return np.concatenate([d2[:, g * H:(g + 1) * H].T @ (a * mask[g]).reshape(-1, K)
                           for g in range(mask.shape[0])], axis=0)


def _gate_mask(mask, g):
    """The hidden mask as gate g sees it (None, the shared mask, or mask[g])."""
    if mask is None or mask.ndim == 2:
        return mask
    return mask[g]


# ----------------------------------------------------------------------------- the recurrence

class _Recurrence:
    """Forward loop and BPTT of one recurrent layer in one direction, on raw arrays.

    State storage ``S`` has T + 1 slots: the initial state and the state after each step, laid
    out so that the output (states in time order) and the previous states of every step are
    both contiguous views: forward ``S[0] = h0``, state after step t in ``S[t + 1]``; reverse
    ``S[T] = h0``, state after step t in ``S[t]``. LSTM cell states ``C`` likewise."""

    def __init__(self, mode, relu=False, hard=False, reset_after=True, reverse=False,
                 lengths=None, input_mask=None, hidden_mask=None):
        self.mode, self.relu, self.hard, self.reset_after = mode, relu, hard, reset_after
        self.reverse, self.lengths = reverse, lengths
        self.in_mask, self.h_mask = input_mask, hidden_mask

    def _cur(self, t):
        return t if self.reverse else t + 1

    def _prev(self, t):
        return t + 1 if self.reverse else t

    def _steps(self, T):
        return range(T - 1, -1, -1) if self.reverse else range(T)

    def forward(self, x, h0, c0, w_ih, w_hh, b_ih, b_hh):
        xp = get_array_module(x)
        mode, hard = self.mode, self.hard
        T, N, _ = x.shape
        H = w_hh.shape[1]
        G = GATES[mode]
        dt = x.dtype
        self.shape = (T, N, H)
        self.x, self.w_ih, self.w_hh = x, w_ih, w_hh
        gru_ra = mode == "gru" and self.reset_after

        zx = _project(x, w_ih, self.in_mask, xp.empty((T, N, G * H), dt))
        bias, bhn = b_ih, None             # both biases folded into zx with one pass
        if b_hh is not None:
            b_fold = b_hh
            if gru_ra:                       # b_hn sits inside r * (h W_hn + b_hn)
                b_fold = xp.concatenate([b_hh[:2 * H], xp.zeros(H, dt)])
                bhn = b_hh[2 * H:]
            bias = b_fold if bias is None else bias + b_fold
        if bias is not None:
            zx += bias

        S = self.S = xp.empty((T + 1, N, H), dt)
        S[T if self.reverse else 0] = h0
        self.gates = gates = xp.empty((T, N, G * H), dt) if mode != "rnn" else None
        if mode == "lstm":
            C = self.C = xp.empty((T + 1, N, H), dt)
            C[T if self.reverse else 0] = c0
            TC = self.TC = xp.empty((T, N, H), dt)
        if gru_ra:
            ZHN = self.ZHN = xp.empty((T, N, H), dt)
        if mode == "gru" and not self.reset_after:
            RH = self.RH = xp.empty((T, N, H), dt)
        valid = self._valid(xp, T, N, dt)
        out = xp.zeros((T, N, H), dt) if valid is not None else None

        hm = self.h_mask
        zh = xp.empty((N, (2 if mode == "gru" and not self.reset_after else G) * H), dt)
        k_fwd = _kernel({"rnn": "rnn_forward", "lstm": "lstm_forward",
                         "gru": "gru_forward" if self.reset_after else "gru_rb_gates"}[mode], x)
        if mode == "gru" and not self.reset_after:
            k_out = _kernel("gru_rb_out", x)
            zhn = xp.empty((N, H), dt)
            m_n = _gate_mask(hm, 2)
            m_rz = hm if hm is None or hm.ndim == 2 else hm[:2]
        for t in self._steps(T):
            cur, prev = self._cur(t), self._prev(t)
            h_prev = S[prev]
            if mode == "rnn":
                _project(h_prev, w_hh, hm, zh)
                zh += zx[t]
                k_fwd(zh, self.relu, S[cur])
            elif mode == "lstm":
                _project(h_prev, w_hh, hm, zh)
                k_fwd(zx[t], zh, C[prev], hard, gates[t], C[cur], TC[t], S[cur])
            elif gru_ra:
                _project(h_prev, w_hh, hm, zh)
                if bhn is not None:
                    zh[:, 2 * H:] += bhn
                ZHN[t] = zh[:, 2 * H:]
                k_fwd(zx[t], zh, h_prev, hard, gates[t], S[cur])
            else:                             # GRU, reset before the candidate GEMM
                _project(h_prev, w_hh[:2 * H], m_rz, zh)
                k_fwd(zx[t], zh, h_prev if m_n is None else h_prev * m_n, hard, gates[t], RH[t])
                _matmul(RH[t], w_hh[2 * H:].T, zhn)
                k_out(zx[t], zhn, h_prev, gates[t], S[cur])
            if valid is not None:             # padded steps: output 0, state carried over
                out[t] = S[cur] * valid[t]
                xp.copyto(S[cur], h_prev, where=valid[t] == 0)
                if mode == "lstm":
                    xp.copyto(C[cur], C[prev], where=valid[t] == 0)
        self.valid = valid
        fin = 0 if self.reverse else T
        if out is None:
            out = S[:T] if self.reverse else S[1:]
        return out, S[fin], (C[fin] if mode == "lstm" else None)

    def _valid(self, xp, T, N, dt):
        if self.lengths is None:
            return None
        lengths = xp.asarray(self.lengths)
        return (xp.arange(T)[:, None] < lengths[None, :]).astype(dt)[:, :, None]

    def backward(self, dout, dh_n, dc_n, need):
        """Gradients for (x, h0, c0, w_ih, w_hh, b_ih, b_hh); ``need[i]`` False skips input i."""
        x, w_ih, w_hh, S = self.x, self.w_ih, self.w_hh, self.S
        xp = get_array_module(x)
        mode, hard = self.mode, self.hard
        T, N, H = self.shape
        G = GATES[mode]
        dt = x.dtype
        gru_ra = mode == "gru" and self.reset_after
        gru_rb = mode == "gru" and not self.reset_after
        hm, valid, gates = self.h_mask, self.valid, self.gates

        dZ = xp.empty((T, N, G * H), dt)
        dZH = xp.empty((T, N, G * H), dt) if gru_ra else dZ
        dh = xp.array(dh_n, dtype=dt, copy=True) if dh_n is not None else xp.zeros((N, H), dt)
        if mode == "lstm":
            dc = xp.array(dc_n, dtype=dt, copy=True) if dc_n is not None else xp.zeros((N, H), dt)
        g = xp.empty((N, H), dt)
        direct = xp.empty((N, H), dt)
        name = {"rnn": "rnn_backward", "lstm": "lstm_backward",
                "gru": "gru_backward" if self.reset_after else "gru_rb_out_backward"}[mode]
        k_bwd = _kernel(name, x)
        if gru_rb:
            k_gates = _kernel("gru_rb_gates_backward", x)
            m_n = _gate_mask(hm, 2)
            m_rz = hm if hm is None or hm.ndim == 2 else hm[:2]
            w_n, w_rz = w_hh[2 * H:], w_hh[:2 * H]
            drh, dhm = xp.empty((N, H), dt), xp.empty((N, H), dt)
        plain = hm is None
        for t in reversed(self._steps(T)):
            cur, prev = self._cur(t), self._prev(t)
            if dout is not None:
                np.add(dh, dout[t], out=g)
            else:
                g[...] = dh
            if valid is not None:             # padded step: gradient passes straight through
                v = valid[t]
                keep = dh * (1 - v)
                g *= v
                if mode == "lstm":
                    keep_c = dc * (1 - v)
                    dc *= v
            if mode == "rnn":
                k_bwd(g, S[cur], self.relu, dZ[t])
            elif mode == "lstm":
                k_bwd(g, dc, gates[t], self.C[prev], self.TC[t], hard, dZ[t], dc)
            elif gru_ra:
                k_bwd(g, S[prev], gates[t], self.ZHN[t], hard, dZ[t], dZH[t], direct)
            else:
                k_bwd(g, S[prev], gates[t], hard, dZ[t], direct)
                _matmul(dZ[t][:, 2 * H:], w_n, drh)
                hmn = S[prev] if m_n is None else S[prev] * m_n
                k_gates(drh, hmn, gates[t], hard, dZ[t], dhm)
            # carry to step t-1: through the hidden GEMM (and the direct GRU path)
            if gru_rb:
                dh = _project_grad_input(dZ[t][:, :2 * H], w_rz, m_rz)
                dh += dhm if m_n is None else dhm * m_n
                dh += direct
            elif plain:
                _matmul(dZH[t], w_hh, dh)
                if mode == "gru":
                    dh += direct
            else:
                dh = _project_grad_input(dZH[t], w_hh, hm)
                if mode == "gru":
                    dh += direct
            if valid is not None:
                dh += keep
                if mode == "lstm":
                    dc += keep_c

        grads = [None] * 7
        if need[0]:
            grads[0] = _project_grad_input(dZ, w_ih, self.in_mask)
        if need[1]:
            grads[1] = dh
        if need[2] and mode == "lstm":
            grads[2] = dc
        if need[3]:
            grads[3] = _project_grad_weight(dZ, x, self.in_mask)
        if need[4]:
            h_prev_all = S[1:] if self.reverse else S[:T]
            if gru_rb:
                grads[4] = np.concatenate([_project_grad_weight(dZ[..., :2 * H], h_prev_all, m_rz),
                                           _project_grad_weight(dZ[..., 2 * H:], self.RH, None)])
            else:
                grads[4] = _project_grad_weight(dZH, h_prev_all, hm)
        if need[5]:
            grads[5] = dZ.sum(axis=(0, 1))
        if need[6]:
            grads[6] = dZH.sum(axis=(0, 1))
        return grads


class RecurrentLayer(Function):
    """One recurrent layer, one direction, all T steps, as one graph node.

    forward: zx = x W_ih^T + b for all steps (one GEMM); per step zh = h_{t-1} W_hh^T and the fused
    cell kernel. backward (BPTT, E-15): per step, newest first, the fused backward kernel gives
    dz_t from dh_t = dy_t + dz_{t+1} W_hh (+ the direct GRU path), then dW_ih = dZ^T X,
    dW_hh = dZ^T H_prev, db = sum dZ and dx = dZ W_ih as single GEMMs over all steps."""
    save_outputs = True

    def forward(self, x, h0, c0, w_ih, w_hh, b_ih, b_hh, **config):
        self.core = _Recurrence(**config)
        out, h_n, c_n = self.core.forward(x, h0, c0, w_ih, w_hh, b_ih, b_hh)
        return (out, h_n) if c_n is None else (out, h_n, c_n)

    def backward(self, dout, dh_n, dc_n=None):
        return tuple(self.core.backward(dout, dh_n, dc_n, [e is not None for e in self._edges]))


class RecurrentCell(Function):
    """One time step of a cell: the layer machinery with T = 1 (same kernels, same math)."""
    save_outputs = True

    def forward(self, x, h0, c0, w_ih, w_hh, b_ih, b_hh, **config):
        self.core = _Recurrence(**config)
        _, h, c = self.core.forward(x[None], h0, c0, w_ih, w_hh, b_ih, b_hh)
        return h if c is None else (h, c)

    def backward(self, dh, dc=None):
        grads = self.core.backward(None, dh, dc, [e is not None for e in self._edges])
        if grads[0] is not None:
            grads[0] = grads[0][0]
        return tuple(grads)


# ----------------------------------------------------------------------------- validation

def _raw(a):
    return a.data if isinstance(a, Tensor) else a


def _check(op, mode, input, hx, cx, w_ih, w_hh, b_ih, b_hh, step):
    """Validate shapes/dtypes/devices; returns (T, N, F, H) (T = None for cells)."""
    G = GATES[mode]
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(input).__name__}")
    want = 2 if step else 3
    if input.ndim != want:
        layout = "(N, F)" if step else "time-major (T, N, F)"
        raise ValueError(f"{op}: input must be {want}-D {layout}, got shape {input.shape}")
    for name, w in (("weight_ih", w_ih), ("weight_hh", w_hh)):
        if not isinstance(w, Tensor) or w.ndim != 2:
            raise ValueError(f"{op}: {name} must be a 2-D Tensor, got "
                             f"{getattr(w, 'shape', type(w).__name__)}")
    H = w_hh.shape[1]
    F = input.shape[-1]
    if w_hh.shape != (G * H, H):
        raise ValueError(f"{op}: weight_hh must have shape ({G}*hidden_size, hidden_size) = "
                         f"{(G * H, H)}, got {w_hh.shape}")
    if w_ih.shape != (G * H, F):
        raise ValueError(f"{op}: input has {F} features but weight_ih has shape {w_ih.shape}; "
                         f"expected ({G * H}, {F}) (input_size={F}, hidden_size={H})")
    for name, b in (("bias_ih", b_ih), ("bias_hh", b_hh)):
        if b is not None and tuple(b.shape) != (G * H,):
            raise ValueError(f"{op}: {name} must have shape ({G * H},), got {tuple(b.shape)}")
    N = input.shape[-2]
    for name, s in (("hx", hx), ("cx", cx)):
        if s is not None and tuple(s.shape) != (N, H):
            raise ValueError(f"{op}: {name} must have shape (batch, hidden_size) = {(N, H)}, "
                             f"got {tuple(s.shape)}")
    tensors = [t for t in (input, hx, cx, w_ih, w_hh, b_ih, b_hh) if isinstance(t, Tensor)]
    if len({t.dtype for t in tensors}) > 1:
        raise TypeError(f"{op}: all tensors must have one dtype, got "
                        f"{sorted({str(t.dtype) for t in tensors})}")
    if input.dtype.kind != "f":
        raise TypeError(f"{op}: input must be floating point, got {input.dtype}")
    return (None if step else input.shape[0]), N, F, H


def _zeros_state(input, N, H):
    xp = get_array_module(input.data)
    return xp.zeros((N, H), input.dtype)


def _activation(op, name):
    if name not in ("sigmoid", "hard_sigmoid"):
        raise ValueError(f"{op}: recurrent_activation must be 'sigmoid' or 'hard_sigmoid', got {name!r}")
    return name == "hard_sigmoid"


def _lengths(op, lengths, T, N):
    if lengths is None:
        return None
    arr = np.asarray(_raw(lengths).get() if hasattr(_raw(lengths), "get") else _raw(lengths))
    if arr.ndim != 1 or arr.shape[0] != N:
        raise ValueError(f"{op}: lengths must have one entry per sequence ({N}), got shape {arr.shape}")
    if arr.dtype.kind not in "iu" and not (arr.dtype.kind == "f" and np.all(arr == np.round(arr))):
        raise TypeError(f"{op}: lengths must be integers, got {arr.dtype}")
    arr = arr.astype(np.int64)
    if arr.size and (arr.max() > T or arr.min() < 0):
        raise ValueError(f"{op}: lengths must lie in [0, {T}] (the sequence length), got "
                         f"min {arr.min()}, max {arr.max()}")
    return arr


def _mask(op, name, mask, G, N, K, like):
    if mask is None:
        return None
    m = _raw(mask)
    xp = get_array_module(like)
    m = xp.asarray(m).astype(like.dtype, copy=False)
    if m.shape not in ((N, K), (G, N, K)):
        raise ValueError(f"{op}: {name} must have shape {(N, K)} (shared by all gates) or "
                         f"{(G, N, K)} (one per gate), got {tuple(m.shape)}")
    return m


def _layer(op, mode, input, hx, cx, w_ih, w_hh, b_ih, b_hh, lengths, input_mask, hidden_mask,
           reverse, **config):
    T, N, F, H = _check(op, mode, input, hx, cx, w_ih, w_hh, b_ih, b_hh, step=False)
    G = GATES[mode]
    config.update(mode=mode, reverse=bool(reverse), lengths=_lengths(op, lengths, T, N),
                  input_mask=_mask(op, "input_mask", input_mask, G, N, F, input.data),
                  hidden_mask=_mask(op, "hidden_mask", hidden_mask, G, N, H, input.data))
    hx = _zeros_state(input, N, H) if hx is None else hx
    if mode == "lstm" and cx is None:
        cx = _zeros_state(input, N, H)
    return RecurrentLayer.apply(input, hx, cx, w_ih, w_hh, b_ih, b_hh, **config)


def _cell(op, mode, input, hx, cx, w_ih, w_hh, b_ih, b_hh, **config):
    _, N, _, H = _check(op, mode, input, hx, cx, w_ih, w_hh, b_ih, b_hh, step=True)
    hx = _zeros_state(input, N, H) if hx is None else hx
    if mode == "lstm" and cx is None:
        cx = _zeros_state(input, N, H)
    return RecurrentCell.apply(input, hx, cx, w_ih, w_hh, b_ih, b_hh, mode=mode, **config)


# ----------------------------------------------------------------------------- cells

def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """Elman cell: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh);  da = dh' (1 - h'^2),
    dx = da W_ih, dh = da W_hh, dW_ih = da^T x, dW_hh = da^T h, db = sum da.
    input (N, F), hx (N, H) or None (zeros), w_ih (H, F), w_hh (H, H)."""
    return _cell("rnn_tanh_cell", "rnn", input, hx, None, w_ih, w_hh, b_ih, b_hh)


def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """Elman cell with ReLU: h' = max(a, 0), a = x W_ih^T + b_ih + h W_hh^T + b_hh;
    da = dh' [h' > 0], then as :func:`rnn_tanh_cell`."""
    return _cell("rnn_relu_cell", "rnn", input, hx, None, w_ih, w_hh, b_ih, b_hh, relu=True)


def lstm_cell(input, hx, cx, w_ih, w_hh, b_ih=None, b_hh=None, recurrent_activation="sigmoid"):
    """One LSTM step; returns (h', c').

    z = x W_ih^T + b_ih + h W_hh^T + b_hh split into (i, f, g, o) blocks; i, f, o = sig(.),
    g = tanh(.); c' = f c + i g; h' = o tanh(c'). Backward (E-15): dc_tot = dc' + dh' o (1 - tanh^2 c');
    di = dc_tot g, df = dc_tot c, dg = dc_tot i, do = dh' tanh c', dc = dc_tot f; through the gate
    derivatives to dz, then dx = dz W_ih, dh = dz W_hh. w_ih (4H, F), w_hh (4H, H) (PyTorch layout).
    ``recurrent_activation="hard_sigmoid"`` uses clip(0.2 a + 0.5, 0, 1) for i, f, o (Keras 2.2)."""
    hard = _activation("lstm_cell", recurrent_activation)
    return _cell("lstm_cell", "lstm", input, hx, cx, w_ih, w_hh, b_ih, b_hh, hard=hard)


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None, reset_after=True,
             recurrent_activation="sigmoid"):
    """One GRU step (gates r, z, n in PyTorch's order); returns h'.

    r = sig(x W_ir + b_ir + h W_hr + b_hr), z = sig(x W_iz + b_iz + h W_hz + b_hz),
    reset_after=True (PyTorch):  n = tanh(x W_in + b_in + r (h W_hn + b_hn));
    reset_after=False (Keras 2): n = tanh(x W_in + b_in + (r h) W_hn + b_hn);
    h' = (1 - z) n + z h. Backward: dn = dh' (1 - z), dz = dh' (h - n), dh = dh' z + (gate paths
    through W_hh); see E-15 for both variants."""
    hard = _activation("gru_cell", recurrent_activation)
    return _cell("gru_cell", "gru", input, hx, None, w_ih, w_hh, b_ih, b_hh, hard=hard,
                 reset_after=bool(reset_after))


# ----------------------------------------------------------------------------- layers

def rnn_layer(input, hx, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh", reverse=False,
              lengths=None, input_mask=None, hidden_mask=None):
    """A whole Elman layer over time-major ``input`` (T, N, F); returns (output (T, N, H), h_n).

    h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), act = tanh or relu. BPTT (E-15):
    da_t = dh_t act'(a_t), dh_{t-1} = dy_{t-1} + da_t W_hh; dW_ih = sum da_t^T x_t,
    dW_hh = sum da_t^T h_{t-1}, db = sum da_t. Options (reverse, lengths, masks): module docstring."""
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"rnn_layer: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
    return _layer("rnn_layer", "rnn", input, hx, None, w_ih, w_hh, b_ih, b_hh, lengths,
                  input_mask, hidden_mask, reverse, relu=nonlinearity == "relu")


def lstm_layer(input, hx, cx, w_ih, w_hh, b_ih=None, b_hh=None, recurrent_activation="sigmoid",
               reverse=False, lengths=None, input_mask=None, hidden_mask=None):
    """A whole LSTM layer over time-major ``input`` (T, N, F); returns (output, h_n, c_n).

    Each step is :func:`lstm_cell`; BPTT carries dh and dc backwards (E-15). hx, cx (N, H) or None
    (zeros). Options (reverse, lengths, masks, recurrent_activation): module docstring."""
    hard = _activation("lstm_layer", recurrent_activation)
    return _layer("lstm_layer", "lstm", input, hx, cx, w_ih, w_hh, b_ih, b_hh, lengths,
                  input_mask, hidden_mask, reverse, hard=hard)


def gru_layer(input, hx, w_ih, w_hh, b_ih=None, b_hh=None, reset_after=True,
              recurrent_activation="sigmoid", reverse=False, lengths=None, input_mask=None,
              hidden_mask=None):
    """A whole GRU layer over time-major ``input`` (T, N, F); returns (output, h_n).

    Each step is :func:`gru_cell` (``reset_after`` selects the PyTorch or the Keras-2 candidate);
    BPTT as E-15. Options (reverse, lengths, masks): module docstring."""
    hard = _activation("gru_layer", recurrent_activation)
    return _layer("gru_layer", "gru", input, hx, None, w_ih, w_hh, b_ih, b_hh, lengths,
                  input_mask, hidden_mask, reverse, hard=hard, reset_after=bool(reset_after))

