"""conv2d / conv_transpose2d / unfold / fold beyond the registry: padding rules, worked sizes
(SD-10), properties from the texts (E-17: linearity, translation equivariance, adjointness,
the conv-backprop identities of E-15) and bad-input errors."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import functional as F
from minigrad.functional.conv import same_padding


def t(a, grad=False):
    return mg.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


@pytest.mark.parametrize("size,k,s,expected", [(28, 5, 1, (2, 2)), (28, 5, 2, (1, 2)),
                                                (16, 2, 1, (0, 1)), (224, 11, 4, (3, 4))])
def test_same_padding_examples_from_spec(size, k, s, expected):
    assert same_padding(size, k, s, 1) == expected


@pytest.mark.parametrize("size,stride", [(7, 1), (8, 2), (7, 2), (9, 3)])
def test_same_padding_output_is_ceil_in_over_stride(size, stride):
    x = mg.randn(1, 1, size, size + 1, dtype=mg.float64)
    y = F.conv2d(x, mg.randn(1, 1, 3, 2, dtype=mg.float64), padding="same", stride=stride)
    assert y.shape[2:] == (-(-size // stride), -(-(size + 1) // stride))


def test_conv2d_matches_direct_loop():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 4, 7, 6)), rng.standard_normal((6, 2, 3, 2))
    y = F.conv2d(t(x), t(w), stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2).numpy()
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (0, 0)))
    ref = np.zeros(y.shape)
    for n, o, p, q in np.ndindex(*y.shape):
        g = o // 3
        for c, i, j in np.ndindex(2, 3, 2):
            ref[n, o, p, q] += w[o, c, i, j] * xp[n, g * 2 + c, 2 * p + i, q + 2 * j]
    np.testing.assert_allclose(y, ref, atol=1e-12)


def test_conv_is_linear_and_translation_equivariant():
    """E-17 LSI: conv(a x1 + b x2) = a conv(x1) + b conv(x2); a shifted input gives a shifted
    output away from the borders."""
    rng = np.random.default_rng(1)
    x1, x2, w = rng.standard_normal((1, 2, 12, 12)), rng.standard_normal((1, 2, 12, 12)), \
        rng.standard_normal((3, 2, 3, 3))
    conv = lambda a: F.conv2d(t(a), t(w), padding=1).numpy()   # noqa: E731
    np.testing.assert_allclose(conv(2.5 * x1 - 0.5 * x2), 2.5 * conv(x1) - 0.5 * conv(x2), atol=1e-12)
    shifted = np.roll(x1, (2, 3), axis=(2, 3))
    np.testing.assert_allclose(conv(shifted)[:, :, 4:-1, 5:-1],
                               np.roll(conv(x1), (2, 3), axis=(2, 3))[:, :, 4:-1, 5:-1], atol=1e-12)


def test_translation_equivariance_block_from_the_text():
    """E-17: the 3x3 block on a zero canvas, all-ones 3x3 filter, SAME: the response moves
    with the block."""
    block = np.array([[44, 47, 64], [9, 83, 21], [70, 88, 88]], dtype=np.float64)
    canvas = np.zeros((1, 1, 12, 12))
    canvas[0, 0, 3:6, 3:6] = block
    moved = np.roll(canvas, (2, 4), axis=(2, 3))
    ones = t(np.ones((1, 1, 3, 3)))
    y, ym = (F.conv2d(t(c), ones, padding="same").numpy() for c in (canvas, moved))
    np.testing.assert_array_equal(ym, np.roll(y, (2, 4), axis=(2, 3)))
    assert y[0, 0, 2, 2] == 44 and ym[0, 0, 4, 6] == 44       # the corner response moves


def test_conv_backprop_identities_from_the_text():
    """E-15 / E-17: correlation layer Y = corr_valid(X, K): dK = corr_valid(X, δ),
    dX = conv_full(δ, K) (the flipped kernel scattered back), db = Σδ."""
    rng = np.random.default_rng(2)
    a, k, delta = rng.standard_normal((3, 3)), rng.standard_normal((2, 2)), rng.standard_normal((2, 2))
    x, w, b = t(a[None, None], True), t(k[None, None], True), t([0.3], True)
    F.conv2d(x, w, b).backward(t(delta[None, None]))
    dk = np.array([[np.sum(a[i:i + 2, j:j + 2] * delta) for j in range(2)] for i in range(2)])
    dx = np.zeros((3, 3))
    for i, j in np.ndindex(2, 2):
        dx[i:i + 2, j:j + 2] += delta[i, j] * k
    np.testing.assert_allclose(w.grad.numpy()[0, 0], dk, atol=1e-12)
    np.testing.assert_allclose(x.grad.numpy()[0, 0], dx, atol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), [delta.sum()], atol=1e-12)


@pytest.mark.parametrize("size,kw,out_pad", [
    ((9, 9), {"stride": 2, "padding": 1}, 0), ((11, 8), {"stride": 3, "dilation": 2}, 0),
    ((7, 9), {"groups": 2, "stride": (1, 2)}, 0), ((10, 10), {"stride": 2, "padding": (1, 0)}, 1)])
def test_conv_transpose_is_the_adjoint_of_conv(size, kw, out_pad):
    """SD-10: <conv(x), y> = <x, conv_transpose(y)> with the same kernel and settings
    (output_padding restores the rows a strided conv skips)."""
    rng = np.random.default_rng(3)
    w = t(rng.standard_normal((4, 2 // kw.get("groups", 1), 3, 3)))
    x = t(rng.standard_normal((2, 2) + size))
    y = F.conv2d(x, w, **kw)
    v = t(rng.standard_normal(y.shape))
    xt = F.conv_transpose2d(v, w, output_padding=out_pad, **kw)
    assert xt.shape == x.shape
    np.testing.assert_allclose((y.numpy() * v.numpy()).sum(), (x.numpy() * xt.numpy()).sum(), rtol=1e-12)


def test_transposed_conv_worked_sizes_from_the_text():
    """SD-10: strided conv 5x5, k4, s2, p1 -> 2x2; transposed 2x2, k3, s2 -> full 5x5, TF SAME 4x4."""
    assert F.conv2d(mg.zeros(1, 1, 5, 5), mg.zeros(1, 1, 4, 4), stride=2, padding=1).shape == (1, 1, 2, 2)
    x, w = mg.randn(1, 1, 2, 2, dtype=mg.float64), mg.randn(1, 1, 3, 3, dtype=mg.float64)
    full = F.conv_transpose2d(x, w, stride=2)
    same = F.conv_transpose2d_same(x, w, stride=2)
    assert full.shape == (1, 1, 5, 5) and same.shape == (1, 1, 4, 4)
    np.testing.assert_array_equal(same.numpy(), full.numpy()[:, :, :4, :4])   # crop 0 top, 1 bottom
    # each input value scales the kernel; copies at stride-2 offsets, overlaps summed
    ref = np.zeros((5, 5))
    for i, j in np.ndindex(2, 2):
        ref[2 * i:2 * i + 3, 2 * j:2 * j + 3] += x.numpy()[0, 0, i, j] * w.numpy()[0, 0]
    np.testing.assert_allclose(full.numpy()[0, 0], ref, atol=1e-12)
    assert F.conv_transpose2d(mg.zeros(1, 1, 4, 4), mg.zeros(1, 1, 4, 4), stride=2,
                              padding=1).shape == (1, 1, 8, 8)


def test_unfold_fold_roundtrip_counts_overlaps():
    x = mg.randn(2, 3, 6, 5, dtype=mg.float64)
    cols = F.unfold(x, 3, padding=1)
    assert cols.shape == (2, 27, 30)
    ones = F.fold(F.unfold(mg.ones(2, 3, 6, 5, dtype=mg.float64), 3, padding=1), (6, 5), 3, padding=1)
    np.testing.assert_allclose(F.fold(cols, (6, 5), 3, padding=1).numpy(), x.numpy() * ones.numpy())


def test_conv_weight_gradient_is_one_gemm_of_unfold():
    """dW = dY_col @ unfold(X)ᵀ: the im2col view of the weight gradient, as learners see it."""
    rng = np.random.default_rng(4)
    x, w = t(rng.standard_normal((2, 3, 6, 5))), t(rng.standard_normal((4, 3, 3, 3)), True)
    y = F.conv2d(x, w, padding=1)
    g = rng.standard_normal(y.shape)
    y.backward(t(g))
    cols = F.unfold(x, 3, padding=1).numpy()
    dw = np.einsum("nol,nkl->ok", g.reshape(2, 4, -1), cols).reshape(w.shape)
    np.testing.assert_allclose(w.grad.numpy(), dw, atol=1e-12)


def test_numpy_reference_kernels_give_the_same_gradients(monkeypatch):
    rng = np.random.default_rng(5)
    args = [(rng.standard_normal((2, 4, 7, 6)), rng.standard_normal((4, 1, 3, 3)), {"groups": 4, "stride": 2}),
            (rng.standard_normal((2, 2, 7, 6)), rng.standard_normal((3, 2, 3, 3)), {"dilation": 2, "padding": 2})]
    for xa, wa, kw in args:
        results = []
        for flag in ("1", "0"):
            monkeypatch.setenv("MINIGRAD_NUMBA", flag)
            x, w = t(xa, True), t(wa, True)
            y = F.conv2d(x, w, **kw)
            y.backward(t(np.cos(np.arange(y.numel())).reshape(y.shape)))
            results.append((y.numpy(), x.grad.numpy(), w.grad.numpy()))
        for a, b in zip(*results):
            np.testing.assert_allclose(a, b, atol=1e-12)


def test_float32_stays_float32():
    y = F.conv2d(mg.randn(1, 2, 5, 5), mg.randn(3, 2, 3, 3), mg.randn(3))
    assert y.dtype == np.float32


# ----------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("call,match", [
    (lambda: F.conv2d(mg.zeros(1, 3, 5, 5), mg.zeros(4, 2, 3, 3)), r"input has 3 channels.*\(4, 2, 3, 3\)"),
    (lambda: F.conv2d(mg.zeros(1, 4, 5, 5), mg.zeros(6, 2, 3, 3), groups=3), "groups=3 does not divide"),
    (lambda: F.conv2d(mg.zeros(1, 4, 5, 5), mg.zeros(5, 2, 3, 3), groups=2), "groups=2 does not divide out_channels"),
    (lambda: F.conv2d(mg.zeros(1, 1, 3, 3), mg.zeros(1, 1, 5, 5)), "larger than the padded input"),
    (lambda: F.conv2d(mg.zeros(1, 1, 3, 3), mg.zeros(1, 1, 3, 3), dilation=2), "larger than the padded input"),
    (lambda: F.conv2d(mg.zeros(1, 1, 5, 5), mg.zeros(1, 1, 3, 3), stride=0), "stride must be >= 1"),
    (lambda: F.conv2d(mg.zeros(1, 1, 5, 5), mg.zeros(1, 1, 3, 3), stride=(1, -2)), "stride must be >= 1"),
    (lambda: F.conv2d(mg.zeros(1, 1, 5, 5), mg.zeros(1, 1, 3, 3), padding=-1), "padding must be >= 0"),
    (lambda: F.conv2d(mg.zeros(1, 1, 5, 5), mg.zeros(1, 1, 3, 3), padding="full"), "padding must be"),
    (lambda: F.conv2d(mg.zeros(1, 5, 5), mg.zeros(1, 1, 3, 3)), "input must be 4-D"),
    (lambda: F.conv2d(mg.zeros(1, 1, 5, 5), mg.zeros(1, 3, 3)), "weight must be 4-D"),
    (lambda: F.conv2d(mg.zeros(1, 1, 5, 5), mg.zeros(2, 1, 3, 3), mg.zeros(3)), r"bias must be .* \(2,\)"),
    (lambda: F.conv1d(mg.zeros(1, 2, 5, 5), mg.zeros(1, 2, 3)), "conv1d: input must be 3-D"),
    (lambda: F.conv_transpose2d(mg.zeros(1, 3, 5, 5), mg.zeros(2, 2, 3, 3)), "input has 3 channels"),
    (lambda: F.conv_transpose2d(mg.zeros(1, 2, 5, 5), mg.zeros(2, 2, 3, 3), stride=2, output_padding=2),
     "output_padding"),
    (lambda: F.conv_transpose2d_same(mg.zeros(1, 2, 5, 5), mg.zeros(2, 2, 3, 3), stride=2,
                                     output_size=(13, 10)), "not reachable"),
    (lambda: F.fold(mg.zeros(1, 8, 4), (4, 4), 3), "not divisible"),
    (lambda: F.fold(mg.zeros(1, 9, 5), (4, 4), 3), "blocks"),
])
def test_bad_input_raises_clear_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("op,kw,wshape", [
    ("conv2d", {"padding": 1, "groups": 2}, (4, 2, 3, 3)),
    ("conv2d", {"stride": 2, "dilation": 2}, (3, 4, 2, 3)),
    ("conv2d", {}, (3, 4, 1, 1)), ("conv2d", {"stride": 2, "padding": 1}, (3, 4, 1, 1)),
    ("conv_transpose2d", {"stride": 2, "padding": 1, "groups": 2}, (4, 3, 3, 3))])
def test_gemm_layouts_give_the_same_results(monkeypatch, op, kw, wshape):
    """The columns are built a chunk of samples at a time (CHUNK_BYTES with one BLAS thread,
    CHUNK_BYTES_THREADED with several); every chunking gives the same results."""
    from minigrad.functional import conv as conv_module
    rng = np.random.default_rng(6)
    xa, wa = rng.standard_normal((5, 4, 7, 6)), rng.standard_normal(wshape)
    results = []
    for threads, chunk in ((1, 1 << 30), (1, 1), (2, 1 << 30), (2, 2000)):
        monkeypatch.setattr(conv_module, "_BLAS_THREADS", threads)
        monkeypatch.setattr(conv_module, "CHUNK_BYTES", chunk)
        monkeypatch.setattr(conv_module, "CHUNK_BYTES_THREADED", chunk)
        x, w = t(xa, True), t(wa, True)
        y = getattr(F, op)(x, w, **kw)
        y.backward(t(np.sin(np.arange(y.numel())).reshape(y.shape)))
        results.append((y.numpy(), x.grad.numpy(), w.grad.numpy()))
    for other in results[1:]:
        for a, b in zip(results[0], other):
            np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-13)
