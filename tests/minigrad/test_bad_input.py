"""Every bad-input row of the engine-core issue gets a clear error naming op, shapes and what
was expected."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F


def test_incompatible_shapes_in_binary_ops():
    with pytest.raises(ValueError, match=r"sub: shapes \(3, 2\) and \(3,\) cannot be broadcast"):
        mg.zeros(3, 2) - mg.zeros(3)


def test_incompatible_shapes_in_matmul():
    with pytest.raises(ValueError, match=r"matmul.*\(2, 3\).*\(4, 5\)"):
        mg.zeros(2, 3) @ mg.zeros(4, 5)


def test_backward_on_non_scalar_without_gradient():
    x = mg.ones(2, 2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"single-element tensor, this one has shape \(2, 2\)"):
        (x * 3).backward()


def test_backward_twice_through_a_released_graph():
    x = mg.ones(2, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_requires_grad_on_integer_tensors():
    with pytest.raises(TypeError, match=r"only floating-point tensors can require gradients; this tensor has dtype int64"):
        mg.tensor([1, 2], requires_grad=True)


def test_nan_in_backward_with_detect_anomaly_names_the_op():
    x = mg.tensor([-1.0, 4.0], requires_grad=True)
    with mg.detect_anomaly():
        y = x.log()                               # log(-1) = nan in forward; backward 1/x is finite
        z = (y * 0 + x.sqrt()).sum()              # sqrt at -1: nan gradient
        with pytest.raises(FloatingPointError, match=r"(?s)Sqrt.backward produced nan.*created at.*test_bad_input.py"):
            with np.errstate(invalid="ignore"):
                z.backward()


def test_out_of_range_class_indices_in_cross_entropy():
    logits = mg.randn(3, 4, requires_grad=True)
    with pytest.raises((IndexError, ValueError), match=r"cross_entropy.*5.*4 classes"):
        F.cross_entropy(logits, mg.tensor([0, 5, 1]))
    with pytest.raises((IndexError, ValueError), match=r"cross_entropy.*-2"):
        F.cross_entropy(logits, mg.tensor([0, -2, 1]))
