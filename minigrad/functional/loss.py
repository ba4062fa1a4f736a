"""Losses, with PyTorch's names, argument order, defaults and reduction semantics.

The hot losses are single fused Functions: cross_entropy works from logits through one stable
log-softmax and has dx = (softmax(x) * sum_c q_c - q) / denominator, where q is the (weighted,
smoothed) target distribution of each sample (E-15: (softmax - y)/N for plain mean CE).

``reduction`` is 'none' | 'mean' | 'sum' (kl_div also 'batchmean'); the legacy ``size_average`` /
``reduce`` flags map to it as in torch.
"""
import warnings

import numpy as np

from ..autograd import Function
from ..backend import get_array_module, special
from ..tensor import Tensor
from ._util import check_broadcast, normalize_dim
from .elementwise import add, div, mul, sub
from .reduction import Mean, Sum, index_along, norm

__all__ = ["cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
           "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "kl_div", "cosine_similarity",
           "pairwise_distance"]


# ----------------------------------------------------------------------------- helpers

def _check_tensor(op, name, t, floating=True):
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}: {name} must be a minigrad Tensor, got {type(t).__name__}")
    if floating and t.dtype.kind != "f":
        raise TypeError(f"{op}: {name} must be a floating-point tensor, got dtype {t.dtype} "
                        f"(shape {t.shape})")


