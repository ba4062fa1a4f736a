"""Embedding scatter-add kernel: Numba against the NumPy reference (repeated ids included)."""
import numpy as np
import pytest

from kernels.cpu import embedding as K


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n,v,d", [(1, 3, 2), (50, 7, 5), (200, 300, 16)])
def test_numba_matches_reference(n, v, d, dtype):
    rng = np.random.default_rng(n)
    ids = rng.integers(0, v, n)
    rows = rng.standard_normal((n, d)).astype(dtype)
    ref = K.embedding_backward_ref(ids, rows, v)
    got = K.embedding_backward_numba(ids, rows, v)
    assert got.dtype == dtype and got.shape == (v, d)
    np.testing.assert_allclose(got, ref, rtol=1e-6 if dtype == np.float32 else 1e-13)


def test_repeated_ids_accumulate_and_noncontiguous_rows():
    ids = np.array([2, 0, 2, 2])
    rows = np.arange(12.0).reshape(3, 4).T            # non-contiguous [4, 3]
    got = K.embedding_backward_numba(ids, rows, 4)
    np.testing.assert_array_equal(got[2], rows[0] + rows[2] + rows[3])
    np.testing.assert_array_equal(got[0], rows[1])
    assert not got[1].any() and not got[3].any()
    np.testing.assert_array_equal(got, K.embedding_backward_ref(ids, rows, 4))
