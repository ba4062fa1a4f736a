"""Convolution kernels (col2im, depthwise conv and its gradients): Numba (and CuPy, with a GPU)
against the NumPy references, with overlapping windows, strides, dilations and multipliers;
the references themselves against direct loops."""
import numpy as np
import pytest

from kernels.cpu import conv as K

# (N, C, kh, kw, OH, OW, sh, sw, dh, dw): overlapping, non-overlapping, gaps, dilated, and
# stride 2 with an odd kernel width (taps copied in even/odd pairs, plus a last single tap)
GEOMS = [(2, 3, 3, 3, 4, 5, 1, 1, 1, 1), (1, 2, 2, 2, 3, 3, 2, 2, 1, 1), (2, 2, 2, 3, 3, 2, 3, 2, 1, 1),
         (2, 1, 3, 2, 3, 4, 1, 2, 2, 3), (1, 4, 1, 1, 5, 5, 1, 1, 1, 1), (2, 3, 5, 5, 3, 4, 2, 2, 1, 1)]


def _canvas(g):
    n, c, kh, kw, oh, ow, sh, sw, dh, dw = g
    return (oh - 1) * sh + (kh - 1) * dh + 1 + 1, (ow - 1) * sw + (kw - 1) * dw + 1   # +1 spare row


def _col2im_loop(col, hp, wp, sh, sw, dh, dw):
    n, c, kh, kw, oh, ow = col.shape
    out = np.zeros((n, c, hp, wp))
    for a, b, i, j, p, q in np.ndindex(n, c, kh, kw, oh, ow):
        out[a, b, p * sh + i * dh, q * sw + j * dw] += col[a, b, i, j, p, q]
    return out


@pytest.mark.parametrize("geom", GEOMS)
@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-12), (np.float32, 1e-5)])
def test_col2im(geom, dtype, tol):
    n, c, kh, kw, oh, ow, sh, sw, dh, dw = geom
    col = np.random.default_rng(0).standard_normal((n, c, kh, kw, oh, ow)).astype(dtype)
    hp, wp = _canvas(geom)
    ref = K.col2im_ref(col, hp, wp, sh, sw, dh, dw)
    assert ref.dtype == dtype
    np.testing.assert_allclose(ref, _col2im_loop(col, hp, wp, sh, sw, dh, dw), rtol=tol, atol=tol)
    got = K.col2im_numba(col, hp, wp, sh, sw, dh, dw)
    assert got.dtype == dtype
    np.testing.assert_allclose(got, ref, rtol=tol, atol=tol)
    inner = np.ascontiguousarray(col.transpose(1, 2, 3, 0, 4, 5))     # [C, kh, kw, N, OH, OW]
    np.testing.assert_allclose(K.col2im_ref(inner, hp, wp, sh, sw, dh, dw, True), ref, rtol=tol, atol=tol)
    np.testing.assert_allclose(K.col2im_numba(inner, hp, wp, sh, sw, dh, dw, True), ref, rtol=tol, atol=tol)


def _depthwise_inputs(geom, m, dtype, seed=1):
    n, c, kh, kw, oh, ow, sh, sw, dh, dw = geom
    hp, wp = _canvas(geom)
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, c, hp, wp)).astype(dtype), rng.standard_normal((c, m, kh, kw)).astype(dtype),
            rng.standard_normal((n, c * m, oh, ow)).astype(dtype))


