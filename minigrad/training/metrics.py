"""Metrics (E-12), with scikit-learn's argument order ``(y_true, y_pred_or_score)``.

Inputs may be tensors, arrays or lists; results are Python floats (or NumPy arrays for curves
and matrices). scikit-learn is the test oracle for every function here.

| Function | Meaning |
|---|---|
| ``accuracy`` | argmax match (scores or one-hot), binary at ``threshold``, or label equality |
| ``top_k_accuracy`` | true class among the k highest scores |
| ``confusion_matrix`` | C×C counts, rows = true class, columns = predicted |
| ``precision_recall_f1`` | binary, macro or per-class |
| ``roc_curve`` / ``roc_auc`` | thresholds at the unique scores; trapezoid area |
| ``precision_recall_curve`` / ``pr_auc`` | PR-AUC = trapezoid over (recall, precision) |
| ``average_precision`` | Σ (R_n − R_{n−1}) P_n |
| ``mse`` / ``rmse`` / ``mae`` | regression errors |
| ``StreamingMean`` | running total / count since reset (TF metric semantics) |
"""
import numpy as np

from ..backend import to_numpy
from ..tensor import Tensor

__all__ = ["accuracy", "top_k_accuracy", "confusion_matrix", "precision_recall_f1",
           "roc_curve", "roc_auc", "precision_recall_curve", "pr_auc", "average_precision",
           "mse", "rmse", "mae", "StreamingMean"]


def _np(a):
    if isinstance(a, Tensor):
        return to_numpy(a.data)
    return to_numpy(a) if hasattr(a, "__cuda_array_interface__") else np.asarray(a)


def _labels(y):
    """Class indices from indices, one-hot rows or per-class scores."""
    y = _np(y)
    return y.argmax(axis=-1) if y.ndim >= 2 else y


def accuracy(y_true, y_pred, threshold=0.5):
    """Fraction of correct predictions. ``y_pred``: class indices, scores/probabilities
    ``N×C`` (argmax), or 1-D probabilities of a binary problem (``> threshold``)."""
    t, p = _np(y_true), _np(y_pred)
    if p.ndim == 1 and p.dtype.kind == "f" and t.ndim == 1:
        p = (p > threshold).astype(np.int64)
    t, p = _labels(t), _labels(p)
    if t.shape != p.shape:
        raise ValueError(f"accuracy: {t.shape[0] if t.ndim else t} labels vs predictions of "
                         f"shape {p.shape}")
    return float((t == p).mean()) if t.size else 0.0


def top_k_accuracy(y_true, y_score, k=5):
    """Fraction of samples whose true class is among the ``k`` highest of ``y_score`` (N×C)."""
    t, s = _labels(y_true), _np(y_score)
    if s.ndim != 2:
        raise ValueError(f"top_k_accuracy: y_score must be N×C, got shape {s.shape}")
    top = np.argsort(-s, axis=1, kind="stable")[:, :k]
    return float((top == t[:, None]).any(axis=1).mean())


def confusion_matrix(y_true, y_pred, num_classes=None):
    """``C×C`` int64 counts: entry (i, j) = samples of true class i predicted as j."""
    t, p = _labels(y_true).astype(np.int64), _labels(y_pred).astype(np.int64)
    if num_classes is None:
        num_classes = int(max(t.max(initial=-1), p.max(initial=-1))) + 1
    return np.bincount(t * num_classes + p, minlength=num_classes ** 2).reshape(
        num_classes, num_classes)


def precision_recall_f1(y_true, y_pred, average="binary", pos_label=1, num_classes=None):
    """(precision, recall, F1). ``average``: ``"binary"`` (class ``pos_label``), ``"macro"``
    (unweighted mean over classes) or ``None`` (arrays per class). 0/0 counts as 0."""
    cm = confusion_matrix(y_true, y_pred, num_classes).astype(np.float64)
    tp = np.diag(cm)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.nan_to_num(tp / cm.sum(axis=0))
        recall = np.nan_to_num(tp / cm.sum(axis=1))
        f1 = np.nan_to_num(2 * precision * recall / (precision + recall))
    if average == "binary":
        return float(precision[pos_label]), float(recall[pos_label]), float(f1[pos_label])
    if average == "macro":
        return float(precision.mean()), float(recall.mean()), float(f1.mean())
    if average is None:
        return precision, recall, f1
    raise ValueError(f"precision_recall_f1: average must be 'binary', 'macro' or None, got "
                     f"{average!r}")


