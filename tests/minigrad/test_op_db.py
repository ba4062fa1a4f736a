"""The registry-driven op tests: every registered op, every sample.

For each (op, sample): gradcheck in float64; float32 forward agrees with float64; the same
values laid out non-contiguously give the same outputs and gradients; PyTorch agrees on values
and gradients (when installed); CuPy agrees with NumPy (when a GPU is present). A coverage test
fails if a public differentiable op has no registry entry.
"""
import numpy as np
import pytest

import minigrad
from minigrad import functional as F
from minigrad.backend import to_numpy
from minigrad.testing.op_db import NON_DIFFERENTIABLE, op_db, registered_names
from minigrad.tensor import Tensor, _wrap

CASES = [(info, i) for info in op_db for i in range(len(info.samples()))]
IDS = [f"{info.name}-{i}-{info.samples()[i].name}" for info, i in CASES]


def _outputs(out):
    outs = out if isinstance(out, (tuple, list)) else (out,)
    return [o for o in outs if isinstance(o, Tensor)]


def _map_tensors(sample, fn):
    args = tuple(fn(a) if isinstance(a, Tensor) else a for a in sample.args)
    kwargs = {k: fn(v) if isinstance(v, Tensor) else v for k, v in sample.kwargs.items()}
    return args, kwargs


def _run_with_grads(info, args, kwargs, seed=1):
    """Forward, then backward with fixed random output weights; returns (outputs, grads)."""
    outs = _outputs(info.op(*args, **kwargs))
    rng = np.random.default_rng(seed)
    live = [o for o in outs if o.requires_grad]
    ws = [rng.standard_normal(o.shape).astype(o.dtype) for o in live]
    if live:
        minigrad.autograd.run_backward(live, [minigrad.backend.to_device(w, o.device)
                                              for o, w in zip(live, ws)])
    grads = [None if not (isinstance(a, Tensor) and a.requires_grad) or a.grad is None
             else to_numpy(a.grad.data) for a in args]
    return [to_numpy(o.data) for o in outs], grads


@pytest.mark.parametrize("info,i", CASES, ids=IDS)
def test_gradcheck_float64(info, i):
    sample = info.samples(np.float64)[i]
    assert minigrad.gradcheck(lambda *a: info.op(*a, **sample.kwargs), sample.args,
                              atol=info.atol, rtol=info.rtol, fast=info.fast)


@pytest.mark.parametrize("info,i", CASES, ids=IDS)
def test_float32_matches_float64(info, i):
    s64, s32 = info.samples(np.float64)[i], info.samples(np.float32)[i]
    with minigrad.no_grad():
        o64 = _outputs(info.op(*s64.args, **s64.kwargs))
        o32 = _outputs(info.op(*s32.args, **s32.kwargs))
    for a, b in zip(o32, o64):
        if info.keeps_dtype and b.dtype.kind == "f":
            assert a.dtype == np.float32, f"{info.name}: float32 in, {a.dtype} out"
        np.testing.assert_allclose(to_numpy(a.data).astype(np.float64), to_numpy(b.data),
                                   atol=info.f32_atol, rtol=info.f32_rtol)


def _noncontiguous(t):
    """The same values in a strided (non-contiguous) array."""
    if t.ndim == 0:
        return t
    big = np.zeros(t.shape + (2,), dtype=t.dtype)
    big[..., 0] = to_numpy(t.data)
    out = _wrap(big[..., 0], False, None, 0)
    assert not out.data.flags.c_contiguous or t.data.size <= 1
    return out.requires_grad_(t.requires_grad) if t.dtype.kind == "f" else out


@pytest.mark.parametrize("info,i", CASES, ids=IDS)
def test_noncontiguous_inputs(info, i):
    if not info.noncontiguous:
        pytest.skip(f"{info.name}: samples are not arrays that can be made non-contiguous")
    ref = info.samples(np.float64)[i]
    args, kwargs = _map_tensors(ref, lambda t: t)
    out_a, grad_a = _run_with_grads(info, args, kwargs)
    nargs, nkwargs = _map_tensors(info.samples(np.float64)[i], _noncontiguous)
    out_b, grad_b = _run_with_grads(info, nargs, nkwargs)
    for a, b in zip(out_a, out_b):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    for a, b in zip(grad_a, grad_b):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("info,i", CASES, ids=IDS)
