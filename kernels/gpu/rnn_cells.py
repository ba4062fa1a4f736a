"""CuPy versions of the fused recurrent-cell kernels (same signatures and math as
``kernels/cpu/rnn_cells.py``, which documents them). One ElementwiseKernel launch per step over
the (N, H) tile; gate blocks are read from the (N, G*H) arrays by index. Kernels are compiled on
first use, so importing this module needs no CuPy. Gate arrays must be C-contiguous (they are:
the recurrent ops allocate them)."""
from minigrad.backend import cupy

_PREAMBLE = r"""
template <typename T> __device__ T sig_(T a, bool hard) {
    if (hard) { T y = (T)0.2 * a + (T)0.5; return y < 0 ? (T)0 : (y > 1 ? (T)1 : y); }
    return a >= 0 ? (T)1 / ((T)1 + exp(-a)) : exp(a) / ((T)1 + exp(a));
}
template <typename T> __device__ T dsig_(T y, bool hard) {
    if (hard) return (y > 0 && y < 1) ? (T)0.2 : (T)0;
    return y * ((T)1 - y);
}
"""

_SRC = {
    "rnn_forward": ("T z, bool relu", "T h",
                    "h = relu ? (z > 0 ? z : (T)0) : tanh(z);"),
    "rnn_backward": ("T dh, T h, bool relu", "T dz",
                     "dz = relu ? (h > 0 ? dh : (T)0) : dh * ((T)1 - h * h);"),
    "lstm_forward": (
        "raw T zx, raw T zh, T c_prev, bool hard, int32 H", "raw T gates, T c, T tc, T h", r"""
        int n = i / H, j = i % H; int b = n * 4 * H + j;
        T ig = sig_(zx[b] + zh[b], hard), fg = sig_(zx[b + H] + zh[b + H], hard);
        T gg = tanh(zx[b + 2 * H] + zh[b + 2 * H]), og = sig_(zx[b + 3 * H] + zh[b + 3 * H], hard);
        c = fg * c_prev + ig * gg; tc = tanh(c); h = og * tc;
        gates[b] = ig; gates[b + H] = fg; gates[b + 2 * H] = gg; gates[b + 3 * H] = og;"""),
    "lstm_backward": (
        "T dh, T dc, raw T gates, T c_prev, T tc, bool hard, int32 H", "raw T dz, T dc_prev", r"""
        int n = i / H, j = i % H; int b = n * 4 * H + j;
        T ig = gates[b], fg = gates[b + H], gg = gates[b + 2 * H], og = gates[b + 3 * H];
        T dct = dc + dh * og * ((T)1 - tc * tc);
        dz[b] = dct * gg * dsig_(ig, hard); dz[b + H] = dct * c_prev * dsig_(fg, hard);
        dz[b + 2 * H] = dct * ig * ((T)1 - gg * gg); dz[b + 3 * H] = dh * tc * dsig_(og, hard);
        dc_prev = dct * fg;"""),
    "gru_forward": (
        "raw T zx, raw T zh, T h_prev, bool hard, int32 H", "raw T gates, T h", r"""
        int n = i / H, j = i % H; int b = n * 3 * H + j;
        T r = sig_(zx[b] + zh[b], hard), z = sig_(zx[b + H] + zh[b + H], hard);
        T c = tanh(zx[b + 2 * H] + r * zh[b + 2 * H]);
        gates[b] = r; gates[b + H] = z; gates[b + 2 * H] = c; h = ((T)1 - z) * c + z * h_prev;"""),
    "gru_backward": (
        "T dh, T h_prev, raw T gates, T zh_n, bool hard, int32 H", "raw T dzx, raw T dzh, T dh_prev", r"""
        int n = i / H, j = i % H; int b = n * 3 * H + j;
        T r = gates[b], z = gates[b + H], c = gates[b + 2 * H];
        T da_n = dh * ((T)1 - z) * ((T)1 - c * c);
        T da_z = dh * (h_prev - c) * dsig_(z, hard), da_r = da_n * zh_n * dsig_(r, hard);
        dzx[b] = da_r; dzx[b + H] = da_z; dzx[b + 2 * H] = da_n;
        dzh[b] = da_r; dzh[b + H] = da_z; dzh[b + 2 * H] = da_n * r; dh_prev = dh * z;"""),
    "gru_rb_gates": (
        "raw T zx, raw T zh, T hm, bool hard, int32 H", "raw T gates, T rh", r"""
        int n = i / H, j = i % H; int b3 = n * 3 * H + j, b2 = n * 2 * H + j;
        T r = sig_(zx[b3] + zh[b2], hard);
        gates[b3] = r; gates[b3 + H] = sig_(zx[b3 + H] + zh[b2 + H], hard); rh = r * hm;"""),
    "gru_rb_out": (
        "raw T zx, T zh_n, T h_prev, int32 H", "raw T gates, T h", r"""
        int n = i / H, j = i % H; int b = n * 3 * H + j;
        T z = gates[b + H], c = tanh(zx[b + 2 * H] + zh_n);
        gates[b + 2 * H] = c; h = ((T)1 - z) * c + z * h_prev;"""),
    "gru_rb_out_backward": (
        "T dh, T h_prev, raw T gates, bool hard, int32 H", "raw T dz, T dh_prev", r"""
        int n = i / H, j = i % H; int b = n * 3 * H + j;
        T z = gates[b + H], c = gates[b + 2 * H];
        dz[b + 2 * H] = dh * ((T)1 - z) * ((T)1 - c * c);
        dz[b + H] = dh * (h_prev - c) * dsig_(z, hard); dh_prev = dh * z;"""),
    "gru_rb_gates_backward": (
        "T drh, T hm, raw T gates, bool hard, int32 H", "raw T dz, T dhm", r"""
        int n = i / H, j = i % H; int b = n * 3 * H + j;
        T r = gates[b]; dz[b] = drh * hm * dsig_(r, hard); dhm = drh * r;"""),
}

