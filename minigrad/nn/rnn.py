"""Recurrent modules with PyTorch's API and parameter layout: ``RNN``, ``LSTM``, ``GRU`` and the
one-step ``RNNCell``, ``LSTMCell``, ``GRUCell``.

Parameters are named as in torch (``weight_ih_l{k}``, ``weight_hh_l{k}``, ``bias_ih_l{k}``,
``bias_hh_l{k}``, ``_reverse`` for the backward direction), so a torch ``state_dict`` loads as is.
Each (layer, direction) is ONE graph node, :func:`minigrad.functional.lstm_layer` and friends,
which run the time loop on raw arrays and backpropagate through time by hand (see
``minigrad/functional/recurrent.py``).

Beyond torch, for the books' Keras models (spec S-02..S-05, S-09, E-5, E-8):

* ``recurrent_activation="hard_sigmoid"`` (LSTM, GRU): Keras <= 2.2 gates;
* ``reset_after=False`` (GRU): the Keras-2 / textbook candidate (r * h) W; one bias vector;
* ``unit_forget_bias=True`` (LSTM): forget-gate bias initialised to 1 (Keras);
* ``init="keras"``: W_ih glorot-uniform, W_hh orthogonal, biases 0 (torch default:
  U(+-1/sqrt(hidden_size)) for everything);
* ``input_dropout``/``recurrent_dropout``: variational dropout, masks drawn once per sequence
  (one per gate, Keras ``implementation=1``) and reused at every step; training mode only;
* ``stateful=True``: the final state of a call (detached) is the initial state of the next call
  with the same batch size when no ``hx`` is given (Keras ``stateful``; ``reset_states()``);
* ``merge`` for bidirectional layers: ``"concat"`` (torch, default), ``"sum"``, ``"mul"``, ``"ave"``;
* :func:`keras_to_torch_weights` / :func:`torch_to_keras_weights` / :func:`load_keras_weights`:
  Keras' ``[F, G*H]`` kernels and gate orders (LSTM i f c o, GRU z r h) <-> torch's layout;
* ``forward(input, hx, lengths=...)``: padded batches; steps past a sequence's length output
  zeros, pass no gradient, and the final state is the one after the last valid step (the
  reverse direction starts at the sequence's own last step), as torch's packed sequences.
"""
import math

import numpy as np

from .. import functional as F
from ..creation import empty
from ..random import default_generator
from ..tensor import Tensor
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell",
           "detach_state", "keras_to_torch_weights", "torch_to_keras_weights", "load_keras_weights"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def detach_state(state):
    """Cut a recurrent state (tensor, or tuple/list of tensors, or None) from the graph: the
    truncated-BPTT step between chunks of a long sequence (gradients stop at the chunk border,
    values carry over)."""
    if state is None:
        return None
    if isinstance(state, (tuple, list)):
        return type(state)(detach_state(s) for s in state)
    return state.detach()


def _dropout_mask(p, shape, like):
    """Inverted-dropout keep mask (0 or 1/(1-p)) as a constant tensor beside ``like``."""
    gen = default_generator(like.device)
    keep = gen.bernoulli(1.0 - p, shape, like.dtype)
    return Tensor(keep * (1.0 / (1.0 - p)))


def _reset(module, weights, hidden_size, style, forget_bias_slice=None):
    """Initialise one set of (w_ih, w_hh, b_ih, b_hh)."""
    w_ih, w_hh, b_ih, b_hh = weights
    if style == "torch":
        k = 1.0 / math.sqrt(hidden_size) if hidden_size > 0 else 0.0
        for p in weights:
            if p is not None:
                init.uniform_(p, -k, k)
    elif style == "keras":
        init.xavier_uniform_(w_ih)
        init.orthogonal_(w_hh)
        for b in (b_ih, b_hh):
            if b is not None:
                init.zeros_(b)
    else:
        raise ValueError(f"{type(module).__name__}: init must be 'torch' or 'keras', got {style!r}")
    if forget_bias_slice is not None and b_ih is not None:
        vals = b_ih.data.copy()
        vals[forget_bias_slice] = 1.0
        b_ih.data[...] = vals
        if b_hh is not None:
            b_hh.data[forget_bias_slice] = 0.0


