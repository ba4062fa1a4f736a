"""Embedding lookup: y = W[ids];  dW = scatter-add of dy's rows at ids (repeated ids accumulate,
the ``padding_idx`` row gets no gradient); ids get none. The scatter-add is the kernel of
``kernels/cpu/embedding.py`` (Numba loop; ``np.add.at``/``cupyx.scatter_add`` reference)."""
import numpy as np

import kernels
from kernels.cpu import embedding as _K

from ..autograd import Function
from ..backend import get_array_module
from ..tensor import Tensor

__all__ = ["embedding"]


class Embedding(Function):
    """y[..., :] = W[ids[...], :];  dW = zeros, dW[ids] += dy (scatter-add), dW[padding_idx] = 0;
    with ``scale_grad_by_freq`` each row's gradient is divided by its id's count in the batch."""
    save_inputs = False

    def forward(self, ids, weight, padding_idx=None, scale_grad_by_freq=False):
        self.ids, self.wshape = ids.copy(), weight.shape    # a copy: inputs are not version-checked
        self.padding_idx, self.freq = padding_idx, scale_grad_by_freq
        return weight[ids]

    def backward(self, g):
        xp = get_array_module(g)
        ids = self.ids.reshape(-1)
        rows = g.reshape(-1, self.wshape[1])
        if self.freq:
            counts = xp.bincount(ids, minlength=self.wshape[0])
            rows = rows / counts[ids][:, None].astype(rows.dtype)
        fn = kernels.dispatch(rows, _K.embedding_backward_ref, _K.embedding_backward_numba)
        dw = fn(ids, rows, self.wshape[0])
        if self.padding_idx is not None:
            dw[self.padding_idx] = 0
        return None, dw


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Rows of the table ``weight [V, D]`` picked by the integer ids ``input`` (any shape):
    output ``input.shape + (D,)`` (as ``torch.nn.functional.embedding``).

    ``padding_idx``: that row receives no gradient. ``max_norm``: rows looked up are first
    renormalised in place to norm at most ``max_norm`` (``norm_type``-norm), as PyTorch.
    Ids outside [0, V) raise an IndexError naming the offending id."""
    op = "embedding"
    if not isinstance(weight, Tensor) or weight.ndim != 2:
        raise ValueError(f"{op}: weight must be a 2-D Tensor [num_embeddings, embedding_dim], got "
                         f"{getattr(weight, 'shape', type(weight).__name__)}")
    if sparse:
        raise NotImplementedError(f"{op}: sparse gradients are not supported")
    ids = input.data if isinstance(input, Tensor) else np.asarray(input)
    if ids.dtype.kind not in "iu":
        raise TypeError(f"{op}: indices must be integers, got dtype {ids.dtype}")
    v = weight.shape[0]
    if ids.size:
        lo, hi = int(ids.min()), int(ids.max())
        if lo < 0 or hi >= v:
            bad = hi if hi >= v else lo
            raise IndexError(f"{op}: index {bad} is out of range for an embedding table of "
                             f"{v} rows (valid ids are 0..{v - 1})")
    if padding_idx is not None:
        if not -v <= padding_idx < v:
            raise ValueError(f"{op}: padding_idx {padding_idx} must be within [-{v}, {v})")
        padding_idx %= v
    if max_norm is not None:
        _renorm_rows_(weight, ids, max_norm, norm_type)
    if not isinstance(input, Tensor):
        input = Tensor(ids)
    return Embedding.apply(input, weight, padding_idx=padding_idx,
                           scale_grad_by_freq=scale_grad_by_freq)


def _renorm_rows_(weight, ids, max_norm, norm_type):
    """Scale the looked-up rows whose norm exceeds ``max_norm`` down to ``max_norm`` (in place,
    no gradient, version counter bumped; as PyTorch's ``embedding_renorm_``)."""
    xp = get_array_module(weight.data)
    rows = xp.unique(ids.reshape(-1))
    w = weight.data[rows]
    norms = (xp.abs(w) ** norm_type).sum(axis=1) ** (1.0 / norm_type)
    scale = xp.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(w.dtype)
    weight.data[rows] = w * scale[:, None]
    weight._vc[0] += 1
