"""Reductions: what the op registry cannot express (tie rules, namedtuple returns, aliases,
special values, error messages). Gradients of every option are in test_op_db.py."""
import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import functional as F

torch = pytest.importorskip("torch")


def leaf(values, dtype=np.float64):
    return mg.tensor(np.asarray(values, dtype=dtype), requires_grad=True)


def grad_of(fn, values):
    x = leaf(values)
    fn(x).backward()
    return x.grad.numpy()


def torch_grad_of(fn, values):
    x = torch.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)
    fn(x).backward()
    return x.grad.numpy()


# ----------------------------------------------------------------------------- ties

TIED = [[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, -1.0, 2.0]]


@pytest.mark.parametrize("op", ["max", "min"])
def test_full_max_min_split_gradient_evenly_among_ties(op):
    g = grad_of(lambda x: getattr(x, op)(), TIED)
    assert np.allclose(g, torch_grad_of(lambda x: getattr(x, op)(), TIED))
    expected = np.zeros((2, 4))
    if op == "max":
        expected[0, 1] = expected[0, 2] = 0.5
    else:
        expected[1, 2] = 1.0
    assert np.array_equal(g, expected)


@pytest.mark.parametrize("op", ["amax", "amin"])
@pytest.mark.parametrize("dim", [1, 0, (0, 1)])
def test_amax_amin_split_ties_like_torch(op, dim):
    vals = [[1.0, 3.0, 3.0, 1.0], [1.0, 2.0, 3.0, 3.0]]
    shape = tuple(getattr(torch, op)(torch.tensor(vals), dim=dim).shape)
    w = np.arange(1.0, 1.0 + math.prod(shape)).reshape(shape)
    mine = grad_of(lambda x: (getattr(F, op)(x, dim=dim) * mg.tensor(w)).sum(), vals)
    theirs = torch_grad_of(lambda x: (getattr(torch, op)(x, dim=dim) * torch.tensor(w)).sum(), vals)
    assert np.allclose(mine, theirs)
    assert np.any((mine != 0) & (mine != np.round(mine)))      # a tie really was split


@pytest.mark.parametrize("op", ["max", "min"])
def test_max_min_with_dim_send_gradient_to_the_first_occurrence(op):
    vals = [[3.0, 1.0, 3.0], [0.0, 0.0, 5.0]] if op == "max" else [[1.0, 3.0, 1.0], [0.0, 0.0, 5.0]]
    x = leaf(vals)
    out = getattr(F, op)(x, dim=1)
    assert out.indices.tolist() == ([0, 2] if op == "max" else [0, 0])
    out.values.sum().backward()
    expected = np.zeros((2, 3))
    expected[0, 0] = 1.0
    expected[1, 2 if op == "max" else 0] = 1.0
    assert np.array_equal(x.grad.numpy(), expected)
    t = getattr(torch, op)(torch.tensor(vals), dim=1)
    assert out.indices.tolist() == t.indices.tolist()


def test_norm_inf_splits_ties_and_keeps_sign():
    vals = [[-2.0, 2.0, 1.0], [0.5, -1.0, 0.25]]
    mine = grad_of(lambda x: F.norm(x, p=math.inf, dim=1).sum(), vals)
    assert np.allclose(mine, torch_grad_of(lambda x: torch.norm(x, p=math.inf, dim=1).sum(), vals))
    assert np.allclose(mine[0], [-0.5, 0.5, 0.0])


def test_sort_and_topk_are_stable_on_ties():
    vals = [3.0, 1.0, 3.0, 2.0, 3.0]
    s = F.sort(leaf(vals), descending=True)
    assert s.indices.tolist() == torch.sort(torch.tensor(vals), descending=True).indices.tolist()
    assert s.indices.tolist() == [0, 2, 4, 3, 1]
    assert F.sort(leaf(vals)).indices.tolist() == [1, 3, 0, 2, 4]
    assert F.topk(leaf(vals), 2).indices.tolist() == [0, 2]
    assert F.argsort(leaf(vals), descending=True).tolist() == [0, 2, 4, 3, 1]


def test_sort_nan_is_largest_like_torch():
    vals = [3.0, 1.0, np.nan, 2.0, 3.0]
    for desc in (False, True):
        mine = F.sort(leaf(vals), descending=desc)
        theirs = torch.sort(torch.tensor(vals), descending=desc)
        assert mine.indices.tolist() == theirs.indices.tolist()
        np.testing.assert_array_equal(mine.values.numpy(), theirs.values.numpy())


def test_topk_unsorted_returns_the_same_set_in_index_order():
    x = leaf([0.3, 0.1, 0.5, 0.2, 0.9, 0.4])
    out = F.topk(x, 3, sorted=False)
    assert out.indices.tolist() == [2, 4, 5]
    assert sorted(out.indices.tolist()) == sorted(torch.topk(torch.tensor(x.numpy()), 3).indices.tolist())
    out.values.sum().backward()
    assert x.grad.tolist() == [0, 0, 1, 0, 1, 1]


