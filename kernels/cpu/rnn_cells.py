"""Fused elementwise parts of the recurrent cells, one call per time step.

A recurrent step is "GEMMs, then elementwise math": the GEMMs (input projection of all steps at
once, hidden projection per step) stay in BLAS; everything elementwise between them -- gate
activations, cell update, the state -- is one kernel call per step here. Every kernel exists
twice: ``<name>_ref`` in plain NumPy (the readable definition, used with ``MINIGRAD_NUMBA=0`` and
as the test oracle) and a fast version: ``<name>_nb`` for the backward kernels, one fused Numba
loop over the (N, H) tile, and for the LSTM forward, Numba loops around NumPy's SIMD tanh;
``<name>_simd`` for the other forward kernels, an in-place pipeline of NumPy's SIMD ufuncs on
preallocated buffers (why: see the section header below -- measured, the transcendentals
decide). All write into the caller's ``*_out`` arrays and return nothing.

Conventions (N batch rows, H hidden units, gate blocks of width H side by side):

* ``zx`` the input projection x W_ih^T + b_ih (+ b_hh where it simply adds), ``zh`` the hidden
  projection h W_hh^T (+ the rest of b_hh);
* gate activation ``hard=False``: logistic sigmoid; ``hard=True``: Keras hard sigmoid
  clip(0.2 a + 0.5, 0, 1), whose derivative (0.2 inside, 0 outside) is read off its output;
* LSTM gate order i, f, g, o (PyTorch = Keras); GRU order r, z, n (PyTorch).

Math (E-15 of the engine spec):

* RNN:  h = act(z);  dz = dh (1 - h^2) for tanh, dh [h > 0] for relu.
* LSTM: i, f, o = sig(a), g = tanh(a); c = f c_prev + i g; h = o tanh(c).
  Backward: dc_tot = dc + dh o (1 - tanh^2 c); da_i = dc_tot g sig'(i); da_f = dc_tot c_prev sig'(f);
  da_g = dc_tot i (1 - g^2); da_o = dh tanh(c) sig'(o); dc_prev = dc_tot f.
* GRU, reset after (PyTorch): r, z = sig(zx + zh); n = tanh(zx_n + r zh_n); h = (1 - z) n + z h_prev.
  Backward: dn = dh (1 - z); da_n = dn (1 - n^2); da_z = dh (h_prev - n) sig'(z);
  da_r = da_n zh_n sig'(r); d zh_n = da_n r; direct dh_prev = dh z.
* GRU, reset before (Keras reset_after=False), in two halves around the candidate GEMM:
  gates: r, z = sig(zx + zh), rh = r * hm (hm: the state as the candidate GEMM sees it);
  out:   n = tanh(zx_n + zh_n) with zh_n = rh W_n^T; h = (1 - z) n + z h_prev.
"""
import numpy as np
from numba import njit

# ----------------------------------------------------------------------------- NumPy references


def _sig_ref(a, hard):
    if hard:
        return np.clip(0.2 * a + 0.5, 0.0, 1.0)
    return 0.5 * (np.tanh(0.5 * a) + 1.0)          # = 1/(1+e^-a), no overflow


def _dsig_ref(y, hard):
    """Derivative of the gate activation from its output y."""
    if hard:
        return np.where((y > 0) & (y < 1), 0.2, 0.0).astype(y.dtype)
    return y * (1 - y)


def rnn_forward_ref(z, relu, h_out):
    h_out[...] = np.maximum(z, 0) if relu else np.tanh(z)


def rnn_backward_ref(dh, h, relu, dz_out):
    dz_out[...] = dh * (h > 0) if relu else dh * (1 - h * h)


def lstm_forward_ref(zx, zh, c_prev, hard, gates_out, c_out, tc_out, h_out):
    H = c_prev.shape[1]
    a = zx + zh
    i, f = _sig_ref(a[:, :H], hard), _sig_ref(a[:, H:2 * H], hard)
    g, o = np.tanh(a[:, 2 * H:3 * H]), _sig_ref(a[:, 3 * H:], hard)
    c = f * c_prev + i * g
    tc = np.tanh(c)
    gates_out[:, :H], gates_out[:, H:2 * H], gates_out[:, 2 * H:3 * H], gates_out[:, 3 * H:] = i, f, g, o
    c_out[...], tc_out[...], h_out[...] = c, tc, o * tc