class RNNBase(Module):
    """Shared machinery of RNN, LSTM and GRU (multi-layer, bidirectional, batch_first)."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None, *,
                 recurrent_activation="sigmoid", reset_after=True, unit_forget_bias=False,
                 init="torch", input_dropout=0.0, recurrent_dropout=0.0, merge="concat",
                 stateful=False):
        super().__init__()
        name = type(self).__name__
        if mode not in _GATES:
            raise ValueError(f"{name}: unknown mode {mode!r}")
        for what, v in (("input_size", input_size), ("hidden_size", hidden_size),
                        ("num_layers", num_layers)):
            if int(v) != v or v <= 0:
                raise ValueError(f"{name}: {what} must be a positive integer, got {v!r}")
        for what, p in (("dropout", dropout), ("input_dropout", input_dropout),
                        ("recurrent_dropout", recurrent_dropout)):
            if not 0 <= p < 1:
                raise ValueError(f"{name}: {what} must be in [0, 1), got {p}")
        if recurrent_activation not in ("sigmoid", "hard_sigmoid"):
            raise ValueError(f"{name}: recurrent_activation must be 'sigmoid' or 'hard_sigmoid', "
                             f"got {recurrent_activation!r}")
        if merge not in ("concat", "sum", "mul", "ave"):
            raise ValueError(f"{name}: merge must be 'concat', 'sum', 'mul' or 'ave', got {merge!r}")
        self.mode = mode
        self.input_size, self.hidden_size = int(input_size), int(hidden_size)
        self.num_layers, self.bias, self.batch_first = int(num_layers), bool(bias), bool(batch_first)
        self.dropout, self.bidirectional = float(dropout), bool(bidirectional)
        self.recurrent_activation, self.reset_after = recurrent_activation, bool(reset_after)
        self.unit_forget_bias, self.init_style = bool(unit_forget_bias), init
        self.input_dropout, self.recurrent_dropout = float(input_dropout), float(recurrent_dropout)
        self.merge = merge
        self.stateful, self._carry = bool(stateful), None
        dtype = np.float32 if dtype is None else dtype
        G, H = _GATES[mode], self.hidden_size
        D = 2 if self.bidirectional else 1
        out_width = H * D if merge == "concat" else H
        self._flat_names = []
        for layer in range(self.num_layers):
            in_size = self.input_size if layer == 0 else out_width
            for suffix in ("", "_reverse")[:D]:
                names = [f"weight_ih_l{layer}{suffix}", f"weight_hh_l{layer}{suffix}",
                         f"bias_ih_l{layer}{suffix}", f"bias_hh_l{layer}{suffix}"]
                shapes = [(G * H, in_size), (G * H, H), (G * H,), (G * H,)]
                for k, (n, s) in enumerate(zip(names, shapes)):
                    keep = k < 2 or (self.bias and not (k == 3 and mode == "GRU" and not self.reset_after))
                    if keep:
                        setattr(self, n, Parameter(empty(*s, dtype=dtype, device=device)))
                    else:
                        self.register_parameter(n, None)
                self._flat_names.append(names)
        self.reset_parameters()

    def _layer_weights(self, idx):
        return [getattr(self, n) for n in self._flat_names[idx]]

    def reset_parameters(self):
        H = self.hidden_size
        fb = slice(H, 2 * H) if (self.mode == "LSTM" and self.unit_forget_bias) else None
        for idx in range(len(self._flat_names)):
            _reset(self, self._layer_weights(idx), H, self.init_style, fb)

    def flatten_parameters(self):
        """No-op kept for torch compatibility (cuDNN's contiguous weight buffer does not apply)."""

    @property
    def all_weights(self):
        return [[p for p in self._layer_weights(i)] for i in range(len(self._flat_names))]

    # ------------------------------------------------------------------ forward
    def _check_input(self, input, hx):
        name = type(self).__name__
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}: input must be a Tensor, got {type(input).__name__}")
        if input.ndim not in (2, 3):
            raise ValueError(f"{name}: expected a 2-D (unbatched) or 3-D input, got shape {input.shape}")
        if input.shape[-1] != self.input_size:
            raise ValueError(f"{name}: input has {input.shape[-1]} features but the layer was built "
                             f"with input_size={self.input_size} (input shape {input.shape})")

    def _split_state(self, state, N, what):
        """(L*D, N, H) state -> list of per-(layer, direction) (N, H) tensors, validated."""
        name = type(self).__name__
        D = 2 if self.bidirectional else 1
        want = (self.num_layers * D, N, self.hidden_size)
        if not isinstance(state, Tensor):
            raise TypeError(f"{name}: {what} must be a Tensor, got {type(state).__name__}")
        if tuple(state.shape) != want:
            raise ValueError(f"{name}: {what} must have shape (num_layers*num_directions, batch, "
                             f"hidden_size) = {want}, got {tuple(state.shape)}")
        return list(F.unbind(state, 0))

    def forward(self, input, hx=None, lengths=None):
        """``input`` (T, N, F) ((N, T, F) with batch_first; (T, F) unbatched), ``hx`` (L*D, N, H)
        (LSTM: a tuple (h_0, c_0)) or None; ``lengths`` (N,) for padded batches. Returns
        ``(output, h_n)`` (LSTM: ``(output, (h_n, c_n))``), output (T, N, D*H)."""
        self._check_input(input, hx)
        unbatched = input.ndim == 2
        if unbatched:
            input = F.unsqueeze(input, 1)
            if hx is not None:
                hx = tuple(F.unsqueeze(s, 1) for s in hx) if isinstance(hx, tuple) else F.unsqueeze(hx, 1)
        elif self.batch_first:
            input = F.transpose(input, 0, 1)
        T, N = input.shape[0], input.shape[1]
        lstm = self.mode == "LSTM"
        if hx is None and self.stateful and self._carry is not None:
            carried = self._carry[0] if lstm else self._carry
            if carried.shape[1] == N:         # a new batch size starts from zeros again
                hx = self._carry
        h0 = c0 = None
        if hx is not None:
            if lstm:
                if not (isinstance(hx, (tuple, list)) and len(hx) == 2):
                    raise TypeError("LSTM: hx must be a tuple (h_0, c_0)")
                h0, c0 = self._split_state(hx[0], N, "h_0"), self._split_state(hx[1], N, "c_0")
            else:
                h0 = self._split_state(hx, N, "hx")
        if lengths is not None:
            lengths = np.asarray(lengths.data if isinstance(lengths, Tensor) else lengths)
            if hasattr(lengths, "get"):
                lengths = lengths.get()
            if lengths.shape != (N,):
                raise ValueError(f"{type(self).__name__}: lengths must have shape ({N},), got {lengths.shape}")
            if lengths.max() > T:
                raise ValueError(f"{type(self).__name__}: a length ({lengths.max()}) exceeds the "
                                 f"sequence length T={T}")
        D = 2 if self.bidirectional else 1
        G = _GATES[self.mode]
        h_n, c_n = [], []
        x = input
        for layer in range(self.num_layers):
            outs = []
            for d in range(D):
                idx = layer * D + d
                w_ih, w_hh, b_ih, b_hh = self._layer_weights(idx)
                masks = {}
                if self.training and self.input_dropout > 0:
                    masks["input_mask"] = _dropout_mask(self.input_dropout, (G, N, x.shape[2]), x)
                if self.training and self.recurrent_dropout > 0:
                    masks["hidden_mask"] = _dropout_mask(self.recurrent_dropout, (G, N, self.hidden_size), x)
                h = None if h0 is None else h0[idx]
                common = dict(reverse=d == 1, lengths=lengths, **masks)
                if lstm:
                    out, h, c = F.lstm_layer(x, h, None if c0 is None else c0[idx], w_ih, w_hh, b_ih, b_hh,
                                             recurrent_activation=self.recurrent_activation, **common)
                    c_n.append(c)
                elif self.mode == "GRU":
                    out, h = F.gru_layer(x, h, w_ih, w_hh, b_ih, b_hh, reset_after=self.reset_after,
                                         recurrent_activation=self.recurrent_activation, **common)
                else:
                    out, h = F.rnn_layer(x, h, w_ih, w_hh, b_ih, b_hh,
                                         nonlinearity="relu" if self.mode == "RNN_RELU" else "tanh", **common)
                outs.append(out)
                h_n.append(h)
            x = self._merge(outs)
            if self.training and self.dropout > 0 and layer < self.num_layers - 1:
                x = x * _dropout_mask(self.dropout, tuple(x.shape), x)
        output = x
        h_n = F.stack(h_n, 0)
        c_n = F.stack(c_n, 0) if lstm else None
        if unbatched:
            output, h_n = F.squeeze(output, 1), F.squeeze(h_n, 1)
            c_n = F.squeeze(c_n, 1) if lstm else None
        elif self.batch_first:
            output = F.transpose(output, 0, 1)
        if self.stateful and not unbatched:
            self._carry = detach_state((h_n, c_n) if lstm else h_n)
        return (output, (h_n, c_n)) if lstm else (output, h_n)

    def reset_states(self):
        """Forget the carried state of a ``stateful`` layer (Keras' ``reset_states``)."""
        self._carry = None

    def _merge(self, outs):
        if len(outs) == 1:
            return outs[0]
        a, b = outs
        if self.merge == "concat":
            return F.cat([a, b], dim=2)
        if self.merge == "sum":
            return a + b
        if self.merge == "mul":
            return a * b
        return (a + b) * 0.5

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        for k, default in (("batch_first", False), ("dropout", 0.0), ("bidirectional", False),
                           ("input_dropout", 0.0), ("recurrent_dropout", 0.0)):
            if getattr(self, k) != default:
                s += f", {k}={getattr(self, k)}"
        if not self.bias:
            s += ", bias=False"
        if self.recurrent_activation != "sigmoid":
            s += f", recurrent_activation={self.recurrent_activation!r}"
        return s


