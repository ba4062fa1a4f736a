"""gradcheck as a product: it passes correct gradients and reports wrong ones readably."""
import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import Function


class BadSquare(Function):
    """y = x^2 with a deliberately wrong backward (dx = x dy instead of 2x dy)."""

    def forward(self, x):
        self.x = x
        return x * x

    def backward(self, g):
        return g * self.x


def leaf(shape, seed=0, low=-1.0, high=1.0):
    rng = np.random.default_rng(seed)
    return mg.tensor(rng.uniform(low, high, shape), requires_grad=True)


def test_passes_on_correct_gradients_full_and_fast():
    x, y = leaf((3, 4)), leaf((4,), 1)
    assert mg.gradcheck(lambda a, b: (a * b).tanh(), (x, y))
    assert mg.gradcheck(lambda a, b: (a * b).tanh(), (x, y), fast=True)


def test_reports_input_element_analytic_and_numeric():
    x = leaf((2, 3))
    with pytest.raises(mg.GradcheckError) as err:
        mg.gradcheck(BadSquare.apply, (x,))
    msg = str(err.value)
    assert "6 gradient entries disagree" in msg
    assert "analytic" in msg and "numeric" in msg and "rel err" in msg
    assert "[0, 0]" in msg or "[1, 2]" in msg
    assert mg.gradcheck(BadSquare.apply, (x,), raise_exception=False) is False


def test_fast_mode_catches_wrong_gradients():
    x = leaf((20, 30))
    with pytest.raises(mg.GradcheckError, match="direction"):
        mg.gradcheck(BadSquare.apply, (x,), fast=True)


def test_requires_float64_inputs():
    x = mg.randn(3, requires_grad=True)
    with pytest.raises(ValueError, match="float64"):
        mg.gradcheck(lambda t: t * 2, (x,))


def test_needs_an_input_that_requires_grad():
    with pytest.raises(ValueError, match="requires_grad"):
        mg.gradcheck(lambda t: t * 2, (mg.zeros(2, dtype=mg.float64),))


def test_detects_kinks():
    x = mg.tensor([0.0, 0.5], dtype=mg.float64, requires_grad=True)   # relu kink at 0
    with pytest.raises(mg.NondifferentiableError, match="not differentiable at input 0\\[0\\]"):
        mg.gradcheck(mg.relu, (x,), detect_kinks=True)
    smooth = mg.tensor([0.3, 0.5], dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(mg.relu, (smooth,), detect_kinks=True)


def test_is_deterministic_and_restores_inputs_and_grads():
    x = leaf((2, 2))
    before = x.numpy().copy()
    x.grad = mg.ones(2, 2, dtype=mg.float64)
    mg.gradcheck(lambda t: t.tanh(), (x,), fast=True)
    np.testing.assert_array_equal(x.numpy(), before)
    np.testing.assert_array_equal(x.grad.numpy(), np.ones((2, 2)))


def test_checks_parameters_used_inside_the_function():
    w = leaf((3,), 2)
    x = leaf((3,), 3)
    assert mg.gradcheck(lambda inp, *params: (inp * w).sigmoid(), (x, w))


def test_non_leaf_inputs_are_checked_as_leaves():
    x = mg.randn(4, 3, requires_grad=True)          # float32 leaves, as in the README
    w = mg.randn(3, 2, requires_grad=True)
    assert mg.gradcheck(lambda a, b: (a @ b).tanh(), (x.double(), w.double()))
    assert x.grad is None and w.grad is None        # the original leaves are untouched
