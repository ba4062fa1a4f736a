"""Pooling beyond the registry: the tie rule, E-17 properties (shift invariance, pooling
gradients), SD-09 unpooling, TF SAME average pooling and bad-input errors."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import functional as F


def t(a, grad=False):
    return mg.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


TIES = np.array([[[[1., 3., 3., 0.],
                   [3., 2., 0., 3.],
                   [5., 5., 1., 1.],
                   [5., 5., 1., 1.]]]])


@pytest.mark.parametrize("kw", [{}, {"return_indices": True}, {"padding": (0, 0, 0, 0), "stride": 2}])
def test_max_pool_ties_go_to_the_first_maximum_in_row_major_order(kw):
    """Documented tie rule: the gradient (and index) goes to the first maximum of the window in
    row-major order; the fast kernel == stride path and the argmax kernel agree."""
    x = t(TIES, True)
    out = F.max_pool2d(x, 2, **kw)
    y = out[0] if isinstance(out, tuple) else out
    y.backward(t([[[[1., 2.], [3., 4.]]]]))
    expected = np.zeros((4, 4))
    expected[0, 1], expected[0, 2], expected[2, 0], expected[2, 2] = 1, 2, 3, 4
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], expected)
    if isinstance(out, tuple):
        np.testing.assert_array_equal(out[1].numpy()[0, 0], [[1, 2], [8, 10]])


def test_overlapping_windows_accumulate_on_a_shared_maximum():
    x = t(np.arange(25.0).reshape(1, 1, 5, 5), True)
    F.max_pool2d(x, 3, stride=1).sum().backward()
    # every 3x3 window's maximum is its bottom-right cell
    expected = np.zeros((5, 5))
    expected[2:, 2:] = 1
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], expected)
    x.grad = None
    F.max_pool2d(x, 3, stride=1, padding=1).sum().backward()
    assert x.grad.numpy()[0, 0, 4, 4] == 4 and x.grad.numpy().sum() == 25   # -inf pad never wins


def test_pooling_gradients_from_the_text():
    """E-17: 2x2/2 max: the whole gradient to the argmax cell; average: 1/4 to each cell."""
    a = np.array([[[[1., 4., 2., 0.], [3., 2., 7., 1.], [0., 1., 5., 6.], [2., 9., 8., 3.]]]])
    x = t(a, True)
    F.max_pool2d(x, 2).backward(t(np.full((1, 1, 2, 2), 2.0)))
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], 2.0 * (a[0, 0] == np.kron(
        a[0, 0].reshape(2, 2, 2, 2).max(axis=(1, 3)), np.ones((2, 2)))))
    x.grad = None
    F.avg_pool2d(x, 2).backward(t(np.ones((1, 1, 2, 2))))
    np.testing.assert_array_equal(x.grad.numpy(), np.full((1, 1, 4, 4), 0.25))


def test_max_pooling_shift_invariance_positive_and_negative():
    """E-17: a 1-px shift that keeps each maximum inside its window leaves the output
    unchanged; a shift that moves a maximum across a window border changes it."""
    x = np.zeros((1, 1, 6, 6))
    x[0, 0, 0, 0], x[0, 0, 2, 4], x[0, 0, 4, 2] = 9, 7, 5     # maxima at window top-left corners
    pool = lambda a: F.max_pool2d(t(a), 2).numpy()             # noqa: E731
    inside = np.roll(x, 1, axis=3)                             # still in the same windows
    np.testing.assert_array_equal(pool(inside), pool(x))
    across = np.roll(x, -1, axis=3)                            # (0,0) -> (0,5), (2,4) -> (2,3)...
    assert not np.array_equal(pool(across), pool(x))


def test_avg_pool_tf_same_divides_by_valid_cells():
    x = mg.ones(1, 1, 5, 5, dtype=mg.float64)
    y = F.avg_pool2d(x, 3, stride=2, padding="same", count_include_pad=False)
    np.testing.assert_allclose(y.numpy(), np.ones((1, 1, 3, 3)))              # valid cells only
    z = F.avg_pool2d(x, 3, stride=2, padding="same")
    assert z.numpy()[0, 0, 0, 0] == pytest.approx(4 / 9)                       # PyTorch's default


def test_global_average_gradient_is_uniform():
    x = t(np.random.default_rng(0).standard_normal((2, 3, 4, 5)), True)
    F.global_avg_pool2d(x, keepdim=False).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((2, 3, 4, 5), 1 / 20))


def test_max_unpool_puts_values_at_the_switches():
    """SD-09: max-unpool places every value at the argmax recorded by the paired max-pool."""
    a = np.random.default_rng(1).permutation(36).astype(np.float64).reshape(1, 1, 6, 6)
    y, idx = F.max_pool2d(t(a), 2, return_indices=True)
    up = F.max_unpool2d(y, idx, 2).numpy()
    np.testing.assert_array_equal(up, np.where(a == np.kron(y.numpy()[0, 0], np.ones((2, 2))), a, 0))
    v = t(np.ones((1, 1, 3, 3)), True)
    F.max_unpool2d(v, idx, 2).backward(t(a))
    np.testing.assert_array_equal(v.grad.numpy(), y.numpy())     # gather at the switches


def test_nearest_upsampling_is_repeat_unpooling():
    a = np.arange(6.0).reshape(1, 1, 2, 3)
    np.testing.assert_array_equal(F.interpolate(t(a), scale_factor=2).numpy(),
                                  np.kron(a, np.ones((1, 1, 2, 2))))
    x = t(a, True)
    F.upsample(x, scale_factor=3).sum().backward()              # sum over each block
    np.testing.assert_array_equal(x.grad.numpy(), np.full(a.shape, 9.0))


def test_bilinear_is_exact_on_linear_ramps_with_align_corners():
    a = (np.arange(4.0)[:, None] * 2 + np.arange(5.0)[None, :]).reshape(1, 1, 4, 5)
    y = F.interpolate(t(a), size=(7, 9), mode="bilinear", align_corners=True).numpy()[0, 0]
    r, c = np.meshgrid(np.linspace(0, 3, 7), np.linspace(0, 4, 9), indexing="ij")
    np.testing.assert_allclose(y, 2 * r + c, atol=1e-12)


def test_reference_kernels_agree_with_numba(monkeypatch):
    rng = np.random.default_rng(2)
    a = rng.integers(0, 4, (2, 3, 9, 8)).astype(np.float64)       # many ties
    results = []
    for flag in ("1", "0"):
        monkeypatch.setenv("MINIGRAD_NUMBA", flag)
        x = t(a, True)
        y, idx = F.max_pool2d(x, 3, stride=2, padding=1, return_indices=True)
        y.backward(t(np.cos(np.arange(y.numel())).reshape(y.shape)))
        results.append((y.numpy(), idx.numpy(), x.grad.numpy()))
    (y1, i1, g1), (y0, i0, g0) = results
    np.testing.assert_array_equal(y1, y0)
    np.testing.assert_array_equal(i1, i0)
    np.testing.assert_allclose(g1, g0, rtol=1e-14, atol=1e-15)   # overlaps: summation order


# ----------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("call,match", [
    (lambda: F.max_pool2d(mg.zeros(2, 5, 5), 2), "input must be 4-D"),
    (lambda: F.max_pool2d(mg.zeros(1, 1, 5, 5), 2, stride=0), "stride must be >= 1"),
    (lambda: F.max_pool2d(mg.zeros(1, 1, 5, 5), 2, padding=2), "at most half"),
    (lambda: F.max_pool2d(mg.zeros(1, 1, 2, 2), 3), "larger than the padded input"),
    (lambda: F.avg_pool2d(mg.zeros(1, 1, 5, 5), 0), "kernel_size must be >= 1"),
    (lambda: F.avg_pool2d(mg.zeros(1, 1, 5, 5), 2, divisor_override=0), "divisor_override"),
    (lambda: F.interpolate(mg.zeros(1, 1, 4, 4), scale_factor=2, mode="bicubic"), "mode"),
    (lambda: F.interpolate(mg.zeros(1, 1, 4, 4)), "exactly one of size and scale_factor"),
    (lambda: F.adaptive_avg_pool2d(mg.zeros(1, 1, 4, 4), 0), "positive"),
])
def test_bad_input_raises_clear_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_unpool_rejects_indices_from_a_different_pooling_call():
    x = mg.randn(1, 2, 6, 6, dtype=mg.float64)
    y, idx = F.max_pool2d(x, 2, return_indices=True)
    _, idx3 = F.max_pool2d(x, 3, stride=2, padding=1, return_indices=True)
    with pytest.raises(ValueError, match="different pooling call"):
        F.max_unpool2d(y, idx3, 2)          # same shape, but windows of another geometry
    _, other = F.max_pool2d(x, 2, stride=1, return_indices=True)
    with pytest.raises(ValueError, match="do not match the input"):
        F.max_unpool2d(y, other, 2)
    with pytest.raises(ValueError, match="different pooling call"):
        F.max_unpool2d(y, idx, 2, output_size=(7, 7))      # rows of a 7-wide plane
    with pytest.raises(TypeError, match="integer Tensor"):
        F.max_unpool2d(y, y, 2)
    with pytest.raises(ValueError, match="output_size"):
        F.max_unpool2d(y, idx, 2, output_size=(9, 9))


def test_in_place_changes_cannot_corrupt_the_max_pool_gradient():
    a = np.random.default_rng(3).standard_normal((1, 1, 4, 4))
    x = t(a, True)
    y = F.max_pool2d(x, 2)
    y.data[...] = 0.0                 # the output changed behind the op's back
    y.backward(t(np.ones((1, 1, 2, 2))))
    assert x.grad.numpy().sum() == 4 and (x.grad.numpy()[0, 0] == 1).sum() == 4
    x2 = t(a, True)
    y2 = F.max_pool2d(x2, 2)
    with mg.no_grad():
        x2.add_(1.0)                  # a true in-place write: bumps the version
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y2.backward(t(np.ones((1, 1, 2, 2))))
