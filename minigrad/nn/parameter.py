"""``Parameter``: a tensor that a :class:`~minigrad.nn.Module` registers as trainable.

A Parameter is an ordinary leaf :class:`~minigrad.Tensor` (same slots, same ops) whose only
difference is that assigning it as a module attribute registers it in ``module.parameters()``.
It requires grad by default. ``Parameter(t)`` shares ``t``'s array (no copy), as in PyTorch.
"""
import numpy as np

from ..tensor import Tensor, _as_array


class Parameter(Tensor):
    """``Parameter(data=None, requires_grad=True)``: a trainable leaf tensor (shares ``data``)."""
    __slots__ = ()

    def __init__(self, data=None, requires_grad=True):
        if data is None:
            data = np.zeros((0,), np.float32)
        arr = data.data if isinstance(data, Tensor) else _as_array(data, None, None)
        Tensor.__init__(self, arr, requires_grad=requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + Tensor.__repr__(self)


class Buffer(Tensor):
    """Marker type: ``module.x = nn.Buffer(t)`` registers ``t`` as a buffer, as in PyTorch."""
    __slots__ = ("persistent",)

    def __init__(self, data, persistent=True):
        arr = data.data if isinstance(data, Tensor) else _as_array(data, None, None)
        Tensor.__init__(self, arr)
        self.persistent = persistent