def _binary_counts(y_true, y_score):
    """False/true positive counts at each distinct score (descending), and the thresholds."""
    t, s = _np(y_true).ravel(), _np(y_score).ravel().astype(np.float64)
    if t.shape != s.shape:
        raise ValueError(f"{t.size} labels but {s.size} scores")
    labels = np.unique(t)
    if not np.isin(labels, (0, 1)).all():
        raise ValueError(f"binary labels 0/1 expected, got {labels.tolist()}")
    order = np.argsort(-s, kind="mergesort")
    s, t = s[order], t[order].astype(np.float64)
    last = np.r_[np.flatnonzero(np.diff(s)), t.size - 1]      # last index of each distinct score
    tps = np.cumsum(t)[last]
    fps = (last + 1) - tps
    return fps, tps, s[last]


def roc_curve(y_true, y_score):
    """(fpr, tpr, thresholds), one point per distinct score plus the origin (threshold +inf)."""
    fps, tps, thr = _binary_counts(y_true, y_score)
    if tps[-1] == 0 or fps[-1] == 0:
        raise ValueError("roc_curve: needs both positive and negative samples")
    fpr = np.r_[0.0, fps / fps[-1]]
    tpr = np.r_[0.0, tps / tps[-1]]
    return fpr, tpr, np.r_[np.inf, thr]


def roc_auc(y_true, y_score):
    """Area under the ROC curve (trapezoid rule)."""
    fpr, tpr, _ = roc_curve(y_true, y_score)
    return float(np.trapezoid(tpr, fpr))


def precision_recall_curve(y_true, y_score):
    """(precision, recall, thresholds) as scikit-learn returns them: recall decreasing, ending
    at the point (recall 0, precision 1) which has no threshold."""
    fps, tps, thr = _binary_counts(y_true, y_score)
    if tps[-1] == 0:
        raise ValueError("precision_recall_curve: needs at least one positive sample")
    precision = tps / (tps + fps)
    recall = tps / tps[-1]
    return np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thr[::-1]


def pr_auc(y_true, y_score):
    """Area under the precision–recall curve by the trapezoid rule over (recall, precision)
    (not average precision)."""
    precision, recall, _ = precision_recall_curve(y_true, y_score)
    return float(-np.trapezoid(precision, recall))           # recall runs high → low


def average_precision(y_true, y_score):
    """Σ_n (R_n − R_{n−1}) P_n over the curve's points (a step-wise PR area)."""
    precision, recall, _ = precision_recall_curve(y_true, y_score)
    return float(-np.sum(np.diff(recall) * precision[:-1]))


def mse(y_true, y_pred):
    t, p = _np(y_true).astype(np.float64), _np(y_pred).astype(np.float64)
    return float(np.mean((t - p) ** 2))


def rmse(y_true, y_pred):
    return float(np.sqrt(mse(y_true, y_pred)))


def mae(y_true, y_pred):
    t, p = _np(y_true).astype(np.float64), _np(y_pred).astype(np.float64)
    return float(np.mean(np.abs(t - p)))


class StreamingMean:
    """Running mean since the last ``reset()``: ``update(value, n)`` adds ``n`` samples whose
    mean is ``value``; ``result()`` is total / count (TF metric semantics)."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.total, self.count = 0.0, 0

    def update(self, value, n=1):
        self.total += float(_np(value).mean() if not isinstance(value, (int, float)) else value) * n
        self.count += n
        return self

    def result(self):
        return self.total / self.count if self.count else float("nan")

    def state_dict(self):
        return {"total": self.total, "count": self.count}

    def load_state_dict(self, state):
        self.total, self.count = float(state["total"]), int(state["count"])
