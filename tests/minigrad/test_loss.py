"""Losses: PyTorch's exact semantics on special cases, error messages, out-of-range class
indices, gradients torch does not offer. Gradients of every registry sample are in
test_op_db.py."""
import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def rand(*shape, seed=0, low=-2.0, high=2.0, grad=True):
    return mg.tensor(np.random.default_rng(seed).uniform(low, high, shape), requires_grad=grad)


def labels(values):
    return mg.tensor(np.asarray(values, dtype=np.int64))


def T(t):
    return torch.tensor(t.numpy())


# ----------------------------------------------------------------------------- cross-entropy

def test_cross_entropy_gradient_is_softmax_minus_onehot_over_n():
    x, y = rand(4, 3), labels([0, 2, 1, 2])
    F.cross_entropy(x, y).backward()
    p = np.exp(x.numpy()) / np.exp(x.numpy()).sum(1, keepdims=True)
    np.testing.assert_allclose(x.grad.numpy(), (p - np.eye(3)[y.numpy()]) / 4, rtol=1e-12)


def test_cross_entropy_weighted_mean_divides_by_the_target_weights():
    x, y = rand(4, 3), labels([0, 2, 1, 2])
    w = mg.tensor(np.array([1.0, 2.0, 5.0]))
    loss = F.cross_entropy(x, y, weight=w)
    logp = x.numpy() - np.log(np.exp(x.numpy()).sum(1, keepdims=True))
    wy = w.numpy()[y.numpy()]
    expected = -(wy * logp[np.arange(4), y.numpy()]).sum() / wy.sum()
    assert loss.item() == pytest.approx(expected, rel=1e-12)
    assert loss.item() == pytest.approx(TF.cross_entropy(T(x), T(y), weight=T(w)).item(), rel=1e-12)


def test_ignored_targets_get_no_loss_and_no_gradient():
    x, y = rand(4, 3), labels([0, -100, 1, -100])
    loss = F.cross_entropy(x, y, reduction="none")
    assert loss.numpy()[1] == 0 and loss.numpy()[3] == 0
    mean = F.cross_entropy(x, y)
    mean.backward()
    assert np.all(x.grad.numpy()[[1, 3]] == 0)
    assert mean.item() == pytest.approx(loss.numpy()[[0, 2]].mean(), rel=1e-12)


def test_all_targets_ignored_gives_nan_loss_and_zero_gradient_like_torch():
    x, y = rand(2, 3), labels([-100, -100])
    for kw in ({}, {"label_smoothing": 0.1}):
        loss = F.cross_entropy(x, y, **kw)
        assert math.isnan(loss.item()) and math.isnan(TF.cross_entropy(T(x), T(y), **kw).item())
        x.grad = None
        loss.backward()
        assert np.all(x.grad.numpy() == 0)           # no sample contributes: zero, not nan
    assert F.cross_entropy(x, y, reduction="sum").item() == 0


@pytest.mark.parametrize("kw", [{}, {"weight": True}, {"label_smoothing": 0.25},
                                {"weight": True, "label_smoothing": 0.1, "ignore_index": 0},
                                {"reduction": "sum", "label_smoothing": 0.3}])
def test_cross_entropy_special_cases_match_torch(kw):
    x, y = rand(2, 3, 2, 2, seed=1), labels([[[0, 1], [2, 0]], [[1, 1], [0, 2]]])
    kw = dict(kw)
    if kw.pop("weight", False):
        kw["weight"] = mg.tensor(np.array([0.3, 1.0, 2.5]))
    tkw = {k: T(v) if isinstance(v, mg.Tensor) else v for k, v in kw.items()}
    np.testing.assert_allclose(F.cross_entropy(x, y, **kw).numpy(),
                               TF.cross_entropy(T(x), T(y), **tkw).numpy(), rtol=1e-12)


def test_cross_entropy_is_stable_for_huge_logits():
    x = mg.tensor(np.array([[1000.0, 0.0, -1000.0], [0.0, 1e4, 0.0]]), requires_grad=True)
    loss = F.cross_entropy(x, labels([0, 0]), reduction="none")
    np.testing.assert_allclose(loss.numpy(), [0.0, 1e4])
    loss.sum().backward()
    assert np.all(np.isfinite(x.grad.numpy()))


def test_probability_targets_equal_index_targets_when_one_hot():
    x, y = rand(3, 4), labels([3, 0, 1])
    onehot = mg.tensor(np.eye(4)[y.numpy()])
    for kw in [{}, {"label_smoothing": 0.2}, {"weight": mg.tensor(np.array([1.0, 2.0, 3.0, 4.0])),
                                               "reduction": "sum"}]:
        np.testing.assert_allclose(F.cross_entropy(x, onehot, **kw).numpy(),
                                   TF.cross_entropy(T(x), T(onehot), **{k: T(v) if isinstance(v, mg.Tensor) else v
                                                                        for k, v in kw.items()}).numpy(), rtol=1e-12)
    np.testing.assert_allclose(F.cross_entropy(x, onehot).numpy(), F.cross_entropy(x, y).numpy(), rtol=1e-12)