def _reduction(op, reduction, size_average=None, reduce=None, allowed=("none", "mean", "sum")):
    """The reduction string, from ``reduction`` or torch's legacy size_average/reduce flags."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "mean" if size_average and reduce else ("sum" if reduce else "none")
    if reduction not in allowed:
        raise ValueError(f"{op}: reduction must be one of {', '.join(map(repr, allowed))}, got "
                         f"{reduction!r}")
    return reduction


def _reduce(loss, reduction):
    if reduction == "mean":
        return Mean.apply(loss, axes=None, keepdim=False)
    if reduction == "sum":
        return Sum.apply(loss, axes=None, keepdim=False)
    return loss


def _same_shape(op, input, target):
    if input.shape != target.shape:
        raise ValueError(f"{op}: target of shape {target.shape} differs from input of shape "
                         f"{input.shape}; expected the same shape")


def _broadcast_warn(op, input, target):
    check_broadcast(op, input, target)
    if input.shape != target.shape:
        warnings.warn(f"{op}: target shape {target.shape} differs from input shape {input.shape}; "
                      "they will be broadcast, which is rarely intended", UserWarning, stacklevel=3)


# ----------------------------------------------------------------------------- class losses

class CrossEntropy(Function):
    """Cross-entropy over the class dim (1, or 0 for an unbatched (C,) input).

    Each sample gets a target distribution q over the C classes:
      class indices y: q_c = (1 - s) w_y [c = y] + (s / C) w_c, q = 0 for ignored samples;
      probabilities t: q_c = ((1 - s) t_c + s / C) w_c;
    (w = class weights or 1, s = label_smoothing). With logp = log_softmax(x) (``from_logits``,
    cross_entropy) or logp = x (nll_loss): loss = -sum_c q_c logp_c per sample; 'mean' divides the
    sum by D = sum of w_y over non-ignored samples (index targets) or by the number of samples
    (probability targets), exactly as PyTorch.
    Backward: dx = dL (softmax(x) sum_c q_c - q) from logits, dx = -dL q for nll_loss
    (dL = dy / D for 'mean'); probability targets get dt = -dL (1 - s) w logp.
    Index targets without smoothing (the common case) never build q: loss = -w_y logp_y and
    dx = dL w_y (softmax(x) - onehot(y)), the one-hot part written at the target indices."""
    save_inputs = False

    def forward(self, x, t, weight=None, ignore_index=-100, label_smoothing=0.0,
                reduction="mean", from_logits=True):
        xp = get_array_module(x)
        self.cdim = cdim = 0 if x.ndim == 1 else 1
        C = x.shape[cdim]
        cshape = [1] * x.ndim
        cshape[cdim] = C
        self.w = w = None if weight is None else weight.reshape(cshape)
        self.s = s = label_smoothing
        if from_logits:
            shifted = x - x.max(axis=cdim, keepdims=True)
            logp = shifted - np.log(np.exp(shifted).sum(axis=cdim, keepdims=True))
        else:
            logp = x
        self.logp = logp if from_logits else None      # nll_loss's backward needs only q / idx
        self.shape, self.from_logits, self.reduction = x.shape, from_logits, reduction
        self.index_target = t.dtype.kind in "iu"
        self.q = self.idx = None
        if self.index_target:
            mask = t != ignore_index
            safe = np.where(mask, t, 0)
            wt = mask.astype(x.dtype) if weight is None else weight[safe] * mask
            idx = np.expand_dims(safe, cdim)
            if s:
                q = (xp.arange(C).reshape(cshape) == idx) * np.expand_dims(wt * (1 - s), cdim)
                q = q + (s / C) * (1 if w is None else w) * np.expand_dims(mask, cdim)
            else:
                self.idx, self.wt = idx, np.expand_dims(wt, cdim)
                loss = -(wt * np.take_along_axis(logp, idx, axis=cdim).squeeze(axis=cdim))
            denom = wt.sum()
        else:
            q = t * (1 - s) + s / C if s else t
            if w is not None:
                q = q * w
            denom = x.size / C if x.size else float("nan")
        if self.idx is None:
            self.q = q = q.astype(x.dtype, copy=False)
            loss = -(q * logp).sum(axis=cdim)
        if reduction == "none":
            return loss.astype(x.dtype, copy=False)
        total = loss.sum()
        if reduction == "sum":
            return total.astype(x.dtype)
        self.denom = denom
        with np.errstate(divide="ignore", invalid="ignore"):
            return (total / denom).astype(x.dtype)

    def backward(self, g):
        q, logp, cdim, e = self.q, self.logp, self.cdim, self._edges
        if self.reduction == "none":
            g = np.expand_dims(g, cdim)
        elif self.reduction == "mean":
            # all targets ignored: the loss is 0/0 = nan, but no sample contributes, so the
            # gradient is 0 (as torch), not nan
            g = g / self.denom if bool(self.denom != 0) else g * 0
        dx = dt = None
        if e[0] is not None:
            if self.idx is not None:                 # index targets, no smoothing
                coef = g * self.wt
                dx = (np.exp(logp) * coef if self.from_logits
                      else get_array_module(coef).zeros(self.shape, coef.dtype))
                dx[index_along(self.idx, cdim)] -= coef
            elif self.from_logits:
                dx = g * (np.exp(logp) * q.sum(axis=cdim, keepdims=True) - q)
            else:
                dx = -g * q
        if len(e) > 1 and e[1] is not None and not self.index_target:
            dt = -(1 - self.s) * g * logp
            if self.w is not None:
                dt = dt * self.w
        return (dx, dt) + (None,) * (len(e) - 2)


def _class_loss(op, input, target, weight, ignore_index, reduction, label_smoothing, from_logits):
    _check_tensor(op, "input", input)
    if not isinstance(target, Tensor):
        raise TypeError(f"{op}: target must be a minigrad Tensor, got {type(target).__name__}")
    if input.ndim == 0:
        raise ValueError(f"{op}: input must have a class dimension, got a 0-d tensor")
    cdim = 0 if input.ndim == 1 else 1
    C = input.shape[cdim]
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{op}: label_smoothing must be in [0, 1], got {label_smoothing}")
    if weight is not None:
        _check_tensor(op, "weight", weight)
        if weight.shape != (C,):
            raise ValueError(f"{op}: weight must have shape ({C},) (one entry per class of input "
                             f"{input.shape}), got {weight.shape}")
        if weight.requires_grad:
            raise NotImplementedError(f"{op}: gradients with respect to the class weights are not "
                                      "implemented; pass weight.detach()")
        if weight.device != input.device:
            raise ValueError(f"{op}: weight is on {weight.device} but input is on {input.device}")
    if target.dtype.kind in "iu":
        expected = input.shape[:1] + input.shape[2:] if input.ndim > 1 else ()
        if target.shape != expected:
            raise ValueError(f"{op}: class-index target must have shape {expected} for input of "
                             f"shape {input.shape} (input (N, C, d1, ...) takes target "
                             f"(N, d1, ...)), got {target.shape}")
        t = target.data
        bad = ((t < 0) | (t >= C)) & (t != ignore_index)
        if bool(bad.any()):
            value = int(t[bad].ravel()[0])
            raise IndexError(f"{op}: target contains class index {value}, out of range for "
                             f"{C} classes (expected 0 <= target < {C}, or ignore_index="
                             f"{ignore_index})")
    elif target.dtype.kind == "f" and from_logits:
        if target.shape != input.shape:
            raise ValueError(f"{op}: class-probability target must have the input's shape "
                             f"{input.shape}, got {target.shape} (class indices must be int64)")
        if ignore_index >= 0:
            raise ValueError(f"{op}: ignore_index is not supported with class-probability "
                             f"targets (got ignore_index={ignore_index})")
    else:
        raise TypeError(f"{op}: target must hold {'class indices (int64) or class probabilities (float)' if from_logits else 'class indices (int64)'}, "
                        f"got dtype {target.dtype}")
    return CrossEntropy.apply(input, target, weight=None if weight is None else weight.data,
                              ignore_index=ignore_index, label_smoothing=float(label_smoothing),
                              reduction=reduction, from_logits=from_logits)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """Softmax cross-entropy from logits, as ``torch.nn.functional.cross_entropy``.

    ``input`` (N, C, d1, ...) or unbatched (C,); ``target`` either class indices (int64, shape
    (N, d1, ...), values in [0, C) or ``ignore_index``) or class probabilities (float, the
    input's shape). ``weight`` (C,) rescales each class; ``label_smoothing`` s mixes the target
    with the uniform distribution. 'mean' divides by the summed weights of the non-ignored
    targets (index targets) or by the number of samples (probability targets). One fused
    Function (see :class:`CrossEntropy`): dx = (softmax(x) - y)/N in the plain case."""
    reduction = _reduction("cross_entropy", reduction, size_average, reduce)
    return _class_loss("cross_entropy", input, target, weight, ignore_index, reduction,
                       label_smoothing, True)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """Negative log-likelihood of log-probabilities, as ``torch.nn.functional.nll_loss``:
    loss_i = -w_{y_i} input[i, y_i] (0 for ignored targets); 'mean' divides by sum of w_{y_i}
    over the non-ignored targets. dx = -dL w_y at the target class, 0 elsewhere."""
    reduction = _reduction("nll_loss", reduction, size_average, reduce)
    return _class_loss("nll_loss", input, target, weight, ignore_index, reduction, 0.0, False)


# ----------------------------------------------------------------------------- binary losses

class BinaryCrossEntropy(Function):
    """l = -w [t log p + (1 - t) log(1 - p)], each log clamped at -100 (as torch).
    dp = dl w (p - t) / max(p (1 - p), 1e-12); dt = dl w (log(1 - p) - log p) (clamped logs);
    dw = dl times the unweighted loss."""

    def forward(self, p, t, w=None):
        self.p, self.t, self.w = p, t, w
        with np.errstate(divide="ignore"):
            self.lp = np.maximum(np.log(p), -100)
            self.l1p = np.maximum(np.log1p(-p), -100)
        self.raw = raw = -(t * self.lp + (1 - t) * self.l1p)
        return raw if w is None else raw * w

    def backward(self, g):
        p, t, e = self.p, self.t, self._edges
        gw = g if self.w is None else g * self.w
        dp = gw * (p - t) / np.maximum(p * (1 - p), 1e-12) if e[0] is not None else None
        dt = gw * (self.l1p - self.lp) if e[1] is not None else None
        dw = g * self.raw if len(e) > 2 and e[2] is not None else None
        return (dp, dt, dw)[:len(e)]


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """Binary cross-entropy of probabilities p in [0, 1]: -w [t log p + (1 - t) log(1 - p)], logs
    clamped at -100 so p = 0 or 1 give finite values (as torch). For logits use
    :func:`binary_cross_entropy_with_logits` (stable). Gradient: see :class:`BinaryCrossEntropy`."""
    op = "binary_cross_entropy"
    reduction = _reduction(op, reduction, size_average, reduce)
    _check_tensor(op, "input", input)
    _check_tensor(op, "target", target)
    _same_shape(op, input, target)
    p = input.data
    if bool(((p < 0) | (p > 1)).any()):
        raise ValueError(f"{op}: all elements of input must be probabilities in [0, 1] (got values "
                         f"from {float(p.min()):g} to {float(p.max()):g}); use "
                         "binary_cross_entropy_with_logits for logits")
    if weight is not None:
        _check_tensor(op, "weight", weight)
        check_broadcast(op, input, weight)
        if np.broadcast_shapes(input.shape, weight.shape) != input.shape:
            raise ValueError(f"{op}: weight of shape {weight.shape} must broadcast to the input "
                             f"shape {input.shape}")
        return _reduce(BinaryCrossEntropy.apply(input, target, weight), reduction)
    return _reduce(BinaryCrossEntropy.apply(input, target), reduction)


class BCEWithLogits(Function):
    """l = w [(1 - t) x + (1 + (pw - 1) t) softplus(-x)], softplus(-x) = log(1 + e^-|x|) + max(-x, 0)
    (stable for any x; pw = pos_weight, 1 when absent). Without pos_weight this is
    max(x, 0) - x t + log(1 + e^-|x|).
    dx = dl w [(1 - t) - (1 + (pw - 1) t) sigmoid(-x)]  (= dl w (sigmoid(x) - t) when pw = 1);
    dt = dl w [(pw - 1) softplus(-x) - x]; dw = dl times the unweighted loss;
    dpw = dl w t softplus(-x)."""

    def forward(self, x, t, w=None, pw=None):
        self.x, self.t, self.w, self.pw = x, t, w, pw
        self.sp = sp = np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0)
        self.lw = lw = 1 if pw is None else 1 + (pw - 1) * t
        self.raw = raw = (1 - t) * x + lw * sp
        return raw if w is None else raw * w

    def backward(self, g):
        x, t, w, pw, e = self.x, self.t, self.w, self.pw, self._edges
        gw = g if w is None else g * w
        dx = dt = dw = dpw = None
        if e[0] is not None:
            dx = gw * ((1 - t) - self.lw * special(x).expit(-x))
        if e[1] is not None:
            dt = gw * (-x if pw is None else (pw - 1) * self.sp - x)
        if len(e) > 2 and e[2] is not None:
            dw = g * self.raw
        if len(e) > 3 and e[3] is not None:
            dpw = gw * t * self.sp
        return (dx, dt, dw, dpw)[:len(e)]


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """Sigmoid + binary cross-entropy in one stable step, as torch:
    l = w [(1 - t) x + (1 + (pos_weight - 1) t) log(1 + e^-x)] computed without overflow.
    ``weight`` broadcasts to the input; ``pos_weight`` (e.g. shape (C,)) weights the positive
    term per class, broadcasting along the last dimension. dx = dl w (sigmoid(x) - t) when
    pos_weight is absent; see :class:`BCEWithLogits`."""
    op = "binary_cross_entropy_with_logits"
    reduction = _reduction(op, reduction, size_average, reduce)
    _check_tensor(op, "input", input)
    _check_tensor(op, "target", target)
    _same_shape(op, input, target)
    extra = []
    for name, t in (("weight", weight), ("pos_weight", pos_weight)):
        if t is not None:
            _check_tensor(op, name, t)
            try:
                ok = np.broadcast_shapes(input.shape, t.shape) == input.shape
            except ValueError:
                ok = False
            if not ok:
                raise ValueError(f"{op}: {name} of shape {t.shape} must broadcast to the input "
                                 f"shape {input.shape}")
    if pos_weight is not None:
        extra = [weight, pos_weight]
    elif weight is not None:
        extra = [weight]
    return _reduce(BCEWithLogits.apply(input, target, *extra), reduction)


# ----------------------------------------------------------------------------- regression losses

class _DiffLoss(Function):
    """Pointwise loss of d = x - t: l = value(d); dx = dl value'(d), dt = -dx."""
    save_inputs = False

    def forward(self, x, t, param=None):
        self.param = param
        self.d = d = x - t
        return self.value(d)

    def backward(self, g):
        gd = g * self.deriv(self.d)
        e = self._edges
        return (gd if e[0] is not None else None, -gd if e[1] is not None else None)


class SquaredError(_DiffLoss):
    """l = d^2;  dl/dd = 2 d."""

    def value(self, d):
        return d * d

    def deriv(self, d):
        return 2 * d


class AbsoluteError(_DiffLoss):
    """l = |d|;  dl/dd = sign(d) (0 at d = 0, the subgradient torch uses)."""

    def value(self, d):
        return np.abs(d)

    def deriv(self, d):
        return np.sign(d)


class SmoothL1(_DiffLoss):
    """l = 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta;
    dl/dd = d / beta inside, sign(d) outside."""

    def value(self, d):
        a, beta = np.abs(d), self.param
        return np.where(a < beta, 0.5 * d * d / beta, a - 0.5 * beta)

    def deriv(self, d):
        beta = self.param
        return np.where(np.abs(d) < beta, d / beta, np.sign(d))


class Huber(_DiffLoss):
    """l = 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta);
    dl/dd = d inside, delta sign(d) outside.  (huber = beta * smooth_l1 with beta = delta.)"""

    def value(self, d):
        a, delta = np.abs(d), self.param
        return np.where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta))

    def deriv(self, d):
        delta = self.param
        return np.where(np.abs(d) < delta, d, delta * np.sign(d))


