"""nn.Module mechanics: registration, iteration, modes, to(), state_dict, containers, repr."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(3, 4), nn.ReLU())
        self.head = nn.Linear(4, 2, bias=False)
        self.register_buffer("count", mg.zeros(1))
        self.register_buffer("scratch", mg.zeros(2), persistent=False)


def test_parameter_is_leaf_tensor_and_accumulates_grad():
    p = nn.Parameter(mg.tensor([1.0, 2.0]))
    assert isinstance(p, mg.Tensor) and p.requires_grad and p.is_leaf
    (p * p).backward(mg.ones(2))
    np.testing.assert_allclose(p.grad.numpy(), [2.0, 4.0])
    assert repr(p).startswith("Parameter containing:")


def test_parameter_shares_data():
    t = mg.tensor([1.0, 2.0])
    assert nn.Parameter(t).data is t.data


def test_registration_and_names():
    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["encoder.0.weight", "encoder.0.bias", "head.weight"]
    assert [n for n, _ in net.named_buffers()] == ["count", "scratch"]
    assert [n for n, _ in net.named_modules()] == ["", "encoder", "encoder.0", "encoder.1", "head"]
    assert [n for n, _ in net.named_children()] == ["encoder", "head"]
    assert len(list(net.modules())) == 5
    assert net.head.bias is None
    assert net.get_submodule("encoder.0") is net.encoder[0]
    assert net.get_parameter("encoder.0.bias") is net.encoder[0].bias


def test_reassigning_parameter_with_tensor_is_an_error():
    lin = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="nn.Parameter"):
        lin.weight = mg.zeros(2, 2)
    lin.weight = None
    assert [n for n, _ in lin.named_parameters()] == ["bias"]


def test_setattr_before_init_raises():
    class Bad(nn.Module):
        def __init__(self):
            self.x = nn.Linear(1, 1)
    with pytest.raises(AttributeError, match="super"):
        Bad()


def test_shared_module_parameters_once():
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, lin)
    assert len(list(seq.parameters())) == 2
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]


def test_train_eval_propagate():
    net = Net()
    net.eval()
    assert all(not m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_requires_grad_and_zero_grad():
    net = Net()
    net.encoder.requires_grad_(False)
    assert [p.requires_grad for p in net.parameters()] == [False, False, True]
    for p in net.parameters():
        p.grad = mg.ones(*p.shape)
    net.zero_grad(set_to_none=False)
    assert all(float(np.abs(p.grad.numpy()).sum()) == 0 for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_to_dtype_keeps_parameter_objects():
    net = Net()
    params = list(net.parameters())
    net.double()
    assert all(p.dtype == np.float64 for p in net.parameters())
    assert [id(p) for p in net.parameters()] == [id(p) for p in params]
    assert net.count.dtype == np.float64
    net.to(dtype=mg.float32)
    assert all(p.dtype == np.float32 for p in net.parameters())
    net.to("cpu")
    with pytest.raises(TypeError):
        net.to(mg.int64)


def test_apply_visits_children_first():
    net = Net()
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "ReLU", "Sequential", "Linear", "Net"]


def test_state_dict_round_trip_and_strict_checks():
    a, b = Net(), Net()
    sd = a.state_dict()
    assert list(sd) == ["count", "encoder.0.weight", "encoder.0.bias", "head.weight"]  # as torch
    assert not sd["head.weight"].requires_grad
    res = b.load_state_dict({k: v.numpy().copy() for k, v in sd.items()})
    assert res.missing_keys == [] and res.unexpected_keys == []
    for (k, x), (_, y) in zip(a.state_dict().items(), b.state_dict().items()):
        np.testing.assert_array_equal(x.numpy(), y.numpy())
    bad = dict(sd)
    del bad["count"]
    bad["extra"] = mg.zeros(1)
    with pytest.raises(RuntimeError, match="Missing key.*count|Unexpected key.*extra"):
        b.load_state_dict(bad)
    res = b.load_state_dict(bad, strict=False)
    assert res.missing_keys == ["count"] and res.unexpected_keys == ["extra"]
    wrong = dict(sd)
    wrong["head.weight"] = mg.zeros(3, 3)
    with pytest.raises(RuntimeError, match="size mismatch for head.weight"):
        b.load_state_dict(wrong, strict=False)


def test_load_state_dict_writes_in_place_and_bumps_version():
    lin = nn.Linear(2, 2)
    w = lin.weight
    before = w._vc[0]
    lin.load_state_dict({"weight": np.ones((2, 2)), "bias": np.zeros(2)})
    assert lin.weight is w and w._vc[0] == before + 1
    np.testing.assert_array_equal(w.numpy(), np.ones((2, 2), np.float32))
    assert w.dtype == np.float32


def test_forward_hooks():
    lin = nn.Identity()
    calls = []
    h = lin.register_forward_hook(lambda m, inp, out: calls.append(out) or out * 2)
    x = mg.tensor([1.0])
    assert float(lin(x)) == 2.0
    h.remove()
    assert float(lin(x)) == 1.0 and len(calls) == 1


def test_containers():
    seq = nn.Sequential(nn.ReLU(), nn.Tanh(), nn.Sigmoid())
    assert len(seq) == 3 and isinstance(seq[-1], nn.Sigmoid)
    assert isinstance(seq[1:], nn.Sequential) and len(seq[1:]) == 2
    seq.append(nn.Identity())
    assert len(seq) == 4
    with pytest.raises(IndexError):
        seq[7]
    ml = nn.ModuleList([nn.Linear(1, 1) for _ in range(3)])
    ml.append(nn.Linear(1, 2))
    assert len(list(ml.parameters())) == 8
    assert isinstance(ml[1:], nn.ModuleList) and len(ml[1:]) == 3
    del ml[0]
    assert [n for n, _ in ml.named_children()] == ["0", "1", "2"]
    md = nn.ModuleDict({"a": nn.Linear(1, 1), "b": nn.ReLU()})
    assert list(md) == ["a", "b"] and "a" in md
    assert [n for n, _ in md.named_parameters()] == ["a.weight", "a.bias"]


def test_repr_mirrors_torch():
    torch = pytest.importorskip("torch")
    ours = repr(nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Sequential(nn.Linear(4, 2, bias=False))))
    theirs = repr(torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(),
                                      torch.nn.Sequential(torch.nn.Linear(4, 2, bias=False))))
    assert ours == theirs


def test_linear_default_init_bounds_and_seed():
    mg.manual_seed(3)
    a = nn.Linear(50, 20)
    mg.manual_seed(3)
    b = nn.Linear(50, 20)
    np.testing.assert_array_equal(a.weight.numpy(), b.weight.numpy())
    bound = 1 / np.sqrt(50)
    assert np.abs(a.weight.numpy()).max() <= bound and np.abs(a.weight.numpy()).max() > 0.9 * bound
    assert np.abs(a.bias.numpy()).max() <= bound


def test_deepcopy_gives_independent_parameters():
    import copy
    net = Net()
    twin = copy.deepcopy(net)
    assert isinstance(twin.head.weight, nn.Parameter) and twin.head.weight.requires_grad
    assert twin.head.weight.data is not net.head.weight.data
    twin.head.weight.data[...] = 0
    assert net.head.weight.numpy().any()
    assert list(twin.state_dict()) == list(net.state_dict())