class RNN(RNNBase):
    """Elman RNN, ``h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)``, act = tanh or relu.
    ``RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True,
    batch_first=False, dropout=0.0, bidirectional=False)`` (+ the options of the module docstring)."""

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None, **kw):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size,
                         num_layers, bias, batch_first, dropout, bidirectional, device, dtype, **kw)
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    """LSTM (gates i, f, g, o): ``c_t = f c_{t-1} + i g``, ``h_t = o tanh(c_t)``. torch's signature;
    returns ``(output, (h_n, c_n))``. Keras options: ``unit_forget_bias``, ``recurrent_activation``,
    ``init="keras"``, ``input_dropout``, ``recurrent_dropout`` (module docstring)."""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None, **kw):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device, dtype, **kw)


class GRU(RNNBase):
    """GRU (gates r, z, n): ``h_t = (1 - z) n + z h_{t-1}``. ``reset_after=True`` is torch's form
    (n = tanh(x W_in + b_in + r (h W_hn + b_hn))), ``reset_after=False`` Keras 2's
    (n = tanh(x W_in + (r h) W_hn + b_n), single bias ``bias_ih``)."""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None, **kw):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device, dtype, **kw)


# ----------------------------------------------------------------------------- cells

class RNNCellBase(Module):
    """One-step cells: parameters ``weight_ih (G*H, F)``, ``weight_hh (G*H, H)``, ``bias_ih``,
    ``bias_hh`` initialised U(+-1/sqrt(H)) as torch (``init="keras"``: glorot / orthogonal / 0)."""

    def __init__(self, gates, input_size, hidden_size, bias=True, device=None, dtype=None,
                 init="torch", unit_forget_bias=False, single_bias=False):
        super().__init__()
        self.input_size, self.hidden_size, self.bias = int(input_size), int(hidden_size), bool(bias)
        dtype = np.float32 if dtype is None else dtype
        G, H = gates, self.hidden_size
        self.weight_ih = Parameter(empty(G * H, self.input_size, dtype=dtype, device=device))
        self.weight_hh = Parameter(empty(G * H, H, dtype=dtype, device=device))
        for n, keep in (("bias_ih", bias), ("bias_hh", bias and not single_bias)):
            if keep:
                setattr(self, n, Parameter(empty(G * H, dtype=dtype, device=device)))
            else:
                self.register_parameter(n, None)
        fb = slice(H, 2 * H) if unit_forget_bias else None
        _reset(self, [self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh], H, init, fb)

    def _prepare(self, input, hx, n_states):
        name = type(self).__name__
        if not isinstance(input, Tensor) or input.ndim not in (1, 2):
            raise ValueError(f"{name}: expected a 1-D or 2-D input tensor, got "
                             f"{getattr(input, 'shape', type(input).__name__)}")
        if input.shape[-1] != self.input_size:
            raise ValueError(f"{name}: input has {input.shape[-1]} features, expected "
                             f"input_size={self.input_size}")
        unbatched = input.ndim == 1
        if unbatched:
            input = F.unsqueeze(input, 0)
            if hx is not None:
                hx = tuple(F.unsqueeze(s, 0) for s in hx) if n_states == 2 else F.unsqueeze(hx, 0)
        return input, hx, unbatched

    def extra_repr(self):
        return f"{self.input_size}, {self.hidden_size}" + ("" if self.bias else ", bias=False")