def _regression(op, cls, input, target, reduction, size_average, reduce, param=None,
                weight=None, mean_over_weight=True):
    """Pointwise loss of input - target, optionally times an elementwise ``weight`` (the input's
    shape, as torch); a weighted 'mean' is sum(w l) / sum(w) (``mean_over_weight``, torch's
    mse/l1) or mean(w l) (torch's huber)."""
    reduction = _reduction(op, reduction, size_average, reduce)
    _check_tensor(op, "input", input)
    _check_tensor(op, "target", target)
    _broadcast_warn(op, input, target)
    loss = cls.apply(input, target, param=param)
    if weight is None:
        return _reduce(loss, reduction)
    _check_tensor(op, "weight", weight)
    if weight.shape != input.shape:
        raise ValueError(f"{op}: weight of shape {weight.shape} must have the input's shape "
                         f"{input.shape}")
    loss = mul(loss, weight)
    if reduction == "mean" and mean_over_weight:
        return div(_reduce(loss, "sum"), _reduce(weight, "sum"))
    return _reduce(loss, reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error (x - t)^2 (reduced). dx = 2 (x - t) dy (/ n for 'mean'), dt = -dx.
    ``weight`` (input's shape) scales each element; the weighted mean is sum(w l) / sum(w)."""
    return _regression("mse_loss", SquaredError, input, target, reduction, size_average, reduce,
                       weight=weight)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error |x - t|. dx = sign(x - t) dy (0 at x = t), dt = -dx.
    ``weight`` (input's shape) scales each element; the weighted mean is sum(w l) / sum(w)."""
    return _regression("l1_loss", AbsoluteError, input, target, reduction, size_average, reduce,
                       weight=weight)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """Smooth L1: 0.5 d^2/beta for |d| < beta, |d| - 0.5 beta otherwise (d = x - t);
    beta = 0 is the L1 loss. dx = d/beta or sign(d)."""
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be >= 0, got {beta}")
    if beta == 0:
        return _regression("smooth_l1_loss", AbsoluteError, input, target, reduction,
                           size_average, reduce)
    return _regression("smooth_l1_loss", SmoothL1, input, target, reduction, size_average,
                       reduce, float(beta))


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """Huber: 0.5 d^2 for |d| < delta, delta (|d| - 0.5 delta) otherwise. dx = d or delta sign(d).
    ``weight`` (input's shape) scales each element; the weighted 'mean' is mean(w l), as torch
    (unlike mse_loss/l1_loss, which divide by sum(w))."""
    if delta <= 0:
        raise ValueError(f"huber_loss: delta must be > 0, got {delta}")
    return _regression("huber_loss", Huber, input, target, reduction, None, None, float(delta),
                       weight=weight, mean_over_weight=False)


class KLDiv(Function):
    """Pointwise KL term with ``input`` = log q:
    log_target False: l = t (log t - x) (0 where t = 0);  dx = -t, dt = log t + 1 - x;
    log_target True (t = log p): l = e^t (t - x);  dx = -e^t, dt = e^t (t - x + 1)."""

    def forward(self, x, t, log_target=False):
        self.x, self.t, self.log_target = x, t, log_target
        if log_target:
            self.et = et = np.exp(t)
            return et * (t - x)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.logt = logt = np.where(t > 0, np.log(np.where(t > 0, t, 1)), 0)
        return t * logt - t * x

    def backward(self, g):
        x, t, e = self.x, self.t, self._edges
        if self.log_target:
            et = self.et
            return (-g * et if e[0] is not None else None,
                    g * et * (t - x + 1) if e[1] is not None else None)
        return (-g * t if e[0] is not None else None,
                g * (self.logt + 1 - x) if e[1] is not None else None)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL divergence sum t (log t - input) with ``input`` = log-probabilities (as torch;
    ``log_target=True`` takes log-probability targets). ``reduction='batchmean'`` divides the sum
    by the batch size (the true KL per sample); 'mean' divides by the number of elements (as
    torch, which warns that this is rarely what you want). Gradient: see :class:`KLDiv`."""
    op = "kl_div"
    reduction = _reduction(op, reduction, size_average, reduce,
                           allowed=("none", "mean", "sum", "batchmean"))
    _check_tensor(op, "input", input)
    _check_tensor(op, "target", target)
    _broadcast_warn(op, input, target)
    loss = KLDiv.apply(input, target, log_target=bool(log_target))
    if reduction == "batchmean":
        total = Sum.apply(loss, axes=None, keepdim=False)
        return total / input.shape[0] if input.ndim else total
    return _reduce(loss, reduction)


# ----------------------------------------------------------------------------- similarity

class CosineSimilarity(Function):
    """y = sum(a b) / (max(|a|, eps) max(|b|, eps)) along ``dim`` (a, b broadcast together).
    As torch, the clamp is applied to the values only, so the gradient treats the clamped norms
    as |a| and |b|:  da = dy [b / (n_a n_b) - y a / (n_a |a|)] (a/|a| := 0 where |a| = 0), with
    n = max(|.|, eps); db symmetrically."""

    def forward(self, a, b, dim=1, eps=1e-8):
        a, b = np.broadcast_arrays(a, b)
        self.a, self.b, self.dim = a, b, dim
        self.ra, self.rb = ra, rb = np.sqrt((a * a).sum(axis=dim, keepdims=True)), \
            np.sqrt((b * b).sum(axis=dim, keepdims=True))
        self.na, self.nb = na, nb = np.maximum(ra, eps), np.maximum(rb, eps)
        self.y = y = ((a / na) * (b / nb)).sum(axis=dim, keepdims=True)
        return y.squeeze(axis=dim)

    def backward(self, g):
        a, b, y, na, nb, e = self.a, self.b, self.y, self.na, self.nb, self._edges
        g = np.expand_dims(g, self.dim)
        with np.errstate(divide="ignore", invalid="ignore"):
            unit_a = np.where(self.ra == 0, 0, a / self.ra)
            unit_b = np.where(self.rb == 0, 0, b / self.rb)
        da = g * (b / (na * nb) - y * unit_a / na) if e[0] is not None else None
        db = g * (a / (na * nb) - y * unit_b / nb) if e[1] is not None else None
        return da, db


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Cosine similarity along ``dim`` of x1 and x2 (broadcast together), norms clamped below by
    ``eps``: sum(x1 x2) / (max(|x1|, eps) max(|x2|, eps)). Gradient: see :class:`CosineSimilarity`."""
    op = "cosine_similarity"
    _check_tensor(op, "x1", x1)
    _check_tensor(op, "x2", x2)
    shape = check_broadcast(op, x1, x2)
    d = normalize_dim(dim, len(shape), op)
    return CosineSimilarity.apply(x1, x2, dim=d, eps=float(eps))


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """p-norm of x1 - x2 + eps over the last dimension, as torch (eps keeps the gradient
    finite when x1 == x2). Composed of sub, add and :func:`norm` (whose backward applies)."""
    op = "pairwise_distance"
    _check_tensor(op, "x1", x1)
    _check_tensor(op, "x2", x2)
    shape = check_broadcast(op, x1, x2)
    if not shape:
        raise ValueError(f"{op}: inputs must have at least 1 dimension, got shapes {x1.shape} "
                         f"and {x2.shape}")
    return norm(add(sub(x1, x2), eps), p=p, dim=-1, keepdim=keepdim)
