"""``Linear``: y = x W^T + b with PyTorch's layout ``W [out_features, in_features]``.

Default initialisation as PyTorch: W ~ U(+-1/sqrt(in)) (kaiming_uniform_ with a = sqrt(5)),
b ~ U(+-1/sqrt(in)). (The books' TF/Keras ``[in, out]`` kernels are transposed on import.)"""
import math

import numpy as np

from .. import functional as F
from ..creation import empty
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["Linear"]


def make_weight_and_bias(module, wshape, bias_size, dtype, device):
    """Register ``weight`` (shape ``wshape``) and ``bias`` (``bias_size`` entries; None: no
    bias) on ``module`` and initialise them with its ``reset_parameters``."""
    dtype = np.float32 if dtype is None else dtype
    module.weight = Parameter(empty(*wshape, dtype=dtype, device=device))
    if bias_size is not None:
        module.bias = Parameter(empty(bias_size, dtype=dtype, device=device))
    else:
        module.register_parameter("bias", None)
    module.reset_parameters()


def reset_like_torch(weight, bias):
    """PyTorch's default: W ~ kaiming_uniform(a = sqrt(5)) = U(+-1/sqrt(fan_in)),
    b ~ U(+-1/sqrt(fan_in))."""
    init.kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = init._calculate_fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        init.uniform_(bias, -bound, bound)


class Linear(Module):
    """``Linear(in_features, out_features, bias=True, device=None, dtype=None)``; input
    ``(*, in_features)`` -> output ``(*, out_features)``."""

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features, self.out_features = int(in_features), int(out_features)
        make_weight_and_bias(self, (out_features, in_features), out_features if bias else None,
                             dtype, device)

    def reset_parameters(self):
        reset_like_torch(self.weight, self.bias)

    def forward(self, input):
        if input.shape[-1:] != (self.in_features,):
            raise ValueError(f"Linear: expected input of shape (*, {self.in_features}), got "
                             f"{input.shape}")
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")