class RNNCell(RNNCellBase):
    """``RNNCell(input_size, hidden_size, bias=True, nonlinearity='tanh')``: h' = act(x W_ih^T +
    b_ih + h W_hh^T + b_hh)."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None, **kw):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNNCell: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(1, input_size, hidden_size, bias, device, dtype, **kw)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        input, hx, unbatched = self._prepare(input, hx, 1)
        fn = F.rnn_tanh_cell if self.nonlinearity == "tanh" else F.rnn_relu_cell
        h = fn(input, hx, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return F.squeeze(h, 0) if unbatched else h


class LSTMCell(RNNCellBase):
    """``LSTMCell(input_size, hidden_size, bias=True)``; ``forward(input, (h, c))`` -> ``(h', c')``."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None,
                 recurrent_activation="sigmoid", **kw):
        super().__init__(4, input_size, hidden_size, bias, device, dtype, **kw)
        self.recurrent_activation = recurrent_activation

    def forward(self, input, hx=None):
        input, hx, unbatched = self._prepare(input, hx, 2)
        h, c = (None, None) if hx is None else hx
        h, c = F.lstm_cell(input, h, c, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh,
                           recurrent_activation=self.recurrent_activation)
        return (F.squeeze(h, 0), F.squeeze(c, 0)) if unbatched else (h, c)


