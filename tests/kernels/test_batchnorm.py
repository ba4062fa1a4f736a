"""Batch-norm kernels: Numba (and CuPy, with a GPU) against the NumPy references."""
import numpy as np
import pytest

from kernels.cpu import batchnorm as K

SHAPES = [(5, 3, 1), (4, 2, 9), (2, 6, 17), (1, 3, 5)]


def _inputs(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(shape) * 2 + 0.5).astype(dtype)
    c = shape[1]
    return x, rng.uniform(0.5, 1.5, c).astype(dtype), rng.standard_normal(c).astype(dtype)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("plus", [False, True])
@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-12), (np.float32, 2e-5)])
def test_forward_numba_matches_ref(shape, plus, dtype, tol):
    x, g, b = _inputs(shape, dtype)
    ref = K.batchnorm_forward_ref(x, g, b, 1e-3, plus)
    got = K.batchnorm_forward_numba(x, g, b, 1e-3, plus)
    for a, r in zip(got, ref):
        assert a.dtype == dtype
        np.testing.assert_allclose(a, r, rtol=tol, atol=tol)


def test_forward_noncontiguous_input():
    x, g, b = _inputs((4, 3, 6), np.float64)
    xt = np.ascontiguousarray(x.transpose(2, 1, 0)).transpose(2, 1, 0)
    assert not xt.flags.c_contiguous
    for a, r in zip(K.batchnorm_forward_numba(xt, g, b, 1e-5, False),
                    K.batchnorm_forward_ref(x, g, b, 1e-5, False)):
        np.testing.assert_allclose(a, r, rtol=1e-12, atol=1e-12)


def test_forward_statistics():
    x, g, b = _inputs((6, 2, 5), np.float64)
    y, xhat, mean, var, s = K.batchnorm_forward_ref(x, g, b, 1e-5, False)
    np.testing.assert_allclose(mean, x.mean(axis=(0, 2)))
    np.testing.assert_allclose(var, x.var(axis=(0, 2)))
    np.testing.assert_allclose(xhat.mean(axis=(0, 2)), 0, atol=1e-12)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-12), (np.float32, 2e-5)])
def test_backward_numba_matches_ref(shape, dtype, tol):
    rng = np.random.default_rng(1)
    dy = rng.standard_normal(shape).astype(dtype)
    x, g, b = _inputs(shape, dtype)
    _, xhat, _, var, s = K.batchnorm_forward_ref(x, g, b, 1e-3, True)
    k, corr = (g / s).astype(dtype), (s / np.sqrt(var)).astype(dtype)
    ref = K.batchnorm_backward_ref(dy, xhat, k, corr)
    got = K.batchnorm_backward_numba(dy, xhat, k, corr)
    for a, r in zip(got, ref):
        assert a.dtype == dtype
        np.testing.assert_allclose(a, r, rtol=tol, atol=tol)


def test_backward_ref_is_the_gradient():
    """dx of the reference equals the finite-difference gradient of sum(w * y)."""
    x, g, b = _inputs((3, 2, 4), np.float64)
    w = np.random.default_rng(2).standard_normal(x.shape)

    def loss(xv):
        return (w * K.batchnorm_forward_ref(xv, g, b, 1e-3, False)[0]).sum()
    _, xhat, _, var, s = K.batchnorm_forward_ref(x, g, b, 1e-3, False)
    dx, dgamma, dbeta = K.batchnorm_backward_ref(w, xhat, g / s, np.ones(2))
    num = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = 1e-6
        num[i] = (loss(x + e) - loss(x - e)) / 2e-6
    np.testing.assert_allclose(dx, num, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dbeta, w.sum(axis=(0, 2)))


@pytest.mark.gpu
@pytest.mark.parametrize("plus", [False, True])
def test_cupy_kernels_match_ref(plus):
    from minigrad.backend import cupy
    from kernels.gpu import batchnorm as G
    cp = cupy()
    x, g, b = _inputs((4, 3, 7), np.float64)
    ref = K.batchnorm_forward_ref(x, g, b, 1e-3, plus)
    got = G.batchnorm_forward_cupy(cp.asarray(x), cp.asarray(g), cp.asarray(b), 1e-3, plus)
    for a, r in zip(got, ref):
        np.testing.assert_allclose(cp.asnumpy(a), r, rtol=1e-10, atol=1e-12)
    dy = np.random.default_rng(3).standard_normal(x.shape)
    _, xhat, _, var, s = ref
    k, corr = g / s, s / np.sqrt(var)
    ref = K.batchnorm_backward_ref(dy, xhat, k, corr)
    got = G.batchnorm_backward_cupy(*(cp.asarray(a) for a in (dy, xhat, k, corr)))
    for a, r in zip(got, ref):
        np.testing.assert_allclose(cp.asnumpy(a), r, rtol=1e-10, atol=1e-12)