def lstm_backward_ref(dh, dc, gates, c_prev, tc, hard, dz_out, dc_prev_out):
    H = c_prev.shape[1]
    i, f, g, o = gates[:, :H], gates[:, H:2 * H], gates[:, 2 * H:3 * H], gates[:, 3 * H:]
    dct = dc + dh * o * (1 - tc * tc)
    dz_out[:, :H] = dct * g * _dsig_ref(i, hard)
    dz_out[:, H:2 * H] = dct * c_prev * _dsig_ref(f, hard)
    dz_out[:, 2 * H:3 * H] = dct * i * (1 - g * g)
    dz_out[:, 3 * H:] = dh * tc * _dsig_ref(o, hard)
    dc_prev_out[...] = dct * f


def gru_forward_ref(zx, zh, h_prev, hard, gates_out, h_out):
    H = h_prev.shape[1]
    r = _sig_ref(zx[:, :H] + zh[:, :H], hard)
    z = _sig_ref(zx[:, H:2 * H] + zh[:, H:2 * H], hard)
    n = np.tanh(zx[:, 2 * H:] + r * zh[:, 2 * H:])
    gates_out[:, :H], gates_out[:, H:2 * H], gates_out[:, 2 * H:] = r, z, n
    h_out[...] = (1 - z) * n + z * h_prev


def gru_backward_ref(dh, h_prev, gates, zh_n, hard, dzx_out, dzh_out, dh_prev_out):
    H = h_prev.shape[1]
    r, z, n = gates[:, :H], gates[:, H:2 * H], gates[:, 2 * H:]
    da_n = dh * (1 - z) * (1 - n * n)
    da_z = dh * (h_prev - n) * _dsig_ref(z, hard)
    da_r = da_n * zh_n * _dsig_ref(r, hard)
    dzx_out[:, :H], dzx_out[:, H:2 * H], dzx_out[:, 2 * H:] = da_r, da_z, da_n
    dzh_out[:, :H], dzh_out[:, H:2 * H], dzh_out[:, 2 * H:] = da_r, da_z, da_n * r
    dh_prev_out[...] = dh * z


def gru_rb_gates_ref(zx, zh, hm, hard, gates_out, rh_out):
    H = hm.shape[1]
    r = _sig_ref(zx[:, :H] + zh[:, :H], hard)
    gates_out[:, :H] = r
    gates_out[:, H:2 * H] = _sig_ref(zx[:, H:2 * H] + zh[:, H:2 * H], hard)
    rh_out[...] = r * hm


def gru_rb_out_ref(zx, zh_n, h_prev, gates_out, h_out):
    H = h_prev.shape[1]
    z = gates_out[:, H:2 * H]
    n = np.tanh(zx[:, 2 * H:] + zh_n)
    gates_out[:, 2 * H:] = n
    h_out[...] = (1 - z) * n + z * h_prev


def gru_rb_out_backward_ref(dh, h_prev, gates, hard, dz_out, dh_prev_out):
    """Fills the z and n blocks of dz and the direct dh_prev = dh z."""
    H = h_prev.shape[1]
    z, n = gates[:, H:2 * H], gates[:, 2 * H:]
    dz_out[:, 2 * H:] = dh * (1 - z) * (1 - n * n)
    dz_out[:, H:2 * H] = dh * (h_prev - n) * _dsig_ref(z, hard)
    dh_prev_out[...] = dh * z


def gru_rb_gates_backward_ref(drh, hm, gates, hard, dz_out, dhm_out):
    """From d(r * hm): fills the r block of dz and d hm = d(rh) r."""
    H = hm.shape[1]
    r = gates[:, :H]
    dz_out[:, :H] = drh * hm * _dsig_ref(r, hard)
    dhm_out[...] = drh * r


# ----------------------------------------------------------------------------- forward: SIMD ufuncs
#
# The forward steps are dominated by transcendentals (3 sigmoids and 2 tanh per LSTM unit).
# Numba calls the scalar libm tanh/exp (no SVML here), measured 20-60x slower per element than
# NumPy's SIMD ufuncs (float32 tanh: ~85 ns vs ~1.3 ns per element, one core), so the fast CPU
# forward kernels are in-place NumPy ufunc pipelines on preallocated buffers (no temporaries):
# sigmoid as 0.5 tanh(x/2) + 0.5, one SIMD tanh per block. The backward kernels have no
# transcendentals (derivatives come from the saved activations) and are fused Numba loops.