class GRUCell(RNNCellBase):
    """``GRUCell(input_size, hidden_size, bias=True, reset_after=True)``; forward -> h'."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None, reset_after=True,
                 recurrent_activation="sigmoid", **kw):
        super().__init__(3, input_size, hidden_size, bias, device, dtype,
                         single_bias=not reset_after, **kw)
        self.reset_after, self.recurrent_activation = bool(reset_after), recurrent_activation

    def forward(self, input, hx=None):
        input, hx, unbatched = self._prepare(input, hx, 1)
        h = F.gru_cell(input, hx, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh,
                       reset_after=self.reset_after, recurrent_activation=self.recurrent_activation)
        return F.squeeze(h, 0) if unbatched else h


# ----------------------------------------------------------------------------- Keras weight layout

# torch block order expressed in Keras blocks: LSTM i f c o == torch i f g o; GRU Keras z r h
# against torch r z n, so torch block k is Keras block _KERAS_BLOCKS[mode][k] (and vice versa).
_KERAS_BLOCKS = {"LSTM": (0, 1, 2, 3), "GRU": (1, 0, 2), "RNN": (0,)}


def _reorder(a, order, axis):
    H = a.shape[axis] // len(order)
    return np.concatenate([np.take(a, range(k * H, (k + 1) * H), axis=axis) for k in order], axis=axis)


def keras_to_torch_weights(mode, kernel, recurrent_kernel, bias=None):
    """Keras recurrent weights -> torch layout ``(weight_ih, weight_hh, bias_ih, bias_hh)``.

    Keras keeps ``kernel [F, G*H]``, ``recurrent_kernel [H, G*H]`` and one bias ``[G*H]`` (GRU
    with ``reset_after=True``: ``[2, G*H]``, input and recurrent rows); gate blocks i f c o (LSTM,
    as torch) and z r h (GRU; torch r z n, so blocks are swapped). A single Keras bias becomes
    ``bias_ih`` with ``bias_hh`` zero (LSTM/RNN: only the sum matters) or ``None`` (GRU
    reset_after=False, whose module has no bias_hh)."""
    mode = mode.upper()
    if mode not in _KERAS_BLOCKS:
        raise ValueError(f"keras_to_torch_weights: mode must be 'LSTM', 'GRU' or 'RNN', got {mode!r}")
    order = _KERAS_BLOCKS[mode]
    w_ih = _reorder(np.asarray(kernel).T, order, 0)
    w_hh = _reorder(np.asarray(recurrent_kernel).T, order, 0)
    b_ih = b_hh = None
    if bias is not None:
        bias = np.asarray(bias)
        if bias.ndim == 2:
            b_ih, b_hh = _reorder(bias[0], order, 0), _reorder(bias[1], order, 0)
        else:
            b_ih = _reorder(bias, order, 0)
            b_hh = None if mode == "GRU" else np.zeros_like(b_ih)
    return w_ih, w_hh, b_ih, b_hh


def torch_to_keras_weights(mode, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """Inverse of :func:`keras_to_torch_weights`: ``(kernel, recurrent_kernel, bias)``; the two
    torch biases become their sum (LSTM/RNN), or the Keras ``[2, 3H]`` bias (GRU with both)."""
    mode = mode.upper()
    order = _KERAS_BLOCKS[mode]           # each order is its own inverse
    kernel = _reorder(np.asarray(weight_ih), order, 0).T
    recurrent = _reorder(np.asarray(weight_hh), order, 0).T
    if bias_ih is None:
        return kernel, recurrent, None
    b_ih = _reorder(np.asarray(bias_ih), order, 0)
    if bias_hh is None:
        return kernel, recurrent, b_ih
    b_hh = _reorder(np.asarray(bias_hh), order, 0)
    return kernel, recurrent, (np.stack([b_ih, b_hh]) if mode == "GRU" else b_ih + b_hh)


def load_keras_weights(module, layer_weights):
    """Copy Keras weights into a recurrent module: ``layer_weights`` lists, per (layer,
    direction) in the module's order (l0, l0_reverse, l1, ...), the Keras ``get_weights()``
    triple ``(kernel, recurrent_kernel, bias)``."""
    mode = "RNN" if module.mode.startswith("RNN") else module.mode
    if len(layer_weights) != len(module._flat_names):
        raise ValueError(f"load_keras_weights: the module has {len(module._flat_names)} "
                         f"(layer, direction) weight sets, got {len(layer_weights)}")
    for idx, triple in enumerate(layer_weights):
        arrays = keras_to_torch_weights(mode, *triple)
        for p, a in zip(module._layer_weights(idx), arrays):
            if p is None:
                continue
            if a is None:
                raise ValueError("load_keras_weights: the module has bias_hh but the Keras GRU "
                                 "has one bias (build the module with reset_after=False)")
            if tuple(a.shape) != tuple(p.shape):
                raise ValueError(f"load_keras_weights: shape {a.shape} does not fit {tuple(p.shape)}")
            p.data[...] = a.astype(p.dtype)
