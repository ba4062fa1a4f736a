"""The fast recurrent-cell kernels (Numba backward, SIMD-ufunc forward, CuPy) against their
NumPy references.

Every kernel is called with the same inputs on fresh output buffers; outputs must agree to
rounding. Inputs include pre-activations far in both saturated tails (sigmoid overflow guard),
hard-sigmoid arguments exactly at its corners (+-2.5), and aliasing of dc and dc_prev (the LSTM
backward updates the carried cell gradient in place)."""
import numpy as np
import pytest

from kernels.cpu import rnn_cells as K

N, H = 5, 7


def _inputs(dtype, seed=0):
    rng = np.random.default_rng(seed)

    def arr(*shape, scale=2.0):
        return (rng.standard_normal(shape) * scale).astype(dtype)

    def gate_values(g):
        """Activated gate values in (0, 1) (and tanh blocks in (-1, 1)), with exact 0/1 too."""
        a = rng.uniform(0.02, 0.98, (N, g * H)).astype(dtype)
        a[0, :3] = [0.0, 1.0, 0.5]
        return a
    return arr, gate_values


def _zx(arr, g):
    z = arr(N, g * H, scale=3.0)
    z[0, :4] = [2.5, -2.5, 40.0, -40.0]          # hard-sigmoid corners, saturated tails
    return z


def _run(name, args, out_shapes, dtype):
    ref_out = [np.full(s, np.nan, dtype) for s in out_shapes]
    nb_out = [np.full(s, np.nan, dtype) for s in out_shapes]
    getattr(K, name + "_ref")(*args, *ref_out)
    fast = getattr(K, name + "_nb", None) or getattr(K, name + "_simd")
    fast(*args, *nb_out)
    return ref_out, nb_out