@pytest.mark.parametrize("geom", GEOMS)
@pytest.mark.parametrize("m", [1, 2])
@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-12), (np.float32, 1e-4)])
def test_depthwise_kernels(geom, m, dtype, tol):
    n, c, kh, kw, oh, ow, sh, sw, dh, dw = geom
    x, w, g = _depthwise_inputs(geom, m, dtype)
    hp, wp = x.shape[2:]
    # the reference against a direct loop
    ref = K.depthwise_conv_ref(x, w, sh, sw, dh, dw, oh, ow)
    loop = np.zeros((n, c * m, oh, ow))
    for a, ch, k, i, j, p, q in np.ndindex(n, c, m, kh, kw, oh, ow):
        loop[a, ch * m + k, p, q] += w[ch, k, i, j] * x[a, ch, p * sh + i * dh, q * sw + j * dw]
    np.testing.assert_allclose(ref, loop, rtol=tol, atol=tol)
    np.testing.assert_allclose(K.depthwise_conv_numba(x, w, sh, sw, dh, dw, oh, ow), ref, rtol=tol, atol=tol)
    # adjointness (in float64) ties the gradient references to the forward:
    # <y(x, w), g> = <x, dx(g, w)> = <w, dw(g, x)>
    x64, w64, g64 = (a.astype(np.float64) for a in (x, w, g))
    y64 = (K.depthwise_conv_ref(x64, w64, sh, sw, dh, dw, oh, ow) * g64).sum()
    dx64 = K.depthwise_conv_grad_input_ref(g64, w64, hp, wp, sh, sw, dh, dw)
    dw64 = K.depthwise_conv_grad_weight_ref(g64, x64, m, kh, kw, sh, sw, dh, dw)
    np.testing.assert_allclose(y64, (x64 * dx64).sum(), rtol=1e-10)
    np.testing.assert_allclose(y64, (w64 * dw64).sum(), rtol=1e-10)
    dx = K.depthwise_conv_grad_input_ref(g, w, hp, wp, sh, sw, dh, dw)
    dwr = K.depthwise_conv_grad_weight_ref(g, x, m, kh, kw, sh, sw, dh, dw)
    np.testing.assert_allclose(K.depthwise_conv_grad_input_numba(g, w, hp, wp, sh, sw, dh, dw), dx,
                               rtol=tol, atol=tol)
    np.testing.assert_allclose(K.depthwise_conv_grad_weight_numba(g, x, m, kh, kw, sh, sw, dh, dw), dwr,
                               rtol=tol, atol=tol * 10)


def test_kernels_accept_noncontiguous_inputs():
    geom = GEOMS[0]
    x, w, g = _depthwise_inputs(geom, 1, np.float64)
    xt = np.asfortranarray(x)
    np.testing.assert_allclose(K.depthwise_conv_numba(xt, w, 1, 1, 1, 1, 4, 5),
                               K.depthwise_conv_ref(x, w, 1, 1, 1, 1, 4, 5), atol=1e-12)


@pytest.mark.gpu
@pytest.mark.parametrize("geom", GEOMS)
def test_gpu_kernels_match_references(geom):
    import cupy as cp

    from kernels.gpu import conv as G
    n, c, kh, kw, oh, ow, sh, sw, dh, dw = geom
    col = np.random.default_rng(0).standard_normal((n, c, kh, kw, oh, ow))
    hp, wp = _canvas(geom)
    np.testing.assert_allclose(G.col2im(cp.asarray(col), hp, wp, sh, sw, dh, dw).get(),
                               K.col2im_ref(col, hp, wp, sh, sw, dh, dw), atol=1e-12)
    x, w, g = _depthwise_inputs(geom, 2, np.float64)
    np.testing.assert_allclose(G.depthwise_conv(cp.asarray(x), cp.asarray(w), sh, sw, dh, dw, oh, ow).get(),
                               K.depthwise_conv_ref(x, w, sh, sw, dh, dw, oh, ow), atol=1e-12)
    np.testing.assert_allclose(G.depthwise_conv_grad_input(cp.asarray(g), cp.asarray(w), hp, wp, sh, sw, dh, dw).get(),
                               K.depthwise_conv_grad_input_ref(g, w, hp, wp, sh, sw, dh, dw), atol=1e-12)


@pytest.mark.parametrize("geom", GEOMS)
@pytest.mark.parametrize("batch_inner", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_im2col(geom, batch_inner, dtype):
    n, c, kh, kw, oh, ow, sh, sw, dh, dw = geom
    hp, wp = _canvas(geom)
    x = np.random.default_rng(3).standard_normal((n, c, hp, wp)).astype(dtype)
    loop = np.empty((n, c, kh, kw, oh, ow), dtype)
    for a, b, i, j, p, q in np.ndindex(*loop.shape):
        loop[a, b, i, j, p, q] = x[a, b, p * sh + i * dh, q * sw + j * dw]
    if batch_inner:
        loop = loop.transpose(1, 2, 3, 0, 4, 5)
    ref = K.im2col_ref(x, kh, kw, sh, sw, dh, dw, oh, ow, batch_inner)
    np.testing.assert_array_equal(ref, loop)
    for kernel in (K.im2col_numba, K.im2col_strided):
        got = kernel(x, kh, kw, sh, sw, dh, dw, oh, ow, batch_inner)
        assert got.dtype == dtype and got.flags.c_contiguous
        np.testing.assert_array_equal(got, loop)
