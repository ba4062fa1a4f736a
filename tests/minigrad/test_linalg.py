"""Linear algebra: shape rules against NumPy/torch, error messages, einsum details. Gradients of
every sample are in test_op_db.py."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import functional as F

torch = pytest.importorskip("torch")


def rand(*shape, seed=0, grad=True):
    return mg.tensor(np.random.default_rng(seed).normal(size=shape), requires_grad=grad)


@pytest.mark.parametrize("sa,sb", [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((5, 2, 3), (3,)),
                                   ((3,), (5, 3, 4)), ((2, 1, 2, 3), (4, 3, 2)), ((1, 3), (2, 3, 1))])
def test_matmul_shapes_values_and_grads_match_numpy_and_torch(sa, sb):
    a, b = rand(*sa, seed=1), rand(*sb, seed=2)
    y = a @ b
    np.testing.assert_allclose(y.numpy(), np.matmul(a.numpy(), b.numpy()), rtol=1e-12)
    ta, tb = (torch.tensor(t.numpy(), requires_grad=True) for t in (a, b))
    w = np.random.default_rng(3).normal(size=y.shape)
    (y * mg.tensor(w)).sum().backward()
    (torch.matmul(ta, tb) * torch.tensor(w)).sum().backward()
    assert a.grad.shape == sa and b.grad.shape == sb
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy(), rtol=1e-10)


def test_matmul_broadcast_batch_gradient_is_summed():
    a = rand(3, 4, seed=1)                     # one matrix used by every batch entry
    b = rand(5, 4, 2, seed=2)
    F.matmul(a, b).sum().backward()
    expected = np.ones((5, 3, 2)) @ np.swapaxes(b.numpy(), -1, -2)
    np.testing.assert_allclose(a.grad.numpy(), expected.sum(axis=0))


def test_matmul_errors_name_both_shapes():
    with pytest.raises(ValueError, match=r"matmul: shapes \(2, 3\) and \(4, 5\) are incompatible: "
                                         r"the last dimension of the first \(3\) must equal"):
        F.matmul(rand(2, 3), rand(4, 5))
    with pytest.raises(ValueError, match=r"matmul: shapes \(3,\) and \(4,\) are incompatible"):
        rand(3) @ rand(4)
    with pytest.raises(ValueError, match=r"batch dimensions \(2,\) and \(3,\) do not broadcast"):
        F.matmul(rand(2, 2, 3), rand(3, 3, 2))
    with pytest.raises(ValueError, match=r"at least 1 dimension"):
        F.matmul(rand(), rand(3))
    with pytest.raises(TypeError, match="matmul: input must be a minigrad Tensor, got list"):
        F.matmul([1.0], [2.0])


def test_outer_and_its_errors():
    a, b = rand(3, seed=1), rand(2, seed=2)
    np.testing.assert_allclose(F.outer(a, b).numpy(), np.outer(a.numpy(), b.numpy()))
    with pytest.raises(ValueError, match=r"outer: expected two 1-D tensors, got shapes \(2, 3\) and \(2,\)"):
        F.outer(rand(2, 3), b)


def test_linear_is_x_wt_plus_b_and_checks_shapes():
    x, w, b = rand(4, 3, seed=1), rand(5, 3, seed=2), rand(5, seed=3)
    np.testing.assert_allclose(F.linear(x, w, b).numpy(), x.numpy() @ w.numpy().T + b.numpy())
    tx, tw, tb = (torch.tensor(t.numpy()) for t in (x, w, b))
    np.testing.assert_allclose(F.linear(x, w, b).numpy(), torch.nn.functional.linear(tx, tw, tb).numpy())
    with pytest.raises(ValueError, match=r"linear: input of shape \(4, 3\) has 3 features .* weight of "
                                         r"shape \(3, 5\) expects in_features = 5"):
        F.linear(x, rand(3, 5))
    with pytest.raises(ValueError, match=r"linear: weight must be 2-D"):
        F.linear(x, rand(3))
    with pytest.raises(ValueError, match=r"linear: bias of shape \(4,\) does not broadcast to the "
                                         r"output shape \(4, 5\)"):
        F.linear(x, w, rand(4))


def test_linear_frozen_weight_gets_no_grad():
    x, w = rand(4, 3, seed=1), rand(5, 3, seed=2, grad=False)
    F.linear(x, w).sum().backward()
    assert w.grad is None and x.grad.shape == (4, 3)


def test_tensordot_matches_numpy_and_checks_dims():
    a, b = rand(3, 2, 4, seed=1), rand(2, 3, 5, seed=2)
    np.testing.assert_allclose(F.tensordot(a, b, dims=([1, 0], [0, 1])).numpy(),
                               np.tensordot(a.numpy(), b.numpy(), axes=([1, 0], [0, 1])))
    np.testing.assert_allclose(F.tensordot(a, b, dims=([-2], [0])).numpy(),
                               np.tensordot(a.numpy(), b.numpy(), axes=([1], [0])))
    with pytest.raises(ValueError, match=r"tensordot: contracted dimension 2 of a \(size 4, shape "
                                         r"\(3, 2, 4\)\) does not match dimension 0 of b \(size 2"):
        F.tensordot(a, b, dims=1)
    with pytest.raises(ValueError, match=r"tensordot: dims=4 must be in \[0, 3\]"):
        F.tensordot(a, b, dims=4)
    with pytest.raises(ValueError, match=r"tensordot: dims lists \[0\] and \[0, 1\] have different lengths"):
        F.tensordot(a, b, dims=([0], [0, 1]))
    with pytest.raises(IndexError, match=r"tensordot: axis 5 is out of range for b"):
        F.tensordot(a, b, dims=([0], [5]))


@pytest.mark.parametrize("eq,shapes", [("ij,jk", [(2, 3), (3, 4)]), ("ba...,...c", [(2, 3, 4), (4, 5)]),
                                       ("...ij,...jk", [(2, 1, 3, 4), (5, 4, 2)]), ("ii", [(3, 3)]),
                                       ("ij->", [(2, 3)]), ("i,i", [(3,), (3,)]), ("...ij->ij", [(2, 3, 4)]),
                                       ("iij->ji", [(2, 2, 3)]), ("ij,ij->ij", [(1, 3), (2, 3)])])
def test_einsum_matches_torch_including_grads(eq, shapes):
    xs = [rand(*s, seed=i) for i, s in enumerate(shapes)]
    y = F.einsum(eq, *xs)
    ts = [torch.tensor(x.numpy(), requires_grad=True) for x in xs]
    ty = torch.einsum(eq, *ts)
    assert y.shape == tuple(ty.shape)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    w = np.random.default_rng(9).normal(size=y.shape)
    (y * mg.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    for x, t in zip(xs, ts):
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_einsum_trace_gradient_is_the_identity():
    x = rand(3, 3)
    F.einsum("ii->", x).backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.eye(3))


def test_einsum_accepts_a_list_of_operands():
    a, b = rand(2, 3), rand(3, 4, seed=1)
    np.testing.assert_allclose(F.einsum("ij,jk->ik", [a, b]).numpy(), a.numpy() @ b.numpy())


EINSUM_ERRORS = [
    ("ij,jk->ik", [(2, 3), (4, 5)], r"einsum: invalid equation 'ij,jk->ik' .* subscript 'j' has size 4 "
                                    r"in one operand and 3 in another"),
    ("ij,jk->ik", [(2, 3)], "2 subscript terms but 1 operands"),
    ("ijk->i", [(2, 3)], "term 'ijk' has 3 subscripts but the operand has 2 dimensions"),
    ("ij->z", [(2, 3)], r"output letter\(s\) \['z'\] do not appear in any input"),
    ("ij->ii", [(2, 3)], "output subscript 'ii' repeats a letter"),
    ("i1->i", [(2, 3)], "subscripts must be letters"),
    ("ii->i", [(2, 3)], r"subscript 'i' repeats within one operand with different sizes"),
]


@pytest.mark.parametrize("eq,shapes,match", EINSUM_ERRORS)
def test_einsum_errors(eq, shapes, match):
    with pytest.raises(ValueError, match=match):
        F.einsum(eq, *[rand(*s) for s in shapes])


def test_einsum_needs_the_equation_first():
    with pytest.raises(TypeError, match="einsum: the first argument must be the equation string"):
        F.einsum(rand(2, 3), "ij")


def test_tensor_matmul_method_and_operator():
    a, b = rand(2, 3), rand(3, 2, seed=1)
    np.testing.assert_allclose(a.matmul(b).numpy(), (a @ b).numpy())
    np.testing.assert_allclose((a.numpy() @ b).numpy(), (a @ b).numpy())


def test_backward_refuses_an_input_modified_in_place_after_matmul():
    a, b = rand(2, 3), rand(3, 2, seed=1)
    y = a @ b
    with mg.no_grad():
        a.add_(1.0)
    with pytest.raises(RuntimeError, match="MatMul.backward: input 0 was modified by an in-place operation"):
        y.sum().backward()


def test_einsum_random_equations_match_torch():
    """A seeded sweep over equations with repeated, summed-away, size-1 and ellipsis indices."""
    rng = np.random.default_rng(0)
    sizes = {"a": 2, "b": 3, "c": 1, "d": 4}
    for _ in range(60):
        terms = ["".join(rng.choice(list("abcd"), size=rng.integers(0, 4))) for _ in range(rng.integers(1, 4))]
        letters = sorted(set("".join(terms)))
        out = "".join(c for c in letters if rng.random() < 0.5)
        eq = ",".join(terms) + ("" if rng.random() < 0.3 else "->" + out)
        xs = [rand(*[sizes[c] for c in t], seed=int(rng.integers(1000))) for t in terms]
        ts = [torch.tensor(x.numpy(), requires_grad=True) for x in xs]
        y, ty = F.einsum(eq, *xs), torch.einsum(eq, *ts)
        np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-12, err_msg=eq)
        w = rng.normal(size=y.shape)
        (y * mg.tensor(w)).sum().backward()
        (ty * torch.tensor(w)).sum().backward()
        for x, t in zip(xs, ts):
            np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=eq)
