"""Drawing tokens from a model's output distribution (spec S-10): greedy decoding, temperature
sampling and top-k.

``sample(logits, temperature, generator, top_k)`` draws one index per row of ``logits``
(..., V) from p_i ∝ exp(logit_i / τ) -- the same as p_i ∝ exp(log p_i / τ) for the model's
probabilities p, since dividing the log-normaliser by τ only changes a constant. τ = 1 samples the
model, τ < 1 sharpens, τ -> 0 (``temperature=0``) is greedy argmax (the book's generator).
``top_k`` first removes every logit below the k-th largest. Indices come back as an int64
tensor of shape ``logits.shape[:-1]`` (a 0-d tensor for one row: ``int(sample(...))`` works).
Sampling is inverse-CDF with one uniform draw per row from ``generator`` (default: the device's
default generator), so a seeded generator reproduces a generation exactly.
"""
import numpy as np

from .backend import get_array_module
from .random import default_generator
from .tensor import Tensor, _wrap

__all__ = ["sample", "greedy", "top_k_filter", "temperature_probs"]


def _array(logits, op):
    a = logits.data if isinstance(logits, Tensor) else np.asarray(logits)
    if a.ndim == 0 or a.shape[-1] == 0:
        raise ValueError(f"{op}: logits must have a non-empty last (vocabulary) axis, got shape {a.shape}")
    if a.dtype.kind != "f":
        a = a.astype(np.float64)
    return a


def top_k_filter(logits, k):
    """Logits with everything below the k-th largest of each row set to -inf (ties at the
    threshold are kept). Returns an array of the input's backend."""
    a = _array(logits, "top_k_filter")
    V = a.shape[-1]
    if not 1 <= int(k) <= V:
        raise ValueError(f"top_k_filter: k must be in [1, {V}] (the vocabulary size), got {k}")
    xp = get_array_module(a)
    kth = xp.sort(a, axis=-1)[..., V - int(k)][..., None]
    return xp.where(a >= kth, a, -xp.inf)


def temperature_probs(logits, temperature=1.0, top_k=None):
    """The distribution :func:`sample` draws from: softmax(logits / τ) (after top-k)."""
    a = _array(logits, "temperature_probs").astype(np.float64)
    if temperature <= 0:
        raise ValueError(f"temperature_probs: temperature must be > 0, got {temperature} "
                         "(use greedy() for temperature 0)")
    if top_k is not None:
        a = top_k_filter(a, top_k)
    z = a / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def greedy(logits):
    """Argmax of the last axis (first maximum on ties), as an int64 tensor."""
    a = _array(logits, "greedy")
    return _wrap(a.argmax(axis=-1).astype(np.int64), False, None, 0)


def sample(logits, temperature=1.0, generator=None, top_k=None):
    """One index per row of ``logits`` from softmax(logits / temperature) (``temperature=0``:
    greedy); ``top_k`` keeps only the k largest logits. See the module docstring."""
    if temperature is None or temperature < 0:
        raise ValueError(f"sample: temperature must be >= 0, got {temperature}")
    if temperature == 0:
        return greedy(logits if top_k is None else top_k_filter(logits, top_k))
    p = temperature_probs(logits, temperature, top_k)
    xp = get_array_module(p)
    device = "cpu" if xp is np else "cuda"
    gen = generator if generator is not None else default_generator(device)
    u = xp.asarray(gen.uniform(0.0, 1.0, p.shape[:-1], np.float64))
    cdf = xp.cumsum(p, axis=-1)
    idx = (cdf < u[..., None] * cdf[..., -1:]).sum(axis=-1)
    idx = xp.minimum(idx, p.shape[-1] - 1)     # the first index whose CDF reaches u: never a p = 0 entry
    return _wrap(idx.astype(np.int64), False, None, 0)
