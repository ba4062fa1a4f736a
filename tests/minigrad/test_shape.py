"""Shape ops beyond the registry: view semantics (shared memory and version counter), backward
without copies, pad modes against torch (incl. -inf and cropping), split/chunk rules, errors."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import functional as F
from minigrad.functional import shape as S

torch = pytest.importorskip("torch")


def _x(*shape, requires_grad=False, dtype=np.float64):
    a = np.arange(int(np.prod(shape)), dtype=dtype).reshape(shape) / 7.0
    return mg.tensor(a, requires_grad=requires_grad)


# ----------------------------------------------------------------------------- views

VIEW_OPS = [
    ("view", lambda x: x.view(4, 6)), ("reshape", lambda x: x.reshape(-1)),
    ("flatten", lambda x: x.flatten(1)), ("unflatten", lambda x: x.unflatten(2, (2, 2))),
    ("transpose", lambda x: x.transpose(0, 2)), ("permute", lambda x: x.permute(1, 2, 0)),
    ("movedim", lambda x: x.movedim(0, -1)), ("unsqueeze", lambda x: x.unsqueeze(1)),
    ("squeeze", lambda x: x.unsqueeze(0).squeeze()), ("expand", lambda x: x[:, :1].expand(2, 3, 4)),
    ("split", lambda x: F.split(x, 1, dim=1)[1]), ("chunk", lambda x: x.chunk(2, dim=2)[1]),
    ("unbind", lambda x: x.unbind(1)[2]), ("T", lambda x: x.T), ("narrow", lambda x: x.narrow(2, 1, 2)),
    ("getitem", lambda x: x[1, ::-2]),
]
COPY_OPS = [
    ("cat", lambda x: F.cat([x, x], 0)), ("stack", lambda x: F.stack([x])),
    ("pad", lambda x: F.pad(x, (1, 1))), ("pad-crop", lambda x: F.pad(x, (-1, 0))),
    ("flip", lambda x: x.flip(0)), ("roll", lambda x: x.roll(1, 0)),
    ("repeat", lambda x: x.repeat(1, 1, 1)), ("tile", lambda x: x.tile((1,))),
    ("repeat_interleave", lambda x: x.repeat_interleave(1, dim=0)),
    ("reshape-of-transposed", lambda x: x.transpose(0, 1).reshape(-1)),
]


@pytest.mark.parametrize("name,op", VIEW_OPS, ids=[n for n, _ in VIEW_OPS])
def test_view_ops_share_memory_and_version(name, op):
    x = _x(2, 3, 4)
    y = op(x)
    assert np.shares_memory(y.data, x.data)
    assert y._vc is x._vc
    if name == "expand":                       # expanded views are read-only, as NumPy's
        return
    with mg.no_grad():
        y[...] = -5.0
    assert (x.data == -5.0).sum() == y.numel()
    assert x._vc[0] == 1


@pytest.mark.parametrize("name,op", COPY_OPS, ids=[n for n, _ in COPY_OPS])
def test_copy_ops_do_not_alias(name, op):
    x = _x(2, 3, 4)
    before = x.data.copy()
    y = op(x)
    assert not np.shares_memory(y.data, x.data)
    with mg.no_grad():
        y[...] = 0.0
    np.testing.assert_array_equal(x.data, before)
    assert x._vc[0] == 0


def test_flip_is_a_copy_like_torch_even_though_numpy_could_view():
    x = _x(3)
    y = x.flip(0)
    with mg.no_grad():
        y[0] = 100.0
    assert x.data[-1] != 100.0


def test_write_through_view_invalidates_saved_base():
    x = _x(2, 3)
    w = mg.tensor(np.ones(6), requires_grad=True)
    out = x.view(6) * w                        # Mul saves x's view for dw
    with mg.no_grad():
        x += 1.0                               # bumps the shared version counter
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        out.sum().backward()


def test_view_refuses_incompatible_strides_and_reshape_copies():
    x = _x(2, 3)
    t = x.transpose(0, 1)
    with pytest.raises(RuntimeError, match=r"view: .* cannot be viewed as \(6,\).*use \.reshape"):
        t.view(6)
    r = t.reshape(6)
    np.testing.assert_array_equal(r.data, x.data.T.reshape(6))
    assert r._vc is not x._vc


def test_view_and_reshape_accept_varargs_tuple_and_infer():
    x = _x(2, 3, 4)
    assert x.view(4, 6).shape == x.view((4, 6)).shape == (4, 6)
    assert F.reshape(x, (-1, 4)).shape == (6, 4)
    assert mg.reshape(x, [2, -1]).shape == (2, 12)
    assert x.view_as(mg.zeros(24)).shape == (24,)


@pytest.mark.parametrize("shape,match", [
    ((5, 5), r"reshape: cannot reshape a tensor of shape \(2, 3, 4\) \(24 elements\) into shape \(5, 5\) \(25 elements\)"),
    ((-1, -1), "only one dimension can be -1"),
    ((5, -1), r"the -1 dimension cannot be inferred"),
    ((-2, 12), "sizes must be >= 0"),
])
def test_reshape_errors(shape, match):
    with pytest.raises(ValueError, match=match):
        _x(2, 3, 4).reshape(*shape)


def test_shape_arguments_must_be_integers():
    with pytest.raises(TypeError, match="reshape: shape entries must be integers"):
        _x(2, 3).reshape(2.0, 3)


# ----------------------------------------------------------------------------- backward without copies

def _apply(fn_cls, x, **kw):
    fn = object.__new__(fn_cls)
    return fn, fn.forward(x, **kw)


@pytest.mark.parametrize("cls,kw", [
    (S.Reshape, {"shape": (4, 6)}), (S.Permute, {"dims": (2, 0, 1)}),
    (S.PadConstant, {"widths": ((0, 0), (1, 2), (0, 1)), "value": 0.0}),
    (S.Flip, {"dims": frozenset({0, 2})}), (S.Expand, {"shape": (5, 2, 3, 4)}),
])
def test_backward_of_view_like_ops_returns_views_of_dy(cls, kw):
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    fn, y = _apply(cls, x, **kw)
    g = np.random.default_rng(1).standard_normal(y.shape)
    assert np.shares_memory(fn.backward(g), g)


def test_cat_backward_and_split_forward_are_views():
    a, b = np.ones((2, 3)), np.zeros((4, 3))
    fn = object.__new__(S.Cat)
    y = fn.forward(a, b, dim=0)
    fn._edges = [1, 1]
    ga, gb = fn.backward(y)
    assert np.shares_memory(ga, y) and np.shares_memory(gb, y)
    parts = object.__new__(S.Split).forward(y, sizes=(2, 4), dim=0)
    assert all(np.shares_memory(p, y) for p in parts)


# ----------------------------------------------------------------------------- pad

PAD_CASES = [((2, 3, 5), (1, 2)), ((1, 2, 4, 5), (2, 1, 1, 3)), ((1, 1, 4, 5), (-1, 2, 1, -2)),
             ((1, 2, 3, 3, 4), (1, 1, 2, 0, 1, 2)), ((2, 6), (-2, 3)), ((1, 3, 4), (3, 0)),
             ((2, 2, 4), (0, 0, 1, 1))]


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("shape,pad", PAD_CASES)
def test_pad_matches_torch_values_and_grads(mode, shape, pad):
    a = np.random.default_rng(3).standard_normal(shape)
    x = mg.tensor(a, requires_grad=True)
    y = F.pad(x, pad, mode=mode)
    tx = torch.tensor(a, requires_grad=True)
    try:
        ty = torch.nn.functional.pad(tx, pad, mode=mode)
    except (RuntimeError, NotImplementedError, ValueError):
        pytest.skip("torch does not support this combination")
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=0, atol=0)
    w = np.random.default_rng(4).standard_normal(y.shape)
    (y * mg.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_pad_constant_minus_inf_and_gradient():
    a = np.random.default_rng(5).standard_normal((1, 2, 3, 3))
    x = mg.tensor(a, requires_grad=True)
    y = F.pad(x, (1, 1, 0, 2), value=-np.inf)
    ty = torch.nn.functional.pad(torch.tensor(a), (1, 1, 0, 2), value=-float("inf"))
    np.testing.assert_array_equal(y.data, ty.numpy())
    assert np.isneginf(y.data).sum() == y.numel() - x.numel()
    y.sum().backward()                         # the sum is -inf, its gradient is still 1
    np.testing.assert_array_equal(x.grad.data, np.ones(a.shape))


def test_pad_float32_keeps_dtype_and_value():
    x = mg.ones(2, 2)
    y = F.pad(x, (1, 0), value=2.5)
    assert y.dtype == np.float32 and y.data[0, 0] == 2.5


def test_pad_reflect_on_any_rank_like_numpy():
    a = np.arange(5.0)
    np.testing.assert_array_equal(F.pad(mg.tensor(a), (2, 3), mode="reflect").data,
                                  np.pad(a, (2, 3), mode="reflect"))


@pytest.mark.parametrize("args,kw,err,match", [
    (((1, 2, 3),), {}, ValueError, "even-length sequence"),
    (((1, 1),), {"mode": "wrap"}, ValueError, "unknown mode 'wrap'"),
    (((3, 0),), {"mode": "reflect"}, ValueError, r"reflect widths \(3, 0\) .* smaller than the size 3"),
    (((4, 0),), {"mode": "circular"}, ValueError, "wrap around more than once"),
    (((1, 1),), {"mode": "replicate", "value": 1.0}, ValueError, "does not take a value"),
    (((1, 1) * 4,), {}, ValueError, "pad 4 dims but the tensor of shape"),
    (((-4, 0),), {}, ValueError, "leave -1 elements"),
])
def test_pad_errors(args, kw, err, match):
    with pytest.raises(err, match=match):
        F.pad(_x(2, 3), *args, **kw)


# ----------------------------------------------------------------------------- cat / stack / split

def test_cat_mixed_requires_grad_and_promotion():
    a = mg.tensor(np.ones((2, 2)), requires_grad=True)
    b = mg.ones(1, 2)                              # float32 constant
    y = F.concatenate([a, b], dim=0)
    assert y.dtype == np.float64 and y.shape == (3, 2)
    y.sum().backward()
    np.testing.assert_array_equal(a.grad.data, np.ones((2, 2)))
    assert b.grad is None


@pytest.mark.parametrize("tensors,dim,err,match", [
    ([np.zeros((2, 3)), np.zeros((3, 3))], 1, ValueError,
     r"cat: tensor 1 has shape \(3, 3\) but tensor 0 has shape \(2, 3\); all sizes must match except in dim 1"),
    ([np.zeros((2, 3)), np.zeros((2, 3, 1))], 0, ValueError, "tensor 1 has shape"),
    ([np.zeros(())], 0, ValueError, "zero-dimensional"),
    ([], 0, ValueError, "non-empty"),
    ([np.zeros((2, 3))], 2, IndexError, "dimension 2 is out of range"),
])
def test_cat_errors(tensors, dim, err, match):
    with pytest.raises(err, match=match):
        F.cat([mg.tensor(t) for t in tensors], dim=dim)


def test_cat_rejects_non_tensors():
    with pytest.raises(TypeError, match="cat: item 1 is a ndarray"):
        F.cat([mg.zeros(2), np.zeros(2)])
    with pytest.raises(TypeError, match="expected a list or tuple"):
        F.cat(mg.zeros(2))


def test_stack_errors():
    with pytest.raises(ValueError, match=r"stack: tensor 1 has shape \(3,\) but tensor 0 has shape \(2,\)"):
        F.stack([mg.zeros(2), mg.zeros(3)])


@pytest.mark.parametrize("n,arg", [(5, 2), (6, 3), (0, 2), (4, [1, 0, 3]), (7, 10)])
def test_split_matches_torch(n, arg):
    x = mg.arange(float(n))
    ours = [p.shape for p in F.split(x, arg)]
    theirs = [tuple(p.shape) for p in torch.split(torch.arange(float(n)), arg)]
    assert ours == theirs


@pytest.mark.parametrize("n,chunks", [(5, 3), (6, 4), (6, 3), (0, 3), (2, 5), (13, 4)])
def test_chunk_matches_torch(n, chunks):
    ours = [p.shape for p in F.chunk(mg.arange(float(n)), chunks)]
    theirs = [tuple(p.shape) for p in torch.chunk(torch.arange(float(n)), chunks)]
    assert ours == theirs


def test_split_errors():
    with pytest.raises(ValueError, match=r"split: section sizes \[1, 2\] must be >= 0 and sum to 4"):
        F.split(mg.zeros(4), [1, 2])
    with pytest.raises(ValueError, match="split_size must be a positive integer"):
        F.split(mg.zeros(4), 0)
    with pytest.raises(ValueError, match="chunks must be a positive integer"):
        F.chunk(mg.zeros(4), 0)


def test_split_backward_fills_unused_pieces_with_zeros():
    x = mg.tensor(np.arange(5.0), requires_grad=True)
    a, b, c = F.split(x, 2)
    (b * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0, 0, 3, 3, 0])


# ----------------------------------------------------------------------------- other ops

def test_expand_minus_one_keeps_dim_and_grad_sums():
    x = mg.tensor(np.arange(3.0).reshape(3, 1), requires_grad=True)
    y = x.expand(2, -1, 4)
    assert y.shape == (2, 3, 4)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.full((3, 1), 8.0))


@pytest.mark.parametrize("sizes,match", [
    ((-1, 3, 1), "must be >= 0 for a new leading dim"),
    ((3, 2), r"size 3 at dim 0 does not match the existing size 2"),
    ((1,), "fewer than the 2 dims"),
])
def test_expand_errors(sizes, match):
    with pytest.raises(ValueError, match=match):
        _x(2, 1).expand(*sizes)


def test_squeeze_leaves_non_unit_dims_like_torch():
    x = _x(2, 1, 3)
    assert x.squeeze(0).shape == (2, 1, 3)
    assert x.squeeze((0, 1)).shape == (2, 3)
    assert x.squeeze().shape == (2, 3)
    with pytest.raises(IndexError, match="squeeze: dimension 3 is out of range"):
        x.squeeze(3)


def test_unsqueeze_range():
    assert _x(2, 3).unsqueeze(-1).shape == (2, 3, 1)
    assert _x(2, 3).unsqueeze(2).shape == (2, 3, 1)
    with pytest.raises(IndexError, match="unsqueeze: dimension 3 is out of range"):
        _x(2, 3).unsqueeze(3)


def test_permute_and_movedim_errors():
    with pytest.raises(ValueError, match=r"permute: dims \(0, 0, 1\) are not a permutation"):
        _x(2, 3, 4).permute(0, 0, 1)
    with pytest.raises(ValueError, match="movedim: source"):
        _x(2, 3, 4).movedim((0, 1), 2)
    assert _x(2, 3, 4).swapaxes(0, 2).shape == _x(2, 3, 4).swapdims(0, 2).shape == (4, 3, 2)


def test_flatten_unflatten_errors():
    with pytest.raises(ValueError, match="start_dim .* must not come after end_dim"):
        _x(2, 3, 4).flatten(2, 1)
    with pytest.raises(ValueError, match=r"unflatten: sizes \(2, 2\) do not multiply to 3"):
        _x(2, 3).unflatten(1, (2, 2))
    assert mg.tensor(3.0).flatten().shape == (1,)


def test_repeat_and_tile_semantics_match_torch():
    a = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(mg.tensor(a).repeat(2, 1, 2).data,
                                  torch.tensor(a).repeat(2, 1, 2).numpy())
    np.testing.assert_array_equal(mg.tensor(a).tile((2,)).data, torch.tensor(a).tile((2,)).numpy())
    np.testing.assert_array_equal(mg.tensor(a).tile(2, 1, 2).data, torch.tensor(a).tile(2, 1, 2).numpy())
    with pytest.raises(ValueError, match=r"repeat: 1 repeat sizes \(2,\) are fewer than the 2 dims"):
        mg.tensor(a).repeat(2)


def test_repeat_interleave_tensor_repeats_with_zero_matches_torch():
    a = np.random.default_rng(0).standard_normal((3, 2))
    reps = np.array([2, 0, 3])
    x = mg.tensor(a, requires_grad=True)
    y = x.repeat_interleave(mg.tensor(reps), dim=0)
    tx = torch.tensor(a, requires_grad=True)
    ty = tx.repeat_interleave(torch.tensor(reps), dim=0)
    np.testing.assert_array_equal(y.data, ty.detach().numpy())
    w = np.random.default_rng(1).standard_normal(y.shape)
    (y * mg.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), atol=1e-12)
    with pytest.raises(ValueError, match="repeats must be an int or a 1-D integer tensor"):
        x.repeat_interleave(mg.tensor([1, 2]), dim=0)


def test_roll_errors():
    with pytest.raises(ValueError, match="with dims=None shifts must be one int"):
        _x(2, 3).roll((1, 2))
    with pytest.raises(ValueError, match="shifts .* and dims .* must have the same length"):
        _x(2, 3).roll((1, 2), 0)


def test_tensor_methods_are_bound():
    x = _x(2, 3, 4)
    assert x.movedim(0, 1).shape == (3, 2, 4)
    assert x.moveaxis(0, 1).shape == (3, 2, 4)
    assert x.unflatten(1, (3, 1)).shape == (2, 3, 1, 4)
    assert len(x.unbind(2)) == 4
    assert x.repeat_interleave(2).shape == (48,)
    assert mg.expand_dims(x, 0).shape == (1, 2, 3, 4)
    assert mg.concat([x, x], 1).shape == (2, 6, 4)


def test_recorded_copy_of_broadcast_source_leaves_writable_memory():
    """Tensor.copy_ in grad mode expands the source; the result must not stay a read-only
    stride-0 view (regression: a later no_grad in-place update failed)."""
    w = mg.ones(3, requires_grad=True)
    h = w * 2
    s = mg.tensor(5.0, requires_grad=True)
    h.copy_(s)
    h.sum().backward()
    assert s.grad.item() == 3.0
    with mg.no_grad():
        h += 1
    np.testing.assert_array_equal(h.data, [6, 6, 6])


def test_rebound_view_gets_its_own_version_counter():
    """A recorded in-place op re-points the tensor at a new array; later true in-place writes
    to it must not invalidate ops that saved the old array (its base's, for a view)."""
    w = mg.tensor(np.ones(6), requires_grad=True)
    v = mg.tensor(np.ones(6), requires_grad=True)
    h = w * 2
    saved = h * v                               # Mul saves h's array
    y = h.view(2, 3)
    y += 1                                      # recorded: y now owns a new array
    assert y._vc is not h._vc
    with mg.no_grad():
        y.mul_(2)                               # writes only y's new array
    saved.sum().backward()
    np.testing.assert_array_equal(v.grad.data, np.full(6, 2.0))


@pytest.mark.gpu
def test_cat_and_stack_name_both_devices():
    with pytest.raises(mg.DeviceError, match=r"cat: all tensors must be on the same device, got \['cpu', 'cuda'\]"):
        F.cat([mg.zeros(2), mg.zeros(2, device="cuda")])
    with pytest.raises(mg.DeviceError, match="stack: all tensors must be on the same device"):
        F.stack([mg.zeros(2, device="cuda"), mg.zeros(2)])


@pytest.mark.gpu
def test_views_and_pad_on_gpu():
    x = mg.tensor(np.arange(24.0).reshape(2, 3, 4), device="cuda", requires_grad=True)
    y = x.view(6, 4)
    assert y._vc is x._vc
    p = F.pad(x, (2, 1, -1, 1), mode="reflect")
    p.sum().backward()
    ref = mg.tensor(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)
    F.pad(ref, (2, 1, -1, 1), mode="reflect").sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), ref.grad.numpy())