def test_matches_torch(info, i):
    torch = pytest.importorskip("torch")
    if info.skip_torch:
        pytest.skip(info.skip_torch)
    sample = info.samples(np.float64)[i]
    out_m, grad_m = _run_with_grads(info, sample.args, sample.kwargs)

    def to_torch(t):
        x = torch.from_numpy(np.array(to_numpy(t.data)))
        return x.requires_grad_(t.requires_grad)
    targs, tkwargs = _map_tensors(sample, to_torch)
    if info.torch_ref is not None:
        out = info.torch_ref(torch, *targs, **tkwargs)
    else:
        fn = getattr(torch.nn.functional, info.name, None) or getattr(torch, info.name)
        out = fn(*targs, **tkwargs)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    outs = [o for o in outs if isinstance(o, torch.Tensor)]
    rng = np.random.default_rng(1)
    live = [o for o in outs if o.requires_grad]
    ws = [torch.from_numpy(rng.standard_normal(tuple(o.shape)).astype(np.float64)).to(o.dtype) for o in live]
    if live:
        torch.autograd.backward(live, ws)
    assert len(outs) == len(out_m), f"{info.name}: {len(out_m)} outputs, torch gives {len(outs)}"
    for a, b in zip(out_m, outs):
        np.testing.assert_allclose(a, b.detach().numpy(), atol=info.torch_atol, rtol=info.torch_rtol)
    for g, t in zip(grad_m, targs):
        if isinstance(t, torch.Tensor) and t.requires_grad:
            tg = np.zeros(tuple(t.shape)) if t.grad is None else t.grad.numpy()
            np.testing.assert_allclose(g if g is not None else np.zeros_like(tg), tg,
                                       atol=info.torch_atol, rtol=info.torch_rtol)


@pytest.mark.gpu
@pytest.mark.parametrize("info,i", CASES, ids=IDS)
def test_cuda_matches_cpu(info, i):
    cpu = info.samples(np.float64, "cpu")[i]
    gpu = info.samples(np.float64, "cuda")[i]
    out_c, grad_c = _run_with_grads(info, cpu.args, cpu.kwargs)
    out_g, grad_g = _run_with_grads(info, gpu.args, gpu.kwargs)
    for a, b in zip(out_c + grad_c, out_g + grad_g):
        if a is not None:
            np.testing.assert_allclose(a, b, atol=1e-9, rtol=1e-9)


def test_every_public_op_is_registered():
    missing = set(F.__all__) - registered_names() - NON_DIFFERENTIABLE
    assert not missing, f"ops without OpInfo samples in minigrad/testing/samples/: {sorted(missing)}"


def test_registry_names_are_public():
    unknown = registered_names() - set(F.__all__)
    assert not unknown, f"registry entries that are not in minigrad.functional.__all__: {sorted(unknown)}"


KINKED = [(info, k) for info in op_db for k in info.kinks]


@pytest.mark.parametrize("info,kink", KINKED, ids=[f"{i.name}@{k}" for i, k in KINKED])
def test_declared_kinks_are_found_by_the_kink_detector(info, kink):
    """Each declared non-differentiable point is real: gradcheck's 5-point detector flags it
    (and the samples keep away from it, which the gradcheck tests above rely on)."""
    x = minigrad.tensor(np.array([float(kink)]), requires_grad=True)
    with pytest.raises(minigrad.NondifferentiableError):
        minigrad.gradcheck(info.op, (x,), detect_kinks=True)
    for sample in info.samples(np.float64):
        for a in sample.args:
            if isinstance(a, Tensor) and a.dtype.kind == "f" and a.numel():
                assert np.abs(to_numpy(a.data) - kink).min() >= 0.05 - 1e-12