def _sig_inplace(v, hard):
    """Gate activation in place on a (strided) block view."""
    if hard:
        v *= 0.2
        v += 0.5
        np.clip(v, 0.0, 1.0, out=v)
    else:
        v *= 0.5
        np.tanh(v, out=v)
        v *= 0.5
        v += 0.5


def rnn_forward_simd(z, relu, h_out):
    if relu:
        np.maximum(z, 0, out=h_out)
    else:
        np.tanh(z, out=h_out)


def _gru_blend(n, z, h_prev, h_out):
    """h = (1 - z) n + z h_prev, computed as n + z (h_prev - n)."""
    np.subtract(h_prev, n, out=h_out)
    h_out *= z
    h_out += n


def gru_forward_simd(zx, zh, h_prev, hard, gates_out, h_out):
    H = h_prev.shape[1]
    rz, n = gates_out[:, :2 * H], gates_out[:, 2 * H:]
    np.add(zx[:, :2 * H], zh[:, :2 * H], out=rz)
    _sig_inplace(rz, hard)
    np.multiply(gates_out[:, :H], zh[:, 2 * H:], out=n)
    n += zx[:, 2 * H:]
    np.tanh(n, out=n)
    _gru_blend(n, gates_out[:, H:2 * H], h_prev, h_out)


def gru_rb_gates_simd(zx, zh, hm, hard, gates_out, rh_out):
    H = hm.shape[1]
    rz = gates_out[:, :2 * H]
    np.add(zx[:, :2 * H], zh[:, :2 * H], out=rz)
    _sig_inplace(rz, hard)
    np.multiply(gates_out[:, :H], hm, out=rh_out)


def gru_rb_out_simd(zx, zh_n, h_prev, gates_out, h_out):
    H = h_prev.shape[1]
    n = gates_out[:, 2 * H:]
    np.add(zx[:, 2 * H:], zh_n, out=n)
    np.tanh(n, out=n)
    _gru_blend(n, gates_out[:, H:2 * H], h_prev, h_out)


# LSTM forward: the hot one (4 gate blocks). Numba fuses the arithmetic around two SIMD tanh
# calls: pass 1 writes zx + zh with the sigmoid blocks pre-scaled by 1/2 (or the final hard
# sigmoid), ONE np.tanh then activates all gates, pass 2 finishes sig = t/2 + 1/2 and the cell
# update c = f c_prev + i g; np.tanh(c) and h = o tanh(c) complete the step. ``half`` is 0.5 in
# the arrays' dtype so that float32 stays float32 inside the loops (they vectorise).

@njit(cache=True)
def _lstm_pre_nb(zx, zh, hard, half, gates_out):
    N, G = gates_out.shape
    H = G // 4
    dt = gates_out.dtype.type
    zero, one, slope = dt(0.0), dt(1.0), dt(0.2)
    for n in range(N):
        for j in range(2 * H, 3 * H):
            gates_out[n, j] = zx[n, j] + zh[n, j]
        for k in (0, 1, 3):
            lo = k * H
            if hard:
                for j in range(lo, lo + H):
                    y = (zx[n, j] + zh[n, j]) * slope + half
                    gates_out[n, j] = zero if y < zero else (one if y > one else y)
            else:
                for j in range(lo, lo + H):
                    gates_out[n, j] = (zx[n, j] + zh[n, j]) * half


@njit(cache=True)
def _lstm_post_nb(gates, c_prev, hard, half, c_out):
    N, H = c_prev.shape
    for n in range(N):
        if not hard:
            for j in range(2 * H):
                gates[n, j] = gates[n, j] * half + half
            for j in range(3 * H, 4 * H):
                gates[n, j] = gates[n, j] * half + half
        for j in range(H):
            c_out[n, j] = gates[n, H + j] * c_prev[n, j] + gates[n, j] * gates[n, 2 * H + j]


def lstm_forward_nb(zx, zh, c_prev, hard, gates_out, c_out, tc_out, h_out):
    H = c_prev.shape[1]
    half = gates_out.dtype.type(0.5)
    _lstm_pre_nb(zx, zh, hard, half, gates_out)
    if hard:
        np.tanh(gates_out[:, 2 * H:3 * H], out=gates_out[:, 2 * H:3 * H])
    else:
        np.tanh(gates_out, out=gates_out)
    _lstm_post_nb(gates_out, c_prev, hard, half, c_out)
    np.tanh(c_out, out=tc_out)
    np.multiply(gates_out[:, 3 * H:], tc_out, out=h_out)