def test_sort_gradient_is_routed_back_to_the_original_positions():
    x = leaf([[0.3, -0.1, 0.5]])
    w = mg.tensor([[1.0, 2.0, 3.0]], dtype=np.float64)
    (F.sort(x, dim=1).values * w).sum().backward()
    assert x.grad.tolist() == [[2.0, 1.0, 3.0]]


# ----------------------------------------------------------------------------- return types

def test_namedtuple_returns():
    x = leaf([[1.0, 5.0, 2.0], [4.0, 0.0, 3.0]])
    for name, out in [("max", F.max(x, 1)), ("min", F.min(x, dim=1)), ("topk", F.topk(x, 2)),
                      ("sort", F.sort(x))]:
        assert type(out).__name__ == name
        values, indices = out
        assert values is out.values and indices is out.indices
        assert indices.dtype == np.int64 and not indices.requires_grad
        assert values.requires_grad
    assert F.max(x, 1, keepdim=True).values.shape == (2, 1)
    assert isinstance(F.max(x), mg.Tensor) and F.max(x).shape == ()


def test_max_with_tensor_other_is_elementwise_maximum():
    a, b = leaf([1.0, 5.0]), leaf([3.0, 2.0])
    assert F.max(a, b).tolist() == [3.0, 5.0]
    assert F.min(a, b).tolist() == [1.0, 2.0]


def test_index_reductions_are_int64_and_not_differentiable():
    x = leaf([[1.0, 5.0, 5.0], [4.0, 0.0, 3.0]])
    for out, ref in [(F.argmax(x), torch.argmax(torch.tensor(x.numpy()))),
                     (F.argmax(x, dim=1), torch.argmax(torch.tensor(x.numpy()), dim=1)),
                     (F.argmin(x, dim=0, keepdim=True), torch.argmin(torch.tensor(x.numpy()), dim=0, keepdim=True)),
                     (F.argmax(x, keepdim=True), torch.argmax(torch.tensor(x.numpy()), keepdim=True)),
                     (F.argsort(x, dim=0), torch.argsort(torch.tensor(x.numpy()), dim=0))]:
        assert out.dtype == np.int64 and not out.requires_grad
        assert out.tolist() == ref.tolist() and out.shape == tuple(ref.shape)
    assert F.all(x).dtype == np.bool_ and not F.all(x).requires_grad
    assert F.any(x > 4, dim=0).tolist() == [False, True, True]
    assert F.all(x > -1, dim=(0, 1), keepdim=True).shape == (1, 1)


# ----------------------------------------------------------------------------- aliases

@pytest.mark.parametrize("op", ["sum", "mean", "var", "std", "amax", "amin", "logsumexp", "norm"])
def test_axis_keepdims_aliases(op):
    x = leaf(np.random.default_rng(0).uniform(-1, 1, (2, 3, 4)))
    a = getattr(F, op)(x, axis=(0, 2), keepdims=True)
    b = getattr(F, op)(x, dim=(0, 2), keepdim=True)
    assert a.shape == b.shape == (1, 3, 1)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert getattr(x, op)(axis=1).shape == (2, 4)


def test_single_dim_ops_accept_axis():
    x = leaf([[1.0, 5.0, 2.0], [4.0, 0.0, 3.0]])
    assert F.max(x, axis=1).indices.tolist() == [1, 0]
    assert F.argmax(x, axis=0, keepdims=True).shape == (1, 3)
    assert F.prod(x, axis=0).tolist() == [4.0, 0.0, 6.0]
    assert F.cumsum(x, axis=1).tolist() == [[1.0, 6.0, 8.0], [4.0, 4.0, 7.0]]
    assert F.sort(x, axis=0).indices.tolist() == [[0, 1, 0], [1, 0, 1]]


def test_dim_and_axis_together_is_an_error():
    x = leaf([1.0, 2.0])
    with pytest.raises(TypeError, match="sum: give either dim= or axis="):
        F.sum(x, dim=0, axis=0)
    with pytest.raises(TypeError, match="max: give either dim= or axis="):
        F.max(x, 0, axis=0)


# ----------------------------------------------------------------------------- special values

