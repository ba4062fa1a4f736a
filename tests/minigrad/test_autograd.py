"""The backward engine: accumulation, ordering, release, hooks, modes, in-place safety."""
import gc
import weakref

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import Function


def leaf(values, dtype=np.float64):
    return mg.tensor(np.asarray(values, dtype=dtype), requires_grad=True)


def test_chain_rule_and_accumulation_into_leaves():
    x = leaf([1.0, 2.0, 3.0])
    y = x * x * 3 + x          # dy/dx = 6x + 1
    y.backward(mg.ones(3, dtype=np.float64))
    np.testing.assert_allclose(x.grad.numpy(), [7.0, 13.0, 19.0])
    z = x * 2                  # a second backward accumulates
    z.backward(mg.ones(3, dtype=np.float64))
    np.testing.assert_allclose(x.grad.numpy(), [9.0, 15.0, 21.0])


def test_diamond_graph_sums_both_paths():
    x = leaf([0.5, -1.0])
    a = x.tanh()
    y = a * a + a              # dy/dx = (2a + 1)(1 - a^2)
    y.backward(mg.ones(2, dtype=np.float64))
    t = np.tanh([0.5, -1.0])
    np.testing.assert_allclose(x.grad.numpy(), (2 * t + 1) * (1 - t * t))


def test_same_tensor_used_twice_in_one_op():
    x = leaf([3.0])
    (x * x).backward(mg.ones(1, dtype=np.float64))
    np.testing.assert_allclose(x.grad.numpy(), [6.0])


def test_broadcast_gradients_are_reduced_to_input_shapes():
    a = leaf(np.ones((2, 3)))
    b = leaf(np.ones((3,)))
    c = leaf(np.ones((2, 1)))
    (a * b + c).backward(mg.ones(2, 3, dtype=np.float64))
    assert a.grad.shape == (2, 3) and b.grad.shape == (3,) and c.grad.shape == (2, 1)
    np.testing.assert_allclose(b.grad.numpy(), [2.0, 2.0, 2.0])
    np.testing.assert_allclose(c.grad.numpy(), [[3.0], [3.0]])


def test_gradient_dtype_matches_leaf_dtype():
    a = mg.ones(3, dtype=mg.float32, requires_grad=True)
    b = mg.ones(3, dtype=mg.float64, requires_grad=True)
    (a * b).backward(mg.ones(3, dtype=mg.float64))
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64


def test_deep_chain_backprops_without_recursion():
    x = leaf([0.1])
    y = x
    for _ in range(100_000):
        y = y + 1e-6
    y.backward(mg.ones(1, dtype=np.float64))
    assert x.grad.item() == 1.0


def test_graph_is_released_after_backward():
    x = leaf(np.random.default_rng(0).standard_normal(5))
    y = x.tanh()
    node = weakref.ref(y.grad_fn)
    saved = weakref.ref(y.grad_fn.y)
    z = y * 2
    del y
    z.backward(mg.ones(5, dtype=np.float64))
    gc.collect()
    assert node() is None, "intermediate graph nodes must be freed after backward"
    assert saved() is None, "arrays saved for backward must be freed after backward"
    with pytest.raises(RuntimeError, match="backward through a graph"):
        z.backward(mg.ones(5, dtype=np.float64))


def test_retain_graph_allows_second_backward():
    x = leaf([2.0])
    y = (x * x).tanh()
    y.backward(retain_graph=True)
    g1 = x.grad.numpy().copy()
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * g1)


def test_backward_on_non_scalar_needs_gradient():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"single-element tensor.*shape \(2,\)"):
        (x * 2).backward()


def test_backward_gradient_shape_is_checked():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"gradient has shape \(3,\).*shape \(2,\)"):
        (x * 2).backward(mg.ones(3, dtype=np.float64))


def test_backward_without_grad_raises():
    x = mg.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="does not require grad"):
        (x * 2).backward(mg.ones(2))


def test_no_grad_and_enable_grad():
    x = leaf([1.0])
    with mg.no_grad():
        y = x * 2
        with mg.enable_grad():
            z = x * 3
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad and z.grad_fn is not None
    assert mg.is_grad_enabled()

    @mg.no_grad()
    def f(t):
        return t * 2
    assert not f(x).requires_grad
    with mg.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert mg.is_grad_enabled()


def test_detach_stops_gradient():
    x = leaf([1.0, 2.0])
    y = x * x.detach()                  # d/dx = x (the detached factor is a constant)
    y.backward(mg.ones(2, dtype=np.float64))
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 2.0])