# ----------------------------------------------------------------------------- backward: Numba kernels
#
# Constants are made in the arrays' dtype (``dt = gates.dtype.type``): a float64 literal would
# promote every float32 operation to float64 and, with the activation branch, keep LLVM from
# vectorising the loop (measured 3-4x slower at N = 100, H = 800).

@njit(cache=True, inline="always")
def _dsig(y, hard, zero, one, slope):
    if hard:
        return slope if (y > zero and y < one) else zero
    return y * (one - y)


@njit(cache=True)
def rnn_backward_nb(dh, h, relu, dz_out):
    N, H = h.shape
    zero, one = h.dtype.type(0.0), h.dtype.type(1.0)
    for n in range(N):
        if relu:
            for j in range(H):
                dz_out[n, j] = dh[n, j] if h[n, j] > zero else zero
        else:
            for j in range(H):
                y = h[n, j]
                dz_out[n, j] = dh[n, j] * (one - y * y)


@njit(cache=True)
def lstm_backward_nb(dh, dc, gates, c_prev, tc, hard, dz_out, dc_prev_out):
    N, H = c_prev.shape
    dt = gates.dtype.type
    zero, one, slope = dt(0.0), dt(1.0), dt(0.2)
    for n in range(N):
        for j in range(H):
            i = gates[n, j]
            f = gates[n, H + j]
            g = gates[n, 2 * H + j]
            o = gates[n, 3 * H + j]
            t = tc[n, j]
            d = dh[n, j]
            dct = dc[n, j] + d * o * (one - t * t)
            dz_out[n, j] = dct * g * _dsig(i, hard, zero, one, slope)
            dz_out[n, H + j] = dct * c_prev[n, j] * _dsig(f, hard, zero, one, slope)
            dz_out[n, 2 * H + j] = dct * i * (one - g * g)
            dz_out[n, 3 * H + j] = d * t * _dsig(o, hard, zero, one, slope)
            dc_prev_out[n, j] = dct * f


@njit(cache=True)
def gru_backward_nb(dh, h_prev, gates, zh_n, hard, dzx_out, dzh_out, dh_prev_out):
    N, H = h_prev.shape
    dt = gates.dtype.type
    zero, one, slope = dt(0.0), dt(1.0), dt(0.2)
    for n in range(N):
        for j in range(H):
            r = gates[n, j]
            z = gates[n, H + j]
            c = gates[n, 2 * H + j]
            d = dh[n, j]
            da_n = d * (one - z) * (one - c * c)
            da_z = d * (h_prev[n, j] - c) * _dsig(z, hard, zero, one, slope)
            da_r = da_n * zh_n[n, j] * _dsig(r, hard, zero, one, slope)
            dzx_out[n, j] = da_r
            dzx_out[n, H + j] = da_z
            dzx_out[n, 2 * H + j] = da_n
            dzh_out[n, j] = da_r
            dzh_out[n, H + j] = da_z
            dzh_out[n, 2 * H + j] = da_n * r
            dh_prev_out[n, j] = d * z


@njit(cache=True)
def gru_rb_out_backward_nb(dh, h_prev, gates, hard, dz_out, dh_prev_out):
    N, H = h_prev.shape
    dt = gates.dtype.type
    zero, one, slope = dt(0.0), dt(1.0), dt(0.2)
    for n in range(N):
        for j in range(H):
            z = gates[n, H + j]
            c = gates[n, 2 * H + j]
            d = dh[n, j]
            dz_out[n, 2 * H + j] = d * (one - z) * (one - c * c)
            dz_out[n, H + j] = d * (h_prev[n, j] - c) * _dsig(z, hard, zero, one, slope)
            dh_prev_out[n, j] = d * z


@njit(cache=True)
def gru_rb_gates_backward_nb(drh, hm, gates, hard, dz_out, dhm_out):
    N, H = hm.shape
    dt = gates.dtype.type
    zero, one, slope = dt(0.0), dt(1.0), dt(0.2)
    for n in range(N):
        for j in range(H):
            r = gates[n, j]
            dz_out[n, j] = drh[n, j] * hm[n, j] * _dsig(r, hard, zero, one, slope)
            dhm_out[n, j] = drh[n, j] * r


KERNELS = ("rnn_forward", "rnn_backward", "lstm_forward", "lstm_backward", "gru_forward",
           "gru_backward", "gru_rb_gates", "gru_rb_out", "gru_rb_out_backward",
           "gru_rb_gates_backward")