@pytest.mark.filterwarnings("ignore:var.*degrees of freedom")
def test_var_std_corrections_match_numpy_and_torch():
    v = np.random.default_rng(1).normal(size=(4, 5))
    x, t = leaf(v), torch.tensor(v)
    np.testing.assert_allclose(F.var(x).item(), v.var(ddof=1))
    np.testing.assert_allclose(F.var(x, dim=1, unbiased=False).numpy(), v.var(axis=1))
    np.testing.assert_allclose(F.var(x, 1, False).numpy(), v.var(axis=1))           # legacy positional
    np.testing.assert_allclose(F.var(x, True).item(), v.var(ddof=1))               # var(x, unbiased)
    np.testing.assert_allclose(F.std(x, dim=0, ddof=2).numpy(), v.std(axis=0, ddof=2))
    np.testing.assert_allclose(F.std(x, dim=0, correction=2).numpy(), torch.std(t, dim=0, correction=2).numpy())
    with np.errstate(all="ignore"):
        one = F.var(leaf([3.0]))                  # n - correction = 0: nan, as torch
    assert math.isnan(one.item()) and math.isnan(torch.var(torch.tensor([3.0])).item())
    with pytest.raises(TypeError, match="var: give only one of"):
        F.var(x, unbiased=True, correction=1)
    with pytest.raises(ValueError, match="std: correction must be a non-negative number"):
        F.std(x, correction=-1)


def test_prod_gradient_with_zeros():
    assert grad_of(lambda x: x.prod(), [2.0, 0.0, 3.0]).tolist() == [0.0, 6.0, 0.0]
    assert grad_of(lambda x: x.prod(), [2.0, 0.0, 0.0]).tolist() == [0.0, 0.0, 0.0]
    g = grad_of(lambda x: x.prod(dim=1).sum(), [[2.0, 0.0, 3.0], [1.0, 2.0, 4.0]])
    assert g.tolist() == [[0.0, 6.0, 0.0], [8.0, 4.0, 2.0]]


@pytest.mark.parametrize("p", [1, 2, 3, 0.5, math.inf])
def test_norm_subgradient_at_zero_is_zero_like_torch(p):
    vals = [[0.0, 0.0, 0.0], [0.0, 1.0, -2.0]]
    mine = grad_of(lambda x: F.norm(x, p=p, dim=1).sum(), vals)
    theirs = torch_grad_of(lambda x: torch.norm(x, p=p, dim=1).sum(), vals)
    np.testing.assert_allclose(mine, theirs)
    assert np.all(mine[0] == 0)


def test_norm_p0_counts_nonzeros_and_eps_keeps_the_gradient_finite():
    x = leaf([[0.0, 2.0, -1.0]])
    assert F.norm(x, p=0).item() == 2.0
    z = leaf([0.0, 0.0])
    y = F.norm(z, eps=1e-8)
    assert y.item() == pytest.approx(1e-4)
    y.backward()
    assert np.all(np.isfinite(z.grad.numpy()))
    w = leaf([3.0, 4.0])
    np.testing.assert_allclose(F.norm(w, eps=11.0).item(), 6.0)
    assert mg.gradcheck(lambda a: F.norm(a, p=3, dim=1, eps=0.1), [leaf([[0.3, -0.2], [0.5, 0.1]])])


def test_logsumexp_is_stable_and_handles_infinities():
    x = leaf([[1000.0, 1000.0], [-1000.0, -1000.0]])
    np.testing.assert_allclose(F.logsumexp(x, 1).numpy(), [1000 + math.log(2), -1000 + math.log(2)])
    t = torch.tensor([[-np.inf, -np.inf], [np.inf, 1.0]])
    np.testing.assert_array_equal(F.logsumexp(mg.tensor(t.numpy()), dim=1).numpy(),
                                  torch.logsumexp(t, dim=1).numpy())


def test_nan_propagates_through_max():
    x = leaf([1.0, np.nan, 3.0])
    assert math.isnan(F.max(x).item())
    assert F.max(x, 0).indices.item() == 1 == torch.max(torch.tensor([1.0, np.nan, 3.0]), 0).indices.item()


def test_integer_inputs_follow_torch_dtypes():
    i = mg.tensor(np.array([[1, 2], [3, 4]], dtype=np.int32))
    assert F.sum(i).dtype == np.int64 and F.sum(i).item() == 10
    assert F.sum(i > 1).item() == 3
    assert F.prod(i, dim=1).tolist() == [2, 12] and F.prod(i).dtype == np.int64
    assert F.cumsum(i, dim=0).dtype == np.int64
    assert F.max(i).item() == 4 and F.max(i, 1).indices.tolist() == [1, 1]
    assert F.sum(i, dtype=np.float32).dtype == np.float32
    with pytest.raises(TypeError, match="mean: expected a floating-point tensor, got dtype int32"):
        F.mean(i)


def test_zero_dim_inputs():
    x = leaf(2.5)
    assert F.sum(x, dim=0).item() == 2.5
    m = F.max(x, dim=0)
    assert m.values.item() == 2.5 and m.indices.item() == 0 and m.indices.shape == ()
    m.values.backward()
    assert x.grad.item() == 1.0
    assert F.cumsum(x, 0).shape == () and F.sort(x).values.shape == ()