@pytest.mark.parametrize("op", ["cross_entropy", "nll_loss"])
def test_out_of_range_class_indices_raise(op):
    x = rand(3, 4)
    with pytest.raises(IndexError, match=rf"{op}: target contains class index 4, out of range for 4 "
                                         r"classes \(expected 0 <= target < 4, or ignore_index=-100\)"):
        getattr(F, op)(x, labels([0, 4, 1]))
    with pytest.raises(IndexError, match=rf"{op}: target contains class index -1, out of range for 4"):
        getattr(F, op)(x, labels([0, -1, 1]))
    assert getattr(F, op)(x, labels([0, -1, 1]), ignore_index=-1).shape == ()
    with pytest.raises(IndexError, match=rf"{op}: target contains class index 9"):
        getattr(F, op)(rand(2, 4, 3), labels([[0, 1, 9], [1, 2, 3]]))


def test_cross_entropy_argument_errors():
    x = rand(3, 4)
    with pytest.raises(ValueError, match=r"cross_entropy: class-index target must have shape \(3,\) for "
                                         r"input of shape \(3, 4\).*got \(4,\)"):
        F.cross_entropy(x, labels([0, 1, 2, 3]))
    with pytest.raises(ValueError, match=r"cross_entropy: class-probability target must have the "
                                         r"input's shape \(3, 4\), got \(3, 5\)"):
        F.cross_entropy(x, rand(3, 5, grad=False))
    with pytest.raises(ValueError, match=r"cross_entropy: weight must have shape \(4,\)"):
        F.cross_entropy(x, labels([0, 1, 2]), weight=mg.tensor(np.ones(3)))
    with pytest.raises(ValueError, match="cross_entropy: reduction must be one of 'none', 'mean', "
                                         "'sum', got 'avg'"):
        F.cross_entropy(x, labels([0, 1, 2]), reduction="avg")
    with pytest.raises(ValueError, match=r"cross_entropy: label_smoothing must be in \[0, 1\], got 1.5"):
        F.cross_entropy(x, labels([0, 1, 2]), label_smoothing=1.5)
    with pytest.raises(ValueError, match="ignore_index is not supported with class-probability targets"):
        F.cross_entropy(x, rand(3, 4, grad=False), ignore_index=1)
    with pytest.raises(TypeError, match="cross_entropy: target must hold class indices .* got dtype bool"):
        F.cross_entropy(x, mg.tensor(np.ones(3, bool)))
    with pytest.raises(TypeError, match="nll_loss: target must hold class indices \\(int64\\), got dtype float64"):
        F.nll_loss(x, rand(3, 4, grad=False))
    with pytest.raises(NotImplementedError, match="cross_entropy: gradients with respect to the class weights"):
        F.cross_entropy(x, labels([0, 1, 2]), weight=rand(4, low=0.5))
    with pytest.raises(TypeError, match="cross_entropy: input must be a floating-point tensor, got dtype int64"):
        F.cross_entropy(labels([[1, 2]]), labels([0]))


def test_legacy_size_average_and_reduce_flags():
    x, y = rand(3, 4), labels([0, 1, 2])
    assert F.cross_entropy(x, y, size_average=False).item() == pytest.approx(
        F.cross_entropy(x, y, reduction="sum").item())
    assert F.nll_loss(x, y, reduce=False).shape == (3,)
    assert F.mse_loss(x, rand(3, 4, seed=1), size_average=True).shape == ()


def test_nll_loss_picks_the_target_log_probability():
    x, y = rand(3, 4), labels([2, 0, 3])
    w = mg.tensor(np.array([1.0, 2.0, 3.0, 4.0]))
    expected = -(x.numpy()[[0, 1, 2], [2, 0, 3]] * [3.0, 1.0, 4.0]).sum() / 8.0
    assert F.nll_loss(x, y, weight=w).item() == pytest.approx(expected, rel=1e-12)
    F.nll_loss(x, y, reduction="sum").backward()
    assert x.grad.numpy()[0].tolist() == [0, 0, -1, 0]


# ----------------------------------------------------------------------------- binary

