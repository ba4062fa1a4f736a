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


class Linear(Module):
    """``Linear(in_features, out_features, bias=True, device=None, dtype=None)``; input
    ``(*, in_features)`` -> output ``(*, out_features)``."""

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features, self.out_features = int(in_features), int(out_features)
        dtype = np.float32 if dtype is None else dtype
        self.weight = Parameter(empty(out_features, in_features, dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(empty(out_features, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        if input.shape[-1:] != (self.in_features,):
            raise ValueError(f"Linear: expected input of shape (*, {self.in_features}), got "
                             f"{input.shape}")
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")
