"""Metrics against scikit-learn (the oracle)."""
import numpy as np
import pytest

import minigrad as mg
from minigrad.training import metrics as M

skm = pytest.importorskip("sklearn.metrics")


@pytest.fixture
def binary():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    score = np.round(y * 0.3 + rng.random(200), 2)          # ties on purpose (rounded scores)
    return y, score


@pytest.fixture
def multiclass():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 5, 300)
    scores = rng.random((300, 5)) + np.eye(5)[y] * 0.4
    return y, scores


def test_accuracy_forms(multiclass, binary):
    y, s = multiclass
    ref = skm.accuracy_score(y, s.argmax(1))
    assert M.accuracy(y, s) == pytest.approx(ref)
    assert M.accuracy(mg.tensor(y), mg.tensor(s)) == pytest.approx(ref)
    assert M.accuracy(np.eye(5)[y], s) == pytest.approx(ref)            # one-hot targets
    assert M.accuracy(y, s.argmax(1)) == pytest.approx(ref)
    yb, sb = binary
    assert M.accuracy(yb, sb / sb.max()) == pytest.approx(skm.accuracy_score(yb, sb / sb.max() > 0.5))
    with pytest.raises(ValueError):
        M.accuracy(y[:3], s)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_top_k(multiclass, k):
    y, s = multiclass
    assert M.top_k_accuracy(y, s, k) == pytest.approx(
        skm.top_k_accuracy_score(y, s, k=k, labels=range(5)))


def test_confusion_and_prf(multiclass):
    y, s = multiclass
    p = s.argmax(1)
    np.testing.assert_array_equal(M.confusion_matrix(y, p), skm.confusion_matrix(y, p))
    assert M.confusion_matrix([0, 1], [1, 1], num_classes=4).shape == (4, 4)
    pr, rc, f1 = M.precision_recall_f1(y, p, average="macro")
    assert (pr, rc, f1) == pytest.approx((skm.precision_score(y, p, average="macro"),
                                         skm.recall_score(y, p, average="macro"),
                                         skm.f1_score(y, p, average="macro")))
    yb, pb = (y > 2).astype(int), (p > 2).astype(int)
    assert M.precision_recall_f1(yb, pb) == pytest.approx(
        (skm.precision_score(yb, pb), skm.recall_score(yb, pb), skm.f1_score(yb, pb)))
    per = M.precision_recall_f1(y, p, average=None)[2]
    np.testing.assert_allclose(per, skm.f1_score(y, p, average=None))


def test_roc_and_pr(binary):
    y, s = binary
    assert M.roc_auc(y, s) == pytest.approx(skm.roc_auc_score(y, s), abs=1e-12)
    fpr, tpr, thr = M.roc_curve(y, s)
    rf, rt, rth = skm.roc_curve(y, s, drop_intermediate=False)
    np.testing.assert_allclose(fpr, rf)
    np.testing.assert_allclose(tpr, rt)
    np.testing.assert_allclose(thr[1:], rth[1:])
    p, r, t = M.precision_recall_curve(y, s)
    rp, rr, rth = skm.precision_recall_curve(y, s)
    np.testing.assert_allclose(p, rp)
    np.testing.assert_allclose(r, rr)
    np.testing.assert_allclose(t, rth)
    assert M.pr_auc(y, s) == pytest.approx(skm.auc(rr, rp), abs=1e-12)
    assert M.average_precision(y, s) == pytest.approx(skm.average_precision_score(y, s), abs=1e-12)
    with pytest.raises(ValueError, match="positive and negative"):
        M.roc_auc(np.ones(4), np.arange(4.0))
    with pytest.raises(ValueError, match="binary"):
        M.roc_auc([0, 2], [0.1, 0.2])


def test_regression_errors():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=50), rng.normal(size=50)
    assert M.mse(a, b) == pytest.approx(skm.mean_squared_error(a, b))
    assert M.rmse(a, b) == pytest.approx(np.sqrt(skm.mean_squared_error(a, b)))
    assert M.mae(mg.tensor(a), b) == pytest.approx(skm.mean_absolute_error(a, b))


def test_streaming_mean():
    m = M.StreamingMean()
    m.update(1.0, 2).update(4.0)
    assert m.result() == pytest.approx(2.0)
    m2 = M.StreamingMean()
    m2.load_state_dict(m.state_dict())
    assert m2.result() == m.result()
    m.reset()
    assert np.isnan(m.result())
