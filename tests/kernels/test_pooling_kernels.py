"""Max-pooling kernels: Numba (and CuPy, with a GPU) against the NumPy references, with ties
(first maximum in row-major window order), overlapping windows, -inf padding and dilation."""
import numpy as np
import pytest

from kernels.cpu import pooling as K

# (kh, kw, sh, sw, dh, dw)
GEOMS = [(2, 2, 2, 2, 1, 1), (3, 3, 2, 2, 1, 1), (3, 2, 1, 1, 1, 1), (2, 2, 1, 2, 2, 1), (2, 3, 3, 2, 1, 1)]


def _out(size, k, s, d):
    return (size - d * (k - 1) - 1) // s + 1


def _inputs(geom, dtype, ties, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, (2, 3, 9, 8)) if ties else rng.standard_normal((2, 3, 9, 8))
    x = x.astype(dtype)
    x[:, :, 0, :] = -np.inf                     # a padded row: never selected
    kh, kw, sh, sw, dh, dw = geom
    return x, _out(9, kh, sh, dh), _out(8, kw, sw, dw)


def _loop(x, kh, kw, sh, sw, dh, dw, oh, ow):
    n, c = x.shape[:2]
    y, arg = np.empty((n, c, oh, ow)), np.empty((n, c, oh, ow), np.int64)
    for a, b, p, q in np.ndindex(n, c, oh, ow):
        win = x[a, b, p * sh:p * sh + dh * (kh - 1) + 1:dh, q * sw:q * sw + dw * (kw - 1) + 1:dw].ravel()
        arg[a, b, p, q] = int(np.argmax(win))   # NumPy's argmax: the first maximum
        y[a, b, p, q] = win.max()
    return y, arg


@pytest.mark.parametrize("geom", GEOMS)
@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_forward(geom, ties, dtype):
    x, oh, ow = _inputs(geom, dtype, ties)
    y_loop, arg_loop = _loop(x, *geom, oh, ow)
    y_ref, arg_ref = K.max_pool2d_ref(x, *geom, oh, ow)
    np.testing.assert_array_equal(y_ref, y_loop)
    np.testing.assert_array_equal(arg_ref, arg_loop)
    y, arg = K.max_pool2d_numba(x, *geom, oh, ow)
    assert y.dtype == dtype
    np.testing.assert_array_equal(y, y_ref)
    np.testing.assert_array_equal(arg, arg_ref)


@pytest.mark.parametrize("geom", GEOMS)
@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-12), (np.float32, 1e-6)])
def test_backward_accumulates_on_shared_argmax(geom, dtype, tol):
    x, oh, ow = _inputs(geom, dtype, ties=True)
    _, arg = K.max_pool2d_ref(x, *geom, oh, ow)
    g = np.random.default_rng(1).standard_normal((2, 3, oh, ow)).astype(dtype)
    kh, kw, sh, sw, dh, dw = geom
    loop = np.zeros(x.shape)
    for a, b, p, q in np.ndindex(*g.shape):
        t = arg[a, b, p, q]
        loop[a, b, p * sh + (t // kw) * dh, q * sw + (t % kw) * dw] += g[a, b, p, q]
    ref = K.max_pool2d_backward_ref(g, arg, 9, 8, *geom)
    np.testing.assert_allclose(ref, loop, rtol=tol, atol=tol)
    got = K.max_pool2d_backward_numba(g, arg, 9, 8, *geom)
    assert got.dtype == dtype
    np.testing.assert_allclose(got, ref, rtol=tol, atol=tol)
    assert not got[:, :, 0].any()               # the -inf row gets no gradient


@pytest.mark.gpu
@pytest.mark.parametrize("geom", GEOMS)
def test_gpu_kernels_match_references(geom):
    import cupy as cp

    from kernels.gpu import pooling as G
    x, oh, ow = _inputs(geom, np.float64, ties=True)
    y_ref, arg_ref = K.max_pool2d_ref(x, *geom, oh, ow)
    y, arg = G.max_pool2d(cp.asarray(x), *geom, oh, ow)
    np.testing.assert_array_equal(y.get(), y_ref)
    np.testing.assert_array_equal(arg.get(), arg_ref)
    g = np.random.default_rng(1).standard_normal((2, 3, oh, ow))
    np.testing.assert_allclose(G.max_pool2d_backward(cp.asarray(g), arg, 9, 8, *geom).get(),
                               K.max_pool2d_backward_ref(g, arg_ref, 9, 8, *geom), atol=1e-12)


@pytest.mark.parametrize("k", [(2, 2), (3, 2)])
@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_first_max_backward_for_kernel_equal_stride(k, ties, dtype):
    """The kernel == stride path (forward kept only the maxima) against the argmax path."""
    kh, kw = k
    x, _, _ = _inputs((kh, kw, kh, kw, 1, 1), dtype, ties)
    x = x[:, :, 1:, :]                          # no -inf row here
    oh, ow = x.shape[2] // kh, x.shape[3] // kw
    xc = x[:, :, :oh * kh, :ow * kw]
    y, arg = K.max_pool2d_ref(np.ascontiguousarray(xc), kh, kw, kh, kw, 1, 1, oh, ow)
    g = np.random.default_rng(2).standard_normal(y.shape).astype(dtype)
    expected = np.zeros(x.shape, dtype)
    expected[:, :, :oh * kh, :ow * kw] = K.max_pool2d_backward_ref(g, arg, oh * kh, ow * kw, kh, kw, kh, kw, 1, 1)
    ref = K.max_pool2d_first_max_backward_ref(g, xc, y, kh, kw, *x.shape[2:])
    np.testing.assert_array_equal(ref, expected)
    np.testing.assert_array_equal(K.max_pool2d_first_max_backward_numba(g, xc, y, kh, kw, *x.shape[2:]), expected)


@pytest.mark.parametrize("k", [(2, 2), (3, 2)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_window_max_for_kernel_equal_stride(k, dtype):
    x, _, _ = _inputs((1, 1, 1, 1, 1, 1), dtype, ties=True)
    x[0, 0, 3, 3] = np.nan                      # NaN propagates, as with np.maximum
    oh, ow = x.shape[2] // k[0], x.shape[3] // k[1]
    ref = K.max_pool2d_max_ref(x, *k, oh, ow)
    np.testing.assert_array_equal(ref, _loop(x[:, :, :oh * k[0], :ow * k[1]], *k, *k, 1, 1, oh, ow)[0])
    assert np.isnan(ref[0, 0, 3 // k[0], 3 // k[1]])