_CACHE = {}


def _k(name):
    if name not in _CACHE:
        params, outs, body = _SRC[name]
        _CACHE[name] = cupy().ElementwiseKernel(params, outs, body, "minigrad_" + name,
                                                preamble=_PREAMBLE)
    return _CACHE[name]


def rnn_forward(z, relu, h_out):
    _k("rnn_forward")(z, relu, h_out)


def rnn_backward(dh, h, relu, dz_out):
    _k("rnn_backward")(dh, h, relu, dz_out)


def lstm_forward(zx, zh, c_prev, hard, gates_out, c_out, tc_out, h_out):
    _k("lstm_forward")(zx, zh, c_prev, hard, c_prev.shape[1], gates_out, c_out, tc_out, h_out)


def lstm_backward(dh, dc, gates, c_prev, tc, hard, dz_out, dc_prev_out):
    _k("lstm_backward")(dh, dc, gates, c_prev, tc, hard, c_prev.shape[1], dz_out, dc_prev_out)


def gru_forward(zx, zh, h_prev, hard, gates_out, h_out):
    _k("gru_forward")(zx, zh, h_prev, hard, h_prev.shape[1], gates_out, h_out)


def gru_backward(dh, h_prev, gates, zh_n, hard, dzx_out, dzh_out, dh_prev_out):
    _k("gru_backward")(dh, h_prev, gates, zh_n, hard, h_prev.shape[1], dzx_out, dzh_out, dh_prev_out)


def gru_rb_gates(zx, zh, hm, hard, gates_out, rh_out):
    _k("gru_rb_gates")(zx, zh, hm, hard, hm.shape[1], gates_out, rh_out)


def gru_rb_out(zx, zh_n, h_prev, gates_out, h_out):
    _k("gru_rb_out")(zx, zh_n, h_prev, h_prev.shape[1], gates_out, h_out)


def gru_rb_out_backward(dh, h_prev, gates, hard, dz_out, dh_prev_out):
    _k("gru_rb_out_backward")(dh, h_prev, gates, hard, h_prev.shape[1], dz_out, dh_prev_out)


def gru_rb_gates_backward(drh, hm, gates, hard, dz_out, dhm_out):
    _k("gru_rb_gates_backward")(drh, hm, gates, hard, hm.shape[1], dz_out, dhm_out)