def test_float32_stays_float32():
    x = mg.tensor(np.ones((2, 3), np.float32), requires_grad=True)
    for out in [F.sum(x), F.mean(x, 1), F.var(x, 0), F.norm(x), F.prod(x), F.logsumexp(x, 1),
                F.max(x, 1).values, F.cumsum(x, 1)]:
        assert out.dtype == np.float32


# ----------------------------------------------------------------------------- errors

def test_errors_name_the_op_and_the_problem():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(IndexError, match=r"sum: dimension 2 is out of range for a tensor with 2 dims"):
        F.sum(x, dim=2)
    with pytest.raises(ValueError, match=r"mean: repeated dimension"):
        F.mean(x, dim=(0, -2))
    with pytest.raises(TypeError, match=r"max: dim must be a single int, got \(0, 1\)"):
        F.max(x, dim=(0, 1))
    with pytest.raises(ValueError, match=r"max: cannot reduce over an empty dimension \(input shape \(0, 3\)"):
        F.max(mg.zeros(0, 3))
    with pytest.raises(ValueError, match=r"amin: cannot reduce over an empty dimension"):
        F.amin(mg.zeros(2, 0), dim=1)
    with pytest.raises(ValueError, match=r"topk: k must be an int in \[0, 2\].*got 3"):
        F.topk(x, 3)
    with pytest.raises(TypeError, match=r"sum: expected a minigrad Tensor as input, got ndarray"):
        F.sum(np.ones(3))
    with pytest.raises(NotImplementedError, match="norm: the nuclear norm"):
        F.norm(x, p="nuc")
    with pytest.raises(ValueError, match="norm: p must be 'fro', a real number"):
        F.norm(x, p="l2")
    with pytest.raises(TypeError, match="logsumexp: expected a floating-point tensor"):
        F.logsumexp(mg.tensor([1, 2]), 0)
    with pytest.raises(TypeError, match="max: keepdim needs a dim"):
        F.max(x, keepdim=True)


def test_tensor_methods_exist():
    x = leaf([[1.0, 5.0, 2.0], [4.0, 0.0, 3.0]])
    for name in ["sum", "mean", "var", "std", "max", "min", "amax", "amin", "logsumexp", "prod",
                 "norm", "argmax", "argmin", "cumsum", "all", "any", "topk", "sort", "argsort"]:
        assert hasattr(x, name), name
    assert x.max(1).indices.tolist() == [1, 0]
    assert x.topk(1).values.tolist() == [[5.0], [4.0]]


def test_std_of_a_constant_slice_has_zero_gradient_like_torch():
    vals = [[0.5, 0.5, 0.5], [0.1, 0.2, 0.4]]
    mine = grad_of(lambda x: F.std(x, dim=1).sum(), vals)
    np.testing.assert_allclose(mine, torch_grad_of(lambda x: torch.std(x, dim=1).sum(), vals))
    assert np.all(mine[0] == 0)


SWEEP_OPS = [("sum", {}), ("mean", {}), ("var", {}), ("std", {"correction": 0}), ("amax", {}),
             ("amin", {}), ("logsumexp", {}), ("norm", {"p": 2}), ("norm", {"p": 1}),
             ("norm", {"p": 3}), ("norm", {"p": math.inf}), ("norm", {"p": 0.5})]


@pytest.mark.filterwarnings("ignore::UserWarning")          # torch: var with n - correction <= 0
@pytest.mark.parametrize("shape", [(2, 3, 4), (1, 3, 1, 2)])
def test_every_dim_form_matches_torch(shape):
    """A seeded sweep: every int, negative and tuple dim, keepdim on/off, size-1 axes."""
    import itertools
    rng = np.random.default_rng(0)
    nd = len(shape)
    dims = [None] + list(range(-nd, nd)) + [c for r in (2, 3) for c in itertools.combinations(range(nd), r)]
    for dim, keep, (op, kw) in itertools.product(dims, (False, True), SWEEP_OPS):
        if dim is None and (keep or op == "logsumexp"):     # torch needs a dim for these
            continue
        kw = dict(kw, **({} if dim is None else {"dim": dim, "keepdim": keep}))
        vals = rng.uniform(0.1, 1, shape) * rng.choice([-1, 1], shape)
        x, t = leaf(vals), torch.tensor(vals, requires_grad=True)
        with np.errstate(all="ignore"):
            y, ty = getattr(F, op)(x, **kw), getattr(torch, op)(t, **kw)
            w = rng.normal(size=tuple(ty.shape))
            (y * mg.tensor(w)).sum().backward()
        (ty * torch.tensor(w)).sum().backward()
        msg = f"{op}({shape}, {kw})"
        assert y.shape == tuple(ty.shape), msg
        np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-12, err_msg=msg)
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=msg)