def test_hooks_on_leaf_and_intermediate():
    x = leaf([1.0, 2.0])
    seen = []
    x.register_hook(lambda g: seen.append(("x", g.numpy().copy())))
    y = x * 3
    h = y.register_hook(lambda g: g * 10)        # replaces the gradient flowing on
    y.retain_grad()
    (y * 2).backward(mg.ones(2, dtype=np.float64))
    np.testing.assert_allclose(y.grad.numpy(), [20.0, 20.0])
    np.testing.assert_allclose(x.grad.numpy(), [60.0, 60.0])
    np.testing.assert_allclose(seen[0][1], [60.0, 60.0])
    h.remove()
    x.grad = None
    (x * 3 * 2).backward(mg.ones(2, dtype=np.float64))
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 6.0])


def test_leaf_hook_sees_summed_gradient_once():
    x = leaf([1.0])
    calls = []
    x.register_hook(lambda g: calls.append(g.item()))
    (x * 2 + x * 3).backward()
    assert calls == [5.0]


def test_inplace_on_leaf_requiring_grad_raises_in_grad_mode():
    p = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        p += 1


def test_sgd_idiom_updates_leaf_under_no_grad():
    p = leaf([1.0, 2.0])
    (p * p).backward(mg.ones(2, dtype=np.float64))
    data_before = p.data
    with mg.no_grad():
        p -= 0.5 * p.grad
    assert p.data is data_before, "the update must be truly in place"
    np.testing.assert_allclose(p.numpy(), [0.0, 0.0])
    assert p.is_leaf and p.requires_grad


def test_inplace_modification_of_saved_input_is_detected():
    p = leaf([1.0, 2.0])
    y = p * p                            # Mul saves p's array
    with mg.no_grad():
        p += 1                           # stale now
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward(mg.ones(2, dtype=np.float64))


def test_inplace_modification_of_saved_output_is_detected():
    x = leaf([0.5])
    y = x.tanh()                         # Tanh saves its output
    z = y + 1                            # Add saves nothing
    with mg.no_grad():
        y += 1
    with pytest.raises(RuntimeError, match="output 0 was modified"):
        z.backward()


def test_inplace_on_intermediate_in_grad_mode_is_recorded():
    x = leaf([1.0, 2.0])
    y = x * 2
    y += x                               # recorded: y = 2x + x
    y *= 2                               # y = 6x
    y.backward(mg.ones(2, dtype=np.float64))
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 6.0])


def test_inplace_add_on_unsaved_input_is_fine():
    x = leaf([1.0])
    c = mg.tensor([5.0], dtype=mg.float64)
    y = x + c                            # Add saves nothing
    c += 1
    y.backward()
    assert x.grad.item() == 1.0


def test_detect_anomaly_names_the_op():
    x = leaf([0.0, 1.0])
    with mg.detect_anomaly():
        y = x.sqrt()                     # d sqrt(x)/dx = inf at 0
        with pytest.raises(FloatingPointError, match=r"Sqrt.backward produced inf"):
            y.backward(mg.ones(2, dtype=np.float64))
    x2 = leaf([0.0, 1.0])
    x2.sqrt().backward(mg.ones(2, dtype=np.float64))    # without anomaly mode: silently inf
    assert np.isinf(x2.grad.numpy()[0])


def test_custom_function_with_two_outputs():
    class SplitSquare(Function):
        """(y1, y2) = (x^2, 3x);  dx = 2x dy1 + 3 dy2."""

        def forward(self, x):
            self.x = x
            return x * x, 3 * x

        def backward(self, g1, g2):
            return 2 * self.x * g1 + 3 * g2

    x = leaf([1.0, 2.0])
    a, b = SplitSquare.apply(x)
    a.backward(mg.ones(2, dtype=np.float64))            # b gets no gradient: zeros are filled in
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])
    assert mg.gradcheck(lambda t: SplitSquare.apply(t), (leaf([0.3, -0.7]),))


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(TypeError, match="only floating-point tensors can require gradients.*int64"):
        mg.tensor([1, 2, 3], requires_grad=True)
    t = mg.tensor([1, 2])
    with pytest.raises(TypeError, match="floating-point"):
        t.requires_grad_()


def test_leaf_gradients_never_alias_each_other_or_the_callers_array():
    a = mg.ones(3, requires_grad=True)
    b = mg.ones(3, requires_grad=True)
    seed = mg.ones(3)
    (a + b).backward(seed)               # Add hands the same array to both inputs
    a.grad.data *= 10                    # e.g. in-place gradient clipping of one parameter
    np.testing.assert_array_equal(b.grad.numpy(), [1, 1, 1])
    np.testing.assert_array_equal(seed.numpy(), [1, 1, 1])
    c = mg.ones(2, 3, requires_grad=True)
    g = mg.ones(3, 2)
    (c.T * 1).backward(g)                # the gradient arrives as a transposed view
    c.grad.data += 1
    np.testing.assert_array_equal(c.grad.numpy(), np.full((2, 3), 2.0))
    np.testing.assert_array_equal(g.numpy(), np.ones((3, 2)))