def test_bce_clamps_logs_at_minus_100_like_torch():
    p = mg.tensor(np.array([0.0, 1.0, 0.5, 1.0]), requires_grad=True)
    t = mg.tensor(np.array([1.0, 0.0, 1.0, 1.0]))
    loss = F.binary_cross_entropy(p, t, reduction="none")
    tp = torch.tensor(p.numpy(), requires_grad=True)
    tl = TF.binary_cross_entropy(tp, T(t), reduction="none")
    np.testing.assert_allclose(loss.numpy(), tl.detach().numpy())
    assert loss.numpy()[0] == 100 and loss.numpy()[3] == 0
    loss.sum().backward()
    tl.sum().backward()
    np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy())


def test_bce_rejects_values_outside_0_1_and_shape_mismatch():
    with pytest.raises(ValueError, match=r"binary_cross_entropy: all elements of input must be "
                                         r"probabilities in \[0, 1\] \(got values from -0.5 to 0.5\)"):
        F.binary_cross_entropy(mg.tensor(np.array([-0.5, 0.5])), mg.tensor(np.array([0.0, 1.0])))
    with pytest.raises(ValueError, match=r"binary_cross_entropy: target of shape \(3,\) differs from "
                                         r"input of shape \(2,\)"):
        F.binary_cross_entropy(mg.tensor(np.array([0.2, 0.5])), mg.tensor(np.ones(3)))
    with pytest.raises(ValueError, match=r"binary_cross_entropy_with_logits: pos_weight of shape \(3,\) "
                                         r"must broadcast to the input shape \(2, 4\)"):
        F.binary_cross_entropy_with_logits(rand(2, 4), rand(2, 4, low=0, high=1), pos_weight=rand(3))


def test_bce_with_logits_is_stable_and_matches_the_naive_form_where_finite():
    x = mg.tensor(np.array([-800.0, -3.0, 0.0, 2.0, 800.0]), requires_grad=True)
    t = mg.tensor(np.array([1.0, 0.0, 1.0, 0.3, 0.0]))
    loss = F.binary_cross_entropy_with_logits(x, t, reduction="none")
    np.testing.assert_allclose(loss.numpy()[[0, 4]], [800.0, 800.0])
    s = 1 / (1 + np.exp(-x.numpy()[1:4]))
    naive = -(t.numpy()[1:4] * np.log(s) + (1 - t.numpy()[1:4]) * np.log(1 - s))
    np.testing.assert_allclose(loss.numpy()[1:4], naive, rtol=1e-12)
    loss.sum().backward()
    with np.errstate(over="ignore"):
        sig = 1 / (1 + np.exp(-x.numpy()))
    np.testing.assert_allclose(x.grad.numpy(), sig - t.numpy(), atol=1e-15)


def test_bce_weight_and_pos_weight_gradients_which_torch_does_not_offer():
    x, t = rand(3, 4, seed=1), rand(3, 4, seed=2, low=0, high=1)
    w, pw = rand(3, 1, seed=3, low=0.5, high=2), rand(4, seed=4, low=0.5, high=3)
    assert mg.gradcheck(lambda *a: F.binary_cross_entropy_with_logits(a[0], a[1], weight=a[2], pos_weight=a[3],
                                                                      reduction="none"), [x, t, w, pw])
    p = rand(3, 4, seed=5, low=0.05, high=0.95)
    assert mg.gradcheck(lambda *a: F.binary_cross_entropy(a[0], a[1], weight=a[2]), [p, t, w])


# ----------------------------------------------------------------------------- regression

def test_smooth_l1_and_huber_regions_and_scaling():
    d = np.array([-3.0, -0.4, 0.2, 0.9, 2.5])
    x, t = mg.tensor(d), mg.tensor(np.zeros(5))
    for beta in (1.0, 0.5):
        np.testing.assert_allclose(F.smooth_l1_loss(x, t, reduction="none", beta=beta).numpy(),
                                   TF.smooth_l1_loss(T(x), T(t), reduction="none", beta=beta).numpy())
        np.testing.assert_allclose(F.huber_loss(x, t, reduction="none", delta=beta).numpy(),
                                   beta * F.smooth_l1_loss(x, t, reduction="none", beta=beta).numpy())
    np.testing.assert_allclose(F.smooth_l1_loss(x, t, beta=0.0).numpy(), F.l1_loss(x, t).numpy())
    with pytest.raises(ValueError, match="smooth_l1_loss: beta must be >= 0, got -1"):
        F.smooth_l1_loss(x, t, beta=-1)
    with pytest.raises(ValueError, match="huber_loss: delta must be > 0, got 0"):
        F.huber_loss(x, t, delta=0)


def test_l1_subgradient_at_zero_is_zero():
    x = mg.tensor(np.array([1.0, 2.0]), requires_grad=True)
    F.l1_loss(x, mg.tensor(np.array([1.0, 0.0]))).backward()
    assert x.grad.tolist() == [0.0, 0.5]


