"""``minigrad.summary(model, input_shape)``: a per-layer table of output shapes, parameter counts
and multiply-adds, printed and returned as data (E-13).

The model runs once on zeros (evaluation mode, no graph; modes restored afterwards) with forward
hooks on every *layer*: a module without children, or one that owns parameters directly. For
each call of a layer the table records its output shape (per sample, without the batch dim;
the first tensor of a tuple output such as an LSTM's ``(output, (h, c))``),
its trainable parameters (``requires_grad``), its non-trainable ones (frozen parameters plus
floating-point buffers such as batch-norm running statistics, counted like Keras) and its
multiply-adds per sample (E-13):

* Conv (1-D/2-D): prod(output spatial)·prod(kernel)·(C_in/groups)·C_out
  (depthwise: H_out·W_out·kh·kw·C);
* ConvTranspose2d: prod(input spatial)·kh·kw·C_in·(C_out/groups) (every input cell multiplies
  the kernel);
* Linear: in·out per output row (times the sizes of any middle dims);
* batch norm, activations, pooling, dropout: 0 (excluded, as E-13 says).

Other layer types can be given a counter with :func:`register_madds`. A layer called twice
(shared) appears twice in the rows; the totals count each parameter once.
"""
from dataclasses import asdict, dataclass, field

import numpy as np

from ..autograd import no_grad
from ..creation import zeros
from ..tensor import Tensor
from .conv import Conv1d, Conv2d, ConvTranspose2d
from .linear import Linear
from .module import Module

__all__ = ["summary", "register_madds", "Summary", "LayerRow"]

_MADDS = {}


def register_madds(layer_type, fn):
    """Count multiply-adds of ``layer_type`` layers as ``fn(module, inputs, output) -> int``
    (per sample; shapes include the batch dim)."""
    _MADDS[layer_type] = fn


def _prod(xs):
    return int(np.prod(xs)) if len(xs) else 1


def _conv_madds(m, inputs, out):
    return _prod(out.shape[2:]) * _prod(m.weight.shape[2:]) * m.weight.shape[1] * m.out_channels


def _conv_t_madds(m, inputs, out):
    return _prod(inputs[0].shape[2:]) * _prod(m.weight.shape[2:]) * m.in_channels * m.weight.shape[1]


def _linear_madds(m, inputs, out):
    return m.in_features * m.out_features * _prod(out.shape[1:-1])


register_madds(Conv1d, _conv_madds)
register_madds(Conv2d, _conv_madds)
register_madds(ConvTranspose2d, _conv_t_madds)
register_madds(Linear, _linear_madds)


@dataclass
class LayerRow:
    """One call of one layer."""
    name: str
    type: str
    output_shape: tuple            # per sample (no batch dim); the first tensor of a tuple output
    trainable: int
    non_trainable: int
    madds: int


@dataclass
class Summary:
    """The table as data: ``rows`` plus totals (parameters counted once each)."""
    rows: list = field(default_factory=list)
    trainable_params: int = 0
    non_trainable_params: int = 0
    total_madds: int = 0

    @property
    def total_params(self):
        return self.trainable_params + self.non_trainable_params

    def to_dict(self):
        return {"rows": [asdict(r) for r in self.rows], "trainable_params": self.trainable_params,
                "non_trainable_params": self.non_trainable_params,
                "total_params": self.total_params, "total_madds": self.total_madds}

    def __str__(self):
        head = ("Layer (type)", "Output shape", "Trainable", "Non-trainable", "MAdds")
        body = [(f"{r.name} ({r.type})", _fmt_shape(r.output_shape), f"{r.trainable:,}",
                 f"{r.non_trainable:,}", f"{r.madds:,}") for r in self.rows]
        widths = [max(len(x[i]) for x in [head] + body) for i in range(5)]
        fmt = "  ".join(f"{{:<{w}}}" if i < 2 else f"{{:>{w}}}" for i, w in enumerate(widths))
        rule = "=" * (sum(widths) + 2 * 4)
        out = [rule, fmt.format(*head), rule] + [fmt.format(*b) for b in body] + [rule]
        out += [f"Total params: {self.total_params:,}",
                f"Trainable params: {self.trainable_params:,}",
                f"Non-trainable params: {self.non_trainable_params:,}",
                f"Total MAdds: {self.total_madds:,}", rule]
        return "\n".join(out)


def _fmt_shape(s):
    return "-" if s is None else str([-1] + list(s))


def _counts(m, recurse):
    trainable = sum(p.numel() for p in m.parameters(recurse) if p.requires_grad)
    frozen = sum(p.numel() for p in m.parameters(recurse) if not p.requires_grad)
    bufs = sum(b.numel() for _, b in m.named_buffers(recurse=recurse) if b.dtype.kind == "f")
    return trainable, frozen + bufs


def _first_tensor(out):
    if isinstance(out, Tensor):
        return out
    if isinstance(out, (tuple, list)):
        for o in out:
            t = _first_tensor(o)
            if t is not None:
                return t
    return None


def summary(model, input_shape=None, *, batch_size=1, dtypes=None, inputs=None, device=None,
            print_fn=print):
    """Print and return a :class:`Summary` of ``model`` run on zeros of ``input_shape`` (per
    sample, without the batch dim; a list of shapes for several inputs; ``dtypes`` per input,
    e.g. ``[minigrad.int64]`` for token ids) or on the given ``inputs``. ``print_fn=None``
    prints nothing."""
    if not isinstance(model, Module):
        raise TypeError(f"summary: expected an nn.Module, got {type(model).__name__}")
    if inputs is None:
        if input_shape is None:
            raise ValueError("summary: give input_shape (per sample) or inputs")
        shapes = [input_shape] if not input_shape or not isinstance(input_shape[0], (tuple, list)) \
            else list(input_shape)
        dtypes = [None] * len(shapes) if dtypes is None else list(dtypes)
        if device is None:
            p = next(model.parameters(), None)
            device = p.device if p is not None else None
        inputs = [zeros(batch_size, *tuple(s), dtype=d, device=device)
                  for s, d in zip(shapes, dtypes)]
    elif isinstance(inputs, Tensor):
        inputs = [inputs]

    result = Summary()
    handles = []

    def hook_for(name, m):
        leaf = not any(True for _ in m.children())

        def hook(mod, args, out):
            trainable, non_trainable = _counts(mod, recurse=leaf)
            fn = _MADDS.get(type(mod))
            t = _first_tensor(out)
            madds = int(fn(mod, args, t)) if fn is not None and t is not None else 0
            result.rows.append(LayerRow(name or type(mod).__name__, type(mod).__name__,
                                        None if t is None else tuple(t.shape[1:]), trainable,
                                        non_trainable, madds))
        return hook

    for name, m in model.named_modules():
        own_params = any(True for _ in m.parameters(recurse=False))
        if not any(True for _ in m.children()) or own_params:
            handles.append(m.register_forward_hook(hook_for(name, m)))
    modes = [(m, m.training) for m in model.modules()]
    try:
        model.eval()
        with no_grad():
            model(*inputs)
    finally:
        for h in handles:
            h.remove()
        for m, mode in modes:
            m.__dict__["training"] = mode
    result.trainable_params, result.non_trainable_params = _counts(model, recurse=True)
    result.total_madds = sum(r.madds for r in result.rows)
    if print_fn is not None:
        print_fn(str(result))
    return result
