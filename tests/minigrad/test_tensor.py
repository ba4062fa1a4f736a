"""Tensor construction, dtypes, devices, factories, conversions and operators."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import backend


def test_default_dtypes_follow_pytorch():
    assert mg.tensor([1.0, 2.0]).dtype == np.float32
    assert mg.tensor([1, 2]).dtype == np.int64
    assert mg.tensor([True, False]).dtype == np.bool_
    assert mg.tensor(np.zeros(2, np.float64)).dtype == np.float64      # arrays keep their dtype
    assert mg.zeros(2, 3).dtype == np.float32 and mg.zeros(2, 3).shape == (2, 3)
    assert mg.arange(5).dtype == np.int64 and mg.arange(0.0, 1.0, 0.25).dtype == np.float32


@pytest.mark.parametrize("spec", [mg.float64, np.float64, "float64", "f8", np.dtype("float64")])
def test_dtype_spellings(spec):
    assert mg.zeros(2, dtype=spec).dtype == np.float64


def test_unknown_dtype_is_a_clear_error():
    with pytest.raises(TypeError, match="unknown dtype"):
        mg.zeros(2, dtype="floatish")


def test_tensor_copies_but_from_numpy_shares():
    a = np.arange(3.0)
    t = mg.tensor(a)
    a[0] = 100
    assert t.numpy()[0] == 0
    s = mg.from_numpy(a)
    a[1] = 7
    assert s.numpy()[1] == 7


def test_size_shape_numel_ndim_len():
    t = mg.zeros(2, 3, 4)
    assert t.shape == (2, 3, 4) and t.size() == (2, 3, 4) and t.size(1) == 3 and t.size(-1) == 4
    assert t.numel() == 24 and t.ndim == 3 and t.dim() == 3 and len(t) == 2


def test_factories():
    assert mg.ones(2, 2).numpy().sum() == 4
    assert mg.full((2, 3), 7.0).numpy().tolist() == [[7.0] * 3] * 2
    assert mg.full((2,), 3).dtype == np.int64
    np.testing.assert_allclose(mg.linspace(0, 1, 5).numpy(), [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_array_equal(mg.eye(3).numpy(), np.eye(3))
    x = mg.randn(3, 4, dtype=mg.float64)
    assert mg.zeros_like(x).dtype == np.float64 and mg.ones_like(x).shape == (3, 4)
    assert mg.full_like(x, 2.0).numpy().max() == 2.0
    assert mg.empty(2, 5).shape == (2, 5)
    r = mg.rand(1000)
    assert 0 <= r.numpy().min() and r.numpy().max() < 1
    ri = mg.randint(0, 10, (50,))
    assert ri.dtype == np.int64 and ri.numpy().min() >= 0 and ri.numpy().max() < 10
    assert sorted(mg.randperm(6).tolist()) == list(range(6))
    assert mg.zeros((2, 3)).shape == (2, 3)                 # tuple form as well


def test_manual_seed_makes_random_factories_reproducible():
    mg.manual_seed(123)
    a = mg.randn(5).numpy()
    mg.manual_seed(123)
    b = mg.randn(5).numpy()
    np.testing.assert_array_equal(a, b)
    g = mg.Generator(seed=7)
    c = mg.rand(3, generator=g).numpy()
    g.manual_seed(7)
    np.testing.assert_array_equal(c, mg.rand(3, generator=g).numpy())


def test_rng_state_roundtrip():
    mg.manual_seed(5)
    state = mg.get_rng_state()
    a = mg.randn(4).numpy()
    mg.set_rng_state(state)
    np.testing.assert_array_equal(a, mg.randn(4).numpy())


def test_item_tolist_float_int_bool():
    t = mg.tensor([[2.5]])
    assert t.item() == 2.5 and float(t) == 2.5 and int(mg.tensor(3)) == 3
    assert bool(mg.tensor([1.0])) is True
    with pytest.raises(ValueError, match="ambiguous"):
        bool(mg.tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="single-element"):
        mg.tensor([1.0, 2.0]).item()
    assert mg.tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]


def test_to_and_dtype_conversions_are_differentiable():
    x = mg.tensor([1.0, 2.0], dtype=mg.float32, requires_grad=True)
    y = x.double()
    assert y.dtype == np.float64 and y.requires_grad
    (y * y).backward(mg.ones(2, dtype=mg.float64))
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])
    assert x.long().dtype == np.int64 and not x.long().requires_grad
    assert x.to("cpu") is x and x.to(mg.float32) is x
    assert x.to("cpu", copy=True) is not x


def test_cuda_request_without_gpu_explains_what_is_missing():
    if mg.cuda_available():
        pytest.skip("a GPU is present")
    with pytest.raises(mg.DeviceError, match=r"device 'cuda' is unavailable: .*(pip install|no usable CUDA device)"):
        mg.zeros(2, device="cuda")
    with pytest.raises(mg.DeviceError, match="unavailable"):
        mg.tensor([1.0]).cuda()
    with pytest.raises(mg.DeviceError, match="unknown device 'tpu'"):
        mg.zeros(2, device="tpu")


class _FakeCudaArray(np.ndarray):
    """An array type that reports itself as a CuPy array, to test device checks on a CPU box."""


_FakeCudaArray.__module__ = "cupy._core.core"


def test_mixing_devices_names_the_op_and_both_devices():
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    b = mg.Tensor(np.zeros(2, np.float32))
    b.data = np.zeros(2, np.float32).view(_FakeCudaArray)
    assert backend.device_of(b.data) == "cuda"
    with pytest.raises(mg.DeviceError, match=r"Mul: .*input 0: cpu, input 1: cuda"):
        a * b


@pytest.mark.gpu
def test_cuda_roundtrip_and_gradient():
    x = mg.randn(3, 4, dtype=mg.float64, requires_grad=True)
    y = x.cuda()
    assert y.device == "cuda"
    (y.tanh() * 2).cpu().backward(mg.ones(3, 4, dtype=mg.float64))
    np.testing.assert_allclose(x.grad.numpy(), 2 * (1 - np.tanh(x.numpy()) ** 2))


def test_dlpack_roundtrip_with_numpy_and_torch():
    x = mg.arange(6, dtype=mg.float32)
    a = np.from_dlpack(x)
    a[0] = 42.0
    assert x.numpy()[0] == 42.0, "np.from_dlpack must share memory"
    torch = pytest.importorskip("torch")
    t = torch.from_dlpack(x)
    t[1] = 7.0
    assert x.numpy()[1] == 7.0
    back = mg.from_dlpack(torch.arange(4.0))
    assert back.tolist() == [0.0, 1.0, 2.0, 3.0] and back.dtype == np.float32


def test_operators_and_reflected_forms():
    a = mg.tensor([1.0, 2.0, 4.0])
    np.testing.assert_allclose((1 - a).numpy(), [0, -1, -3])
    np.testing.assert_allclose((2 / a).numpy(), [2, 1, 0.5])
    np.testing.assert_allclose((2 ** a).numpy(), [2, 4, 16])
    np.testing.assert_allclose((a ** 2).numpy(), [1, 4, 16])
    np.testing.assert_allclose((-a).numpy(), [-1, -2, -4])
    np.testing.assert_allclose(abs(mg.tensor([-1.0, 2.0])).numpy(), [1, 2])
    np.testing.assert_allclose((np.float32(3) * a).numpy(), [3, 6, 12])
    assert (a * 2.0).dtype == np.float32, "Python numbers must not promote float32"
    np.testing.assert_allclose((a // 2).numpy(), [0, 1, 2])
    np.testing.assert_allclose((a % 3).numpy(), [1, 2, 1])


def test_comparisons_return_bool_tensors_outside_the_graph():
    a = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for r in (a > 1.5, a >= 2, a < 2, a <= 2, a == 2, a != 2):
        assert r.dtype == np.bool_ and not r.requires_grad
    assert (a > 1.5).tolist() == [False, True, True]
    m = (a > 1.5) & (a < 2.5)
    assert m.tolist() == [False, True, False] and (~m).tolist() == [True, False, True]


def test_binary_shape_mismatch_is_a_clear_error():
    with pytest.raises(ValueError, match=r"add: shapes \(2, 3\) and \(4,\) cannot be broadcast"):
        mg.zeros(2, 3) + mg.zeros(4)
    with pytest.raises(ValueError, match=r"mul: shapes"):
        mg.zeros(2, 3) * mg.zeros(3, 2)


def test_inplace_without_grad_writes_the_same_array():
    t = mg.zeros(3)
    d = t.data
    t += 1
    t *= 4
    t -= mg.ones(3)
    t /= 3
    assert t.data is d
    np.testing.assert_allclose(t.numpy(), [1, 1, 1])
    with pytest.raises(ValueError, match=r"in-place \+=.*shape \(3,\)"):
        t += mg.ones(2, 3)
    i = mg.zeros(3, dtype=mg.int64)
    with pytest.raises(TypeError, match="in-place"):
        i += 0.5                      # float result cannot be written into an int tensor


def test_repr_mentions_grad_state():
    x = mg.tensor([1.0], requires_grad=True)
    assert "requires_grad=True" in repr(x)
    assert "grad_fn=<Mul>" in repr(x * 2)
    assert "dtype=float64" in repr(mg.zeros(1, dtype=mg.float64))


def test_detach_shares_data_and_clone_copies():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert d.data is x.data and not d.requires_grad
    c = x.clone()
    assert c.data is not x.data and c.requires_grad


def test_numpy_array_protocol():
    assert np.asarray(mg.tensor([1.0, 2.0])).tolist() == [1.0, 2.0]
    assert (np.ones(2) + mg.tensor([1.0, 2.0])).__class__ is mg.Tensor   # Tensor wins over ndarray


def test_tensor_where_method_follows_torch_argument_order():
    x = mg.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = x.where(x > 0, 0.0)
    assert y.tolist() == [1.0, 0.0, 3.0]
    y.backward(mg.ones(3))
    assert x.grad.tolist() == [1.0, 0.0, 1.0]