def _assert_close(ref_out, nb_out, dtype):
    tol = 1e-5 if dtype == np.float32 else 1e-12
    for r, n in zip(ref_out, nb_out):
        assert np.isfinite(n).all()
        np.testing.assert_allclose(n, r, rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("flag", [False, True])
def test_forward_kernels_match_reference(dtype, flag):
    arr, _ = _inputs(dtype)
    cases = [
        ("rnn_forward", (arr(N, H), flag), [(N, H)]),
        ("lstm_forward", (_zx(arr, 4), arr(N, 4 * H), arr(N, H), flag), [(N, 4 * H), (N, H), (N, H), (N, H)]),
        ("gru_forward", (_zx(arr, 3), arr(N, 3 * H), arr(N, H), flag), [(N, 3 * H), (N, H)]),
        ("gru_rb_gates", (_zx(arr, 3), arr(N, 2 * H), arr(N, H), flag), [(N, 3 * H), (N, H)]),
    ]
    for name, args, shapes in cases:
        ref, nb = _run(name, args, shapes, dtype)
        if name == "gru_rb_gates":               # only the r, z blocks are written
            ref[0], nb[0] = ref[0][:, :2 * H], nb[0][:, :2 * H]
        _assert_close(ref, nb, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gru_rb_out_matches_reference(dtype):
    arr, gate_values = _inputs(dtype)
    zx, zhn, h = _zx(arr, 3), arr(N, H), arr(N, H)
    g_ref, g_nb = gate_values(3), None
    g_nb = g_ref.copy()
    h_ref, h_nb = np.empty((N, H), dtype), np.empty((N, H), dtype)
    K.gru_rb_out_ref(zx, zhn, h, g_ref, h_ref)
    K.gru_rb_out_simd(zx, zhn, h, g_nb, h_nb)
    _assert_close([g_ref, h_ref], [g_nb, h_nb], dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("flag", [False, True])
def test_backward_kernels_match_reference(dtype, flag):
    arr, gate_values = _inputs(dtype, seed=1)
    h_act = np.tanh(arr(N, H)) if not flag else np.maximum(arr(N, H), 0)
    h_act[0, :2] = 0.0                          # relu derivative at exactly 0 -> 0
    cases = [
        ("rnn_backward", (arr(N, H), h_act, flag), [(N, H)]),
        ("lstm_backward", (arr(N, H), arr(N, H), gate_values(4), arr(N, H), np.tanh(arr(N, H)), flag),
         [(N, 4 * H), (N, H)]),
        ("gru_backward", (arr(N, H), arr(N, H), gate_values(3), arr(N, H), flag),
         [(N, 3 * H), (N, 3 * H), (N, H)]),
        ("gru_rb_out_backward", (arr(N, H), arr(N, H), gate_values(3), flag), [(N, 3 * H), (N, H)]),
        ("gru_rb_gates_backward", (arr(N, H), arr(N, H), gate_values(3), flag), [(N, 3 * H), (N, H)]),
    ]
    for name, args, shapes in cases:
        ref, nb = _run(name, args, shapes, dtype)
        if name == "gru_rb_out_backward":        # writes the z and n blocks only
            ref[0], nb[0] = ref[0][:, H:], nb[0][:, H:]
        if name == "gru_rb_gates_backward":      # writes the r block only
            ref[0], nb[0] = ref[0][:, :H], nb[0][:, :H]
        _assert_close(ref, nb, dtype)


@pytest.mark.parametrize("impl", ["ref", "nb"])
def test_lstm_backward_in_place_carry(impl):
    """dc may be passed as dc_prev_out (the layer does): same result as separate buffers."""
    arr, gate_values = _inputs(np.float64, seed=2)
    args = [arr(N, H), arr(N, H), gate_values(4), arr(N, H), np.tanh(arr(N, H)), False]
    fn = getattr(K, "lstm_backward_" + impl)
    dz1, dcp = np.empty((N, 4 * H)), np.empty((N, H))
    fn(*args, dz1, dcp)
    dc = args[1].copy()
    dz2 = np.empty((N, 4 * H))
    fn(args[0], dc, *args[2:], dz2, dc)
    np.testing.assert_array_equal(dz1, dz2)
    np.testing.assert_array_equal(dcp, dc)


def test_sigmoid_is_stable_in_the_tails():
    z = np.array([[-800.0, -40.0, 0.0, 40.0, 800.0]])
    out_ref, out_nb = np.empty((1, 20)), np.empty((1, 20))
    zx = np.concatenate([z] * 4, axis=1)
    for fn, out in ((K.lstm_forward_ref, out_ref), (K.lstm_forward_nb, out_nb)):
        with np.errstate(all="raise"):
            fn(zx, np.zeros_like(zx), np.zeros((1, 5)), False, out, np.empty((1, 5)), np.empty((1, 5)),
               np.empty((1, 5)))
    np.testing.assert_allclose(out_nb, out_ref, atol=1e-15)
    assert out_ref[0, 0] == 0.0 and out_ref[0, 4] == 1.0


def test_hard_sigmoid_derivative_is_zero_outside():
    """Gate at 0 or 1 (clipped): no gradient; strictly inside: slope 0.2."""
    gates = np.full((1, 4), 0.5)
    gates[0, 0] = 1.0                 # i clipped
    dz = np.empty((1, 4))
    K.lstm_backward_nb(np.ones((1, 1)), np.ones((1, 1)), gates, np.ones((1, 1)), np.zeros((1, 1)),
                       True, dz, np.empty((1, 1)))
    assert dz[0, 0] == 0.0            # d/da_i with i clipped
    dct = 1.0 + 1.0 * 0.5 * 1.0       # dc + dh o (1 - tanh^2 c), c = 0
    assert dz[0, 1] == pytest.approx(dct * 1.0 * 0.2)   # f inside: dct * c_prev * 0.2


@pytest.mark.gpu
@pytest.mark.parametrize("flag", [False, True])
def test_gpu_kernels_match_reference(flag):
    import cupy as cp
    from kernels.gpu import rnn_cells as GK
    arr, gate_values = _inputs(np.float64, seed=3)
    cases = [
        ("rnn_forward", (arr(N, H), flag), [(N, H)]),
        ("lstm_forward", (_zx(arr, 4), arr(N, 4 * H), arr(N, H), flag), [(N, 4 * H), (N, H), (N, H), (N, H)]),
        ("gru_forward", (_zx(arr, 3), arr(N, 3 * H), arr(N, H), flag), [(N, 3 * H), (N, H)]),
        ("rnn_backward", (arr(N, H), np.tanh(arr(N, H)), flag), [(N, H)]),
        ("lstm_backward", (arr(N, H), arr(N, H), gate_values(4), arr(N, H), np.tanh(arr(N, H)), flag),
         [(N, 4 * H), (N, H)]),
        ("gru_backward", (arr(N, H), arr(N, H), gate_values(3), arr(N, H), flag),
         [(N, 3 * H), (N, 3 * H), (N, H)]),
        ("gru_rb_gates", (_zx(arr, 3), arr(N, 2 * H), arr(N, H), flag), [(N, 3 * H), (N, H)]),
        ("gru_rb_out_backward", (arr(N, H), arr(N, H), gate_values(3), flag), [(N, 3 * H), (N, H)]),
        ("gru_rb_gates_backward", (arr(N, H), arr(N, H), gate_values(3), flag), [(N, 3 * H), (N, H)]),
    ]
    for name, args, shapes in cases:
        ref = [np.zeros(s) for s in shapes]
        getattr(K, name + "_ref")(*args, *ref)
        dev = [cp.zeros(s) for s in shapes]
        getattr(GK, name)(*[cp.asarray(a) if isinstance(a, np.ndarray) else a for a in args], *dev)
        for r, d in zip(ref, dev):
            np.testing.assert_allclose(cp.asnumpy(d), r, rtol=1e-12, atol=1e-12, err_msg=name)
    zx, zhn, h, g = _zx(arr, 3), arr(N, H), arr(N, H), gate_values(3)
    g_ref, h_ref = g.copy(), np.empty((N, H))
    K.gru_rb_out_ref(zx, zhn, h, g_ref, h_ref)
    g_dev, h_dev = cp.asarray(g), cp.empty((N, H))
    GK.gru_rb_out(cp.asarray(zx), cp.asarray(zhn), cp.asarray(h), g_dev, h_dev)
    np.testing.assert_allclose(cp.asnumpy(g_dev), g_ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(cp.asnumpy(h_dev), h_ref, rtol=1e-12, atol=1e-12)
