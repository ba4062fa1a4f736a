"""``BatchNorm1d``, ``BatchNorm2d`` and ``LayerNorm`` (as ``torch.nn``, plus the books' options).

Batch norm normalises with the batch statistics in training mode and with the running
statistics in evaluation mode (math in ``minigrad.functional.normalization``). Running-statistics
conventions (E-4), each an update running <- (1 - f)·running + f·batch with:

==========================  ===================================================================
``momentum=0.1`` (PyTorch)  f = momentum;  ``momentum=None``: cumulative average, f = 1/n
``tf_momentum=d`` (Keras)   f = 1 - d (Keras default d = 0.99; HOA DCGAN 0.9)
``ema_decay=d``             TF ``ExponentialMovingAverage(d, num_updates=i)``:
                            f = 1 - min(d, (1 + i)/(10 + i)), i = updates made so far
==========================  ===================================================================

The running variance is the unbiased batch variance (m/(m - 1) correction, as PyTorch and PDL)
unless ``unbiased_running_var=False``. ``eps_mode="std_plus_eps"`` divides by sqrt(var) + eps
(the DLVR slides) instead of sqrt(var + eps). ``center``/``scale`` switch the offset beta and the
scale gamma separately (``affine`` sets both; V-13 uses offset only: ``scale=False``;
PyTorch's ``bias=False`` is ``center=False``).
"""
import numbers

import numpy as np

from .. import functional as F
from ..creation import ones, zeros
from ..tensor import Tensor
from .module import Module
from .parameter import Parameter

__all__ = ["BatchNorm1d", "BatchNorm2d", "LayerNorm"]


class _BatchNorm(Module):
    _dims = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, device=None, dtype=None, *, bias=True, center=None,
                 scale=None,
                 tf_momentum=None, ema_decay=None, eps_mode="sqrt", unbiased_running_var=True):
        super().__init__()
        if tf_momentum is not None and ema_decay is not None:
            raise ValueError(f"{type(self).__name__}: give tf_momentum or ema_decay, not both")
        for name, d in (("tf_momentum", tf_momentum), ("ema_decay", ema_decay)):
            if d is not None and not 0.0 <= d <= 1.0:
                raise ValueError(f"{type(self).__name__}: {name} must be in [0, 1], got {d}")
        if eps_mode not in ("sqrt", "std_plus_eps"):
            raise ValueError(f"{type(self).__name__}: eps_mode must be 'sqrt' or 'std_plus_eps', "
                             f"got {eps_mode!r}")
        self.num_features, self.eps, self.momentum = int(num_features), eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.center = (affine and bias) if center is None else center
        self.scale = affine if scale is None else scale
        self.tf_momentum, self.ema_decay = tf_momentum, ema_decay
        self.eps_mode, self.unbiased_running_var = eps_mode, unbiased_running_var
        dtype = np.float32 if dtype is None else dtype
        c = self.num_features
        if self.scale:
            self.weight = Parameter(ones(c, dtype=dtype, device=device))
        else:
            self.register_parameter("weight", None)
        if self.center:
            self.bias = Parameter(zeros(c, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(c, dtype=dtype, device=device))
            self.register_buffer("running_var", ones(c, dtype=dtype, device=device))
            self.register_buffer("num_batches_tracked", zeros((), dtype=np.int64, device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self):
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self):
        self.reset_running_stats()
        if self.weight is not None:
            self.weight.data[...] = 1
        if self.bias is not None:
            self.bias.data[...] = 0

    def _factor(self):
        """The weight f of the new batch in the running-statistics update (see module doc)."""
        i = int(self.num_batches_tracked.data)            # updates made before this one
        if self.tf_momentum is not None:
            return 1.0 - self.tf_momentum
        if self.ema_decay is not None:
            return 1.0 - min(self.ema_decay, (1.0 + i) / (10.0 + i))
        if self.momentum is None:
            return 1.0 / (i + 1)
        return self.momentum

    def forward(self, input):
        if not isinstance(input, Tensor) or input.ndim not in self._dims:
            raise ValueError(f"{type(self).__name__}: expected a {' or '.join(map(str, self._dims))}"
                             f"-D input, got shape {getattr(input, 'shape', None)}")
        if input.shape[1] != self.num_features:
            raise ValueError(f"{type(self).__name__}({self.num_features}): input has "
                             f"{input.shape[1]} channels (shape {input.shape})")
        factor = 0.0
        if self.training and self.track_running_stats:
            factor = self._factor()
            self.num_batches_tracked.data += 1
            self.num_batches_tracked._vc[0] += 1
        use_batch = self.training or self.running_mean is None
        track = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if track else None,
                            self.running_var if track else None, self.weight, self.bias,
                            use_batch, factor, self.eps, eps_mode=self.eps_mode,
                            unbiased_running_var=self.unbiased_running_var)

    def extra_repr(self):
        s = (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
             f"affine={self.affine}, bias={self.bias is not None}, "
             f"track_running_stats={self.track_running_stats}")
        if self.scale != self.affine:
            s += f", scale={self.scale}"
        if self.tf_momentum is not None:
            s += f", tf_momentum={self.tf_momentum}"
        if self.ema_decay is not None:
            s += f", ema_decay={self.ema_decay}"
        if self.eps_mode != "sqrt":
            s += f", eps_mode={self.eps_mode!r}"
        return s


class BatchNorm1d(_BatchNorm):
    """Batch norm of ``(N, C)`` or ``(N, C, L)`` inputs, statistics per feature C."""
    _dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch norm of ``(N, C, H, W)`` inputs, statistics per channel over N, H, W."""
    _dims = (4,)


class LayerNorm(Module):
    """Normalise over the trailing ``normalized_shape`` dims; weight 1 and bias 0 initially."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True,
                 device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(int(n) for n in normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        dtype = np.float32 if dtype is None else dtype
        if elementwise_affine:
            self.weight = Parameter(ones(*self.normalized_shape, dtype=dtype, device=device))
            if bias:
                self.bias = Parameter(zeros(*self.normalized_shape, dtype=dtype, device=device))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")
