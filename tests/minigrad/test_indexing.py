"""Indexing beyond the registry: repeated-index accumulation, getitem/setitem against NumPy for
every index kind (plus a hypothesis property test), view semantics of basic indexing, in-place
indexing methods, error messages."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad as mg
from minigrad import functional as F

torch = pytest.importorskip("torch")


def _x(*shape, requires_grad=False):
    a = np.random.default_rng(0).standard_normal(shape)
    return mg.tensor(a, requires_grad=requires_grad)


def _np_index(idx):
    """The index with minigrad tensors replaced by NumPy arrays (the reference)."""
    def conv(i):
        if isinstance(i, list) and not i:
            return np.zeros(0, np.intp)
        return np.asarray(i) if isinstance(i, (mg.Tensor, list)) else i
    return tuple(conv(i) for i in idx) if isinstance(idx, tuple) else conv(idx)


def _reference_grad(shape, idx, w):
    g = np.zeros(shape)
    np.add.at(g, _np_index(idx), w)
    return g


INDICES = [
    1, -1, (0, 2), slice(None, None, -1), (slice(1, None, 2), slice(None), -2),
    (Ellipsis, 1), (None, 0, None), (slice(None), None, Ellipsis), (Ellipsis, None),
    [0, 0, 3], [[1, 1], [2, 0]], (slice(None), [2, 2, 0]), ([0, 3], slice(None), [1, 1]),
    (1, [0, 0, 4]), (Ellipsis, [2, 2]), ([True, False, True, True],),
    np.array([[True, False, True, False, False]] * 4), (slice(None, None, -2), [4, 4]),
    (np.array([-1, -4]), 0), [], (True,), (0, slice(4, 1, -1), None, 2),
]


@pytest.mark.parametrize("idx", INDICES, ids=[repr(i)[:40] for i in INDICES])
def test_getitem_matches_numpy_values_and_grads(idx):
    x = _x(4, 5, 3, requires_grad=True)
    y = x[idx]
    ref = x.data[_np_index(idx)]
    np.testing.assert_array_equal(y.data, ref)
    w = np.random.default_rng(1).standard_normal(y.shape)
    (y * mg.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.data, _reference_grad(x.shape, idx, w), atol=1e-12)


def test_getitem_with_tensors_inside_tuples():
    x = _x(4, 5, requires_grad=True)
    rows, cols = mg.tensor([0, 3, 3]), mg.tensor([1, 1, 1])
    y = x[rows, cols]
    np.testing.assert_array_equal(y.data, x.data[[0, 3, 3], [1, 1, 1]])
    y.sum().backward()
    assert x.grad.data[3, 1] == 2.0 and x.grad.data[0, 1] == 1.0
    mask = mg.tensor(x.data > 0)
    np.testing.assert_array_equal(x[mask].data, x.data[x.data > 0])
    np.testing.assert_array_equal(x[mg.tensor(2)].data, x.data[2])


def test_raw_index_converts_tensors_also_inside_tuples():
    t = mg.tensor([1, 2])
    raw = F._raw_index((t, slice(None), [0, 1], None))
    assert isinstance(raw[0], np.ndarray) and raw[0].dtype == np.int64
    assert raw[1] == slice(None) and isinstance(raw[2], np.ndarray) and raw[3] is None
    assert isinstance(F._raw_index(t), np.ndarray)
    assert isinstance(mg.functional._raw_index(mg.tensor([True])), np.ndarray)


# ----------------------------------------------------------------------------- repeated indices

def test_repeated_indices_accumulate_in_every_gather_like_op():
    x = _x(3, 4, requires_grad=True)
    idx = mg.tensor([2, 2, 2, 0])
    outs = [x[idx], x[:, [1, 1]], F.index_select(x, 0, idx),
            F.gather(x, 1, mg.tensor([[3, 3, 3]] * 3)),
            F.take_along_dim(x, mg.tensor([[0, 0]]), 1), x[idx, idx[:1]]]
    F.cat([o.reshape(-1) for o in outs]).sum().backward()
    g = np.zeros((3, 4))
    g[2] += 3
    g[0] += 1
    g[:, 1] += 2
    g[2] += 3
    g[0] += 1
    g[:, 3] += 3
    g[:, 0] += 2
    g[2, 2] += 3
    g[0, 2] += 1
    np.testing.assert_array_equal(x.grad.data, g)


def test_scatter_add_and_index_add_accumulate_repeated_targets():
    x = mg.zeros(2, 3, dtype=mg.float64)
    src = mg.tensor(np.ones((2, 3)), requires_grad=True)
    y = F.scatter_add(x, 1, mg.tensor([[0, 0, 0], [2, 1, 2]]), src)
    np.testing.assert_array_equal(y.data, [[3, 0, 0], [0, 1, 2]])
    z = F.index_add(mg.zeros(3, dtype=mg.float64), 0, mg.tensor([1, 1, 1, 0]),
                    mg.tensor([1.0, 2.0, 3.0, 4.0], dtype=mg.float64))
    np.testing.assert_array_equal(z.data, [4, 6, 0])
    p = F.index_put(mg.zeros(3, dtype=mg.float64), (mg.tensor([2, 2]),),
                    mg.tensor([1.0, 5.0], dtype=mg.float64), accumulate=True)
    np.testing.assert_array_equal(p.data, [0, 0, 6])
    (y * mg.tensor(np.arange(6.0).reshape(2, 3))).sum().backward()
    np.testing.assert_array_equal(src.grad.data, [[0, 0, 0], [5, 4, 5]])


# ----------------------------------------------------------------------------- setitem

def test_setitem_mask_under_no_grad_on_a_parameter():
    w = _x(3, 4, requires_grad=True)
    before = w.data.copy()
    with mg.no_grad():
        w[w < 0] = 0
    np.testing.assert_array_equal(w.data, np.where(before < 0, 0, before))
    assert w._vc[0] == 1 and w.is_leaf and w.requires_grad


def test_setitem_on_leaf_requiring_grad_in_grad_mode_raises():
    w = _x(3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"in-place __setitem__ on a leaf tensor that requires grad"):
        w[0] = 1.0


@pytest.mark.parametrize("idx,vshape", [
    ((slice(1, 3),), (2, 4)), ([0, 2], (4,)), ((Ellipsis, 1), ()), ((1, slice(None, None, -1)), (4,)),
    ("mask", ()), ((mg.tensor([0, 2]), mg.tensor([3, 1])), (2,)), ((None, 0), (1, 4)),
])
def test_recorded_setitem_matches_torch(idx, vshape):
    a = np.random.default_rng(2).standard_normal((3, 4))
    v = np.random.default_rng(3).standard_normal(vshape)
    x = mg.tensor(a, requires_grad=True)
    vt = mg.tensor(v, requires_grad=True)
    if isinstance(idx, str):
        idx = mg.tensor(a > 0)
    y = x * 1.0
    y[idx] = vt
    assert y.grad_fn is not None
    w = np.random.default_rng(4).standard_normal((3, 4))
    (y * mg.tensor(w)).sum().backward()

    tx, tv = torch.tensor(a, requires_grad=True), torch.tensor(v, requires_grad=True)
    ty = tx * 1.0
    tidx = _np_index(idx)
    neg = isinstance(tidx, tuple) and len(tidx) == 2 and isinstance(tidx[1], slice) \
        and tidx[1].step == -1
    if neg:                                     # torch has no negative steps: flip instead
        ty[1] = tv.flip(0)
    else:
        tidx = tuple(torch.from_numpy(i) if isinstance(i, np.ndarray) else i for i in tidx) \
            if isinstance(tidx, tuple) else torch.from_numpy(np.asarray(tidx))
        ty[tidx] = tv
    (ty * torch.tensor(w)).sum().backward()
    np.testing.assert_array_equal(y.data, ty.detach().numpy())
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(vt.grad.data, tv.grad.numpy(), atol=1e-12)


def test_setitem_constant_tensor_with_grad_value():
    x = mg.zeros(2, 3, dtype=mg.float64)
    v = mg.tensor([1.0, 2.0], dtype=mg.float64, requires_grad=True)
    x[:, 1] = v
    assert x.requires_grad and not x.is_leaf
    (x * 3).sum().backward()
    np.testing.assert_array_equal(v.grad.data, [3, 3])


def test_setitem_without_grad_writes_in_place_and_bumps_version():
    x = _x(4, 3)
    ref = x.data.copy()
    x[mg.tensor([0, 2]), 1:] = mg.tensor(np.ones(2))
    ref[[0, 2], 1:] = 1
    np.testing.assert_array_equal(x.data, ref)
    assert x._vc[0] == 1
    with pytest.raises(IndexError, match=r"__setitem__: index 4 is out of range for dim 0 of size 4"):
        x[4] = 1.0


# ----------------------------------------------------------------------------- view semantics

def test_basic_indexing_is_a_view_advanced_is_a_copy():
    x = _x(3, 4)
    v = x[1, ::2]
    assert np.shares_memory(v.data, x.data) and v._vc is x._vc
    s = x[1, 2]                                  # a 0-d view, as torch
    assert s.shape == () and np.shares_memory(s.data, x.data)
    c = x[[1], ::2]
    assert not np.shares_memory(c.data, x.data) and c._vc is not x._vc
    with mg.no_grad():
        v[0] = 42.0
    assert x.data[1, 0] == 42.0 and x._vc[0] == 1


# ----------------------------------------------------------------------------- property test

@st.composite
def _indices(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=4)))
    items, n_adv = [], 0
    for n in shape[:draw(st.integers(0, len(shape)))]:
        kind = draw(st.sampled_from(["int", "slice", "array", "mask", "none"]))
        if kind == "int":
            items.append(draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            step = draw(st.sampled_from([None, 1, 2, -1, -2, 3]))
            start = draw(st.one_of(st.none(), st.integers(-n - 1, n + 1)))
            stop = draw(st.one_of(st.none(), st.integers(-n - 1, n + 1)))
            items.append(slice(start, stop, step))
        elif kind == "array" and n_adv < 2:
            vals = draw(st.lists(st.integers(-n, n - 1), min_size=0, max_size=4))
            items.append(mg.tensor(np.array(vals, dtype=np.int64)))
            n_adv += 1
        elif kind == "mask" and n_adv == 0:
            items.append(mg.tensor(np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))))
            n_adv += 1
        else:
            items.append(None)
            items.append(slice(None))
    if draw(st.booleans()):                     # before a mask it would shift the mask's dims
        has_mask = any(isinstance(i, mg.Tensor) and i.dtype == np.bool_ for i in items)
        items.insert(len(items) if has_mask else draw(st.integers(0, len(items))), Ellipsis)
    return shape, tuple(items)


def _broadcastable(idx):
    shapes = [tuple(i.shape) for i in idx if isinstance(i, mg.Tensor) and i.dtype != np.bool_]
    try:
        np.broadcast_shapes(*shapes)
        return True
    except ValueError:
        return False


@settings(max_examples=150, deadline=None, derandomize=True)
@given(_indices())
def test_getitem_setitem_property_against_numpy(case):
    shape, idx = case
    if not _broadcastable(idx):
        return
    a = np.random.default_rng(0).standard_normal(shape)
    x = mg.tensor(a, requires_grad=True)
    y = x[idx]
    np.testing.assert_array_equal(y.data, a[_np_index(idx)])
    w = np.random.default_rng(1).standard_normal(y.shape)
    (y * mg.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.data, _reference_grad(shape, idx, w), atol=1e-12)
    b, z = a.copy(), mg.tensor(a)
    b[_np_index(idx)] = 7.5
    z[idx] = 7.5
    np.testing.assert_array_equal(z.data, b)


# ----------------------------------------------------------------------------- in-place methods

def test_inplace_methods_without_and_with_grad():
    x = mg.zeros(2, 3, dtype=mg.float64)
    x.masked_fill_(mg.tensor([[True, False, True], [False, False, True]]), -1.0)
    np.testing.assert_array_equal(x.data, [[-1, 0, -1], [0, 0, -1]])
    x.index_put_((mg.tensor([0, 0]), mg.tensor([1, 1])), mg.tensor([2.0, 3.0], dtype=mg.float64),
                 accumulate=True)
    assert x.data[0, 1] == 5.0
    x.scatter_(1, mg.tensor([[2], [0]]), value=9.0)
    assert x.data[0, 2] == 9.0 and x.data[1, 0] == 9.0
    x.scatter_add_(0, mg.tensor([[1, 1, 1]]), mg.tensor(np.ones((1, 3))))
    x.index_add_(1, mg.tensor([0]), mg.tensor(np.ones((2, 1))), alpha=2)
    np.testing.assert_array_equal(x.data, [[1, 5, 9], [12, 1, 0]])
    assert x._vc[0] == 5

    w = mg.tensor(np.ones(3), requires_grad=True)
    h = w * 2
    h.masked_fill_(mg.tensor([True, False, False]), 0.0)
    h.sum().backward()
    np.testing.assert_array_equal(w.grad.data, [0, 2, 2])


# ----------------------------------------------------------------------------- masks, one_hot

def test_masked_fill_minus_inf_and_tensor_value_grad():
    x = _x(2, 3, requires_grad=True)
    v = mg.tensor(0.5, dtype=mg.float64, requires_grad=True)
    mask = mg.tensor([[True, False, False], [False, True, True]])
    y = F.masked_fill(x, mask, -np.inf)
    assert np.isneginf(y.data).sum() == 3
    z = x.masked_fill(mask, v)
    (z * 2).sum().backward()
    assert v.grad.item() == 6.0
    np.testing.assert_array_equal(x.grad.data, np.where(mask.data, 0, 2))


def test_masked_select_broadcasts():
    x = _x(3, 1, requires_grad=True)
    mask = mg.tensor(np.array([[True, False], [True, True], [False, False]]))
    y = F.masked_select(x, mask)
    np.testing.assert_array_equal(y.data, [x.data[0, 0], x.data[1, 0], x.data[1, 0]])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[1], [2], [0]])


def test_one_hot_matches_torch():
    labels = np.array([[0, 3], [2, 2]])
    ours = F.one_hot(mg.tensor(labels))
    theirs = torch.nn.functional.one_hot(torch.tensor(labels))
    assert ours.dtype == np.int64 and not ours.requires_grad
    np.testing.assert_array_equal(ours.data, theirs.numpy())
    np.testing.assert_array_equal(F.one_hot(mg.tensor([1]), 4).data, [[0, 1, 0, 0]])


def test_narrow_and_index_select_values():
    x = _x(4, 5)
    np.testing.assert_array_equal(x.narrow(1, -3, 2).data, x.data[:, 2:4])
    np.testing.assert_array_equal(x.index_select(1, mg.tensor([4, 0, 4])).data, x.data[:, [4, 0, 4]])


# ----------------------------------------------------------------------------- errors

@pytest.mark.parametrize("idx,match", [
    (5, r"index: index 5 is out of range for dim 0 of size 3 \(tensor of shape \(3, 4\); valid indices are -3 .. 2\)"),
    ((0, -5), "index -5 is out of range for dim 1 of size 4"),
    ([0, 3], "index 3 is out of range for dim 0 of size 3"),
    (mg.tensor([0.0, 1.0]), r"invalid index entry a float32 array.*\.long\(\)"),
    (1.5, "invalid index entry 1.5 of type float"),
    ((0, 0, 0), r"too many indices for a tensor of shape \(3, 4\): the index addresses 3 dims"),
    (mg.tensor([True, False]), r"boolean mask of shape \(2,\) does not match the sizes \(3,\)"),
    ((Ellipsis, 0, Ellipsis), "only have a single Ellipsis"),
    ("a", "invalid index entry 'a'"),
])
def test_getitem_errors(idx, match):
    with pytest.raises(IndexError, match=match):
        _x(3, 4)[idx]


@pytest.mark.parametrize("call,err,match", [
    (lambda x: F.gather(x, 1, mg.tensor([[4]])), IndexError,
     r"gather: index 4 is out of range for dim 1 of size 4 .*valid indices are 0 .. 3"),
    (lambda x: F.gather(x, 1, mg.tensor([[-1]])), IndexError, "gather: index -1 is out of range"),
    (lambda x: F.gather(x, 1, mg.tensor([[0.0]])), IndexError, "gather: index must be an integer"),
    (lambda x: F.gather(x, 0, mg.tensor([0])), ValueError, "index must have as many dims as input"),
    (lambda x: F.gather(x, 1, mg.tensor([[0]] * 4)), ValueError,
     r"index of shape \(4, 1\) is larger than input of shape \(3, 4\) in dim 0"),
    (lambda x: F.index_select(x, 0, mg.tensor([[0]])), ValueError, "index must be 0-D or 1-D"),
    (lambda x: F.index_select(x, 0, mg.tensor([3])), IndexError, "index_select: index 3 is out of range"),
    (lambda x: F.scatter(x, 0, mg.tensor([[0]])), TypeError, "exactly one of src"),
    (lambda x: F.scatter_add(x, 0, mg.tensor([[0, 1]]), mg.zeros(1, 1, dtype=mg.float64)),
     ValueError, "src of shape"),
    (lambda x: F.index_add(x, 0, mg.tensor([0]), mg.zeros(1, 3)), ValueError,
     r"source must be a tensor of shape \(1, 4\)"),
    (lambda x: F.masked_fill(x, mg.tensor([1, 0, 1, 0]), 0.0), TypeError, "mask must be a bool tensor"),
    (lambda x: F.masked_fill(x, mg.tensor([True, False]), 0.0), ValueError,
     r"mask of shape \(2,\) does not broadcast to the input's shape \(3, 4\)"),
    (lambda x: F.masked_fill(x, mg.tensor([True] * 4), mg.zeros(2)), ValueError, "0-d tensor"),
    (lambda x: F.index_put(x, (0,), mg.zeros(3)), ValueError,
     r"index_put: values of shape \(3,\) cannot be written into the indexed part"),
    (lambda x: F.take_along_dim(x, mg.tensor([[5]]), 1), IndexError, "take_along_dim: index 5"),
    (lambda x: F.narrow(x, 0, 2, 2), IndexError, "narrow: start 2 and length 2 do not fit"),
    (lambda x: F.one_hot(mg.tensor([0.0])), TypeError, "one_hot: expected an integer"),
    (lambda x: F.one_hot(mg.tensor([3]), 3), ValueError, r"class indices must be in 0 .. 2"),
    (lambda x: F.one_hot(mg.tensor(np.zeros(0, np.int64))), ValueError, "cannot infer num_classes"),
])
def test_indexing_op_errors(call, err, match):
    with pytest.raises(err, match=match):
        call(_x(3, 4))


@pytest.mark.gpu
def test_gpu_indices_are_checked_and_moved():
    x = mg.tensor(np.arange(12.0).reshape(3, 4), device="cuda", requires_grad=True)
    with pytest.raises(IndexError, match="index 3 is out of range for dim 0 of size 3"):
        x[mg.tensor([0, 3])]                    # CuPy alone would wrap around silently
    y = x[mg.tensor([2, 2]), [1, 1]]            # CPU index tensor and list, moved to the GPU
    assert y.device == "cuda"
    y.sum().backward()
    assert x.grad.numpy()[2, 1] == 2.0
    with mg.no_grad():
        x[x > 5] = 0
    assert float(x.sum().item()) == 15.0
    with pytest.raises(mg.DeviceError, match="gather: index is on cpu but input is on cuda"):
        F.gather(x, 0, mg.tensor([[0]]))