def test_mse_broadcasting_warns_and_bad_shapes_raise():
    x = rand(3, 4)
    with pytest.warns(UserWarning, match=r"mse_loss: target shape \(4,\) differs from input shape \(3, 4\)"):
        out = F.mse_loss(x, rand(4, seed=1))
    np.testing.assert_allclose(out.item(), ((x.numpy() - rand(4, seed=1).numpy()) ** 2).mean())
    with pytest.raises(ValueError, match=r"mse_loss: shapes \(3, 4\) and \(3,\) cannot be broadcast"):
        F.mse_loss(x, rand(3))
    with pytest.raises(TypeError, match="l1_loss: target must be a minigrad Tensor, got float"):
        F.l1_loss(x, 1.0)


# ----------------------------------------------------------------------------- KL, similarity

@pytest.mark.filterwarnings("ignore::UserWarning")      # torch warns about reduction='mean'
@pytest.mark.parametrize("reduction", ["mean", "batchmean", "sum"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_reductions_match_torch(reduction, log_target):
    x = rand(3, 4, low=-3, high=-0.1)
    t = rand(3, 4, seed=1, low=-3, high=-0.1) if log_target else rand(3, 4, seed=1, low=0.05, high=1)
    np.testing.assert_allclose(F.kl_div(x, t, reduction=reduction, log_target=log_target).numpy(),
                               TF.kl_div(T(x), T(t), reduction=reduction, log_target=log_target).numpy(),
                               rtol=1e-12)
    if reduction == "batchmean":
        np.testing.assert_allclose(F.kl_div(x, t, reduction=reduction, log_target=log_target).item(),
                                   F.kl_div(x, t, reduction="sum", log_target=log_target).item() / 3)


def test_kl_div_zero_target_contributes_zero():
    x = rand(1, 3, low=-3, high=-0.1)
    t = mg.tensor(np.array([[0.0, 0.5, 0.5]]))
    loss = F.kl_div(x, t, reduction="none")
    assert loss.numpy()[0, 0] == 0
    with pytest.raises(ValueError, match="kl_div: reduction must be one of 'none', 'mean', 'sum', 'batchmean'"):
        F.kl_div(x, t, reduction="avg")


def test_cosine_similarity_eps_clamp_and_zero_vectors_match_torch():
    a = mg.tensor(np.array([[0.0, 0.0, 0.0], [1e-9, 0.0, 0.0], [1.0, 2.0, 3.0]]), requires_grad=True)
    b = mg.tensor(np.array([[1.0, 2.0, 2.0], [1.0, 0.0, 0.0], [-1.0, 0.5, 2.0]]), requires_grad=True)
    ta, tb = (torch.tensor(v.numpy(), requires_grad=True) for v in (a, b))
    y, ty = F.cosine_similarity(a, b), TF.cosine_similarity(ta, tb)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-12)
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy(), rtol=1e-9, atol=1e-12)
    with pytest.raises(IndexError, match="cosine_similarity: dimension 2 is out of range"):
        F.cosine_similarity(a, b, dim=2)


def test_pairwise_distance_of_equal_inputs_has_finite_gradient():
    a = rand(2, 3)
    b = mg.tensor(a.numpy().copy(), requires_grad=True)
    d = F.pairwise_distance(a, b)
    np.testing.assert_allclose(d.numpy(), TF.pairwise_distance(T(a), T(b)).numpy(), rtol=1e-12)
    d.sum().backward()
    assert np.all(np.isfinite(a.grad.numpy()))


def test_loss_names_are_public():
    for name in ["cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
                 "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "kl_div", "cosine_similarity",
                 "pairwise_distance"]:
        assert name in F.__all__ and hasattr(mg.nn.functional if hasattr(mg.nn, "functional") else F, name)


def test_elementwise_weight_mean_denominators_follow_torch():
    x, t, w = rand(3, 4), rand(3, 4, seed=1), rand(3, 4, seed=2, low=0.2, high=2.0, grad=False)
    for op in ("mse_loss", "l1_loss", "huber_loss"):
        np.testing.assert_allclose(getattr(F, op)(x, t, weight=w).item(),
                                   getattr(TF, op)(T(x), T(t), weight=T(w)).item(), rtol=1e-12)
    wl = w.numpy() * (x.numpy() - t.numpy()) ** 2
    assert F.mse_loss(x, t, weight=w).item() == pytest.approx(wl.sum() / w.numpy().sum(), rel=1e-12)
    with pytest.raises(ValueError, match=r"mse_loss: weight of shape \(4,\) must have the input's shape \(3, 4\)"):
        F.mse_loss(x, t, weight=rand(4))
