"""minigrad.signal (SD-01): convolve2d/correlate2d equal SciPy for every mode and boundary,
are differentiable in both arguments (gradcheck), and have the properties of the texts."""
import numpy as np
import pytest
import scipy.signal as ss

import minigrad as mg
from minigrad import functional as F
from minigrad import signal as S

SHAPES = [((7, 7), (3, 3)), ((6, 5), (2, 4)), ((5, 6), (4, 3)), ((3, 4), (5, 6)), ((4, 4), (4, 4)),
          ((9, 2), (3, 1))]


@pytest.mark.parametrize("name", ["convolve2d", "correlate2d"])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("boundary,fill", [("fill", 0), ("fill", 1.5), ("wrap", 0), ("symm", 0)])
def test_matches_scipy(name, mode, boundary, fill):
    rng = np.random.default_rng(0)
    for s1, s2 in SHAPES:
        a, k = rng.standard_normal(s1), rng.standard_normal(s2)
        ref = getattr(ss, name)(a, k, mode, boundary, fill)
        out = getattr(S, name)(mg.tensor(a), mg.tensor(k), mode, boundary, fill).numpy()
        assert out.shape == ref.shape, (s1, s2)
        np.testing.assert_allclose(out, ref, atol=1e-12)


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_1d_matches_scipy(mode):
    rng = np.random.default_rng(1)
    for a, k in [(rng.standard_normal(9), rng.standard_normal(4)), (rng.standard_normal(3), rng.standard_normal(5))]:
        np.testing.assert_allclose(S.convolve(a, k, mode).numpy(), ss.convolve(a, k, mode), atol=1e-12)
        np.testing.assert_allclose(S.correlate(a, k, mode).numpy(), ss.correlate(a, k, mode), atol=1e-12)


def test_worked_examples_from_the_text():
    """SD-01: 1-D x = [1, 2, 2], h = [3, 2, 1]; two-sample 2-D; Listing 3-1 on 1..49."""
    np.testing.assert_allclose(S.convolve([1, 2, 2], [3, 2, 1]).numpy(), np.convolve([1, 2, 2], [3, 2, 1]))
    x = np.zeros((2, 1)); x[0, 0], x[1, 0] = 4, 5
    h = np.zeros((2, 1)); h[0, 0], h[1, 0] = 1, 2
    np.testing.assert_allclose(S.convolve2d(x, h).numpy(), ss.convolve2d(x, h))
    image = np.arange(1, 50, dtype=np.float64).reshape(7, 7)
    K = np.array([[-1, 1, -1], [-2, 3, 1], [2, -4, 0]], dtype=np.float64)
    same = S.convolve2d(image, K, "same").numpy()
    np.testing.assert_allclose(same, ss.convolve2d(image, K, mode="same", boundary="fill", fillvalue=0))
    padded, rot = np.pad(image, 1), K[::-1, ::-1]                     # by hand
    by_hand = np.array([[np.sum(padded[i:i + 3, j:j + 3] * rot) for j in range(7)] for i in range(7)])
    np.testing.assert_allclose(same, by_hand)
    layer = F.conv2d(mg.tensor(image[None, None]), mg.tensor(rot.copy()[None, None]), padding=1)
    np.testing.assert_allclose(layer.numpy()[0, 0], same)           # DL conv = correlation
    assert not np.allclose(S.correlate2d(image, K, "same").numpy(), same)


@pytest.mark.parametrize("name", ["convolve2d", "correlate2d"])
@pytest.mark.parametrize("mode,boundary", [("full", "fill"), ("same", "fill"), ("valid", "fill"),
                                           ("same", "wrap"), ("full", "symm"), ("same", "symm")])
def test_gradcheck_both_arguments(name, mode, boundary):
    rng = np.random.default_rng(2)
    for s1, s2 in [((5, 6), (3, 2)), ((3, 3), (4, 5))]:
        a = mg.tensor(rng.standard_normal(s1), requires_grad=True)
        k = mg.tensor(rng.standard_normal(s2), requires_grad=True)
        assert mg.gradcheck(lambda x, y: getattr(S, name)(x, y, mode, boundary, 0.7), (a, k))


def test_gradcheck_1d():
    a = mg.tensor(np.random.default_rng(3).standard_normal(7), requires_grad=True)
    k = mg.tensor([0.5, -1.0, 2.0], dtype=mg.float64, requires_grad=True)
    for mode in ("full", "same", "valid"):
        assert mg.gradcheck(lambda x, y: S.convolve(x, y, mode), (a, k))
        assert mg.gradcheck(lambda x, y: S.correlate(y, x, mode), (a, k))


def test_linearity_and_shift_invariance():
    """E-17 LSI property of true convolution."""
    rng = np.random.default_rng(4)
    x1, x2, h = rng.standard_normal((12, 12)), rng.standard_normal((12, 12)), rng.standard_normal((3, 3))
    conv = lambda a: S.convolve2d(a, h, "same").numpy()       # noqa: E731
    np.testing.assert_allclose(conv(3 * x1 + 2 * x2), 3 * conv(x1) + 2 * conv(x2), atol=1e-12)
    np.testing.assert_allclose(conv(np.roll(x1, (1, 2), (0, 1)))[3:-1, 4:-1],
                               np.roll(conv(x1), (1, 2), (0, 1))[3:-1, 4:-1], atol=1e-12)
    # with circular boundaries the shift property holds everywhere
    circ = lambda a: S.convolve2d(a, h, "same", "wrap").numpy()  # noqa: E731
    np.testing.assert_allclose(circ(np.roll(x1, (1, 2), (0, 1))), np.roll(circ(x1), (1, 2), (0, 1)), atol=1e-12)


def test_filters_from_the_text():
    """SD-02: identity is exact; Sobel Hx > 0 on a ramp increasing with the column index and Hy
    > 0 on a ramp increasing upward (true convolution); a constant image's interior is kept by
    the mean filter and zeroed by Sobel."""
    rng = np.random.default_rng(5)
    img = rng.standard_normal((8, 9))
    ident = np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=np.float64)
    np.testing.assert_array_equal(S.convolve2d(img, ident, "same").numpy(), img)
    hx = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=np.float64)
    hy = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=np.float64)
    cols = np.tile(np.arange(9.0), (8, 1))
    up = np.tile(np.arange(8.0)[::-1, None], (1, 9))             # increases upward
    assert (S.convolve2d(cols, hx, "valid").numpy() > 0).all()
    assert (S.convolve2d(up, hy, "valid").numpy() > 0).all()
    const = np.full((6, 6), 3.0)
    np.testing.assert_allclose(S.convolve2d(const, np.ones((3, 3)) / 9, "valid").numpy(), 3.0)
    np.testing.assert_allclose(S.convolve2d(const, hx, "valid").numpy(), 0.0, atol=1e-12)


@pytest.mark.parametrize("call,match", [
    (lambda: S.convolve2d(np.ones(3), np.ones((2, 2))), "in1 must be 2-D"),
    (lambda: S.convolve2d(np.ones((3, 3)), np.ones((2, 2)), mode="circular"), "mode must be"),
    (lambda: S.convolve2d(np.ones((3, 3)), np.ones((2, 2)), boundary="reflect"), "boundary must be"),
    (lambda: S.convolve2d(np.ones((3, 5)), np.ones((4, 2)), mode="valid"), "at least as large"),
    (lambda: S.convolve2d(np.ones((0, 3)), np.ones((2, 2))), "empty"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
