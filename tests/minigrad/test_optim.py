"""Optimizers and lr schedulers against PyTorch: same initial weights and gradients, every option,
several steps; state dicts; parameter groups; version counters; gradient clipping."""
import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim
from minigrad.optim import lr_scheduler as lrs

torch = pytest.importorskip("torch")

SHAPES = [(3, 4), (5,)]
STEPS = 6

CONFIGS = {
    "SGD": [dict(lr=0.1), dict(lr=0.1, momentum=0.9), dict(lr=0.1, momentum=0.9, dampening=0.5),
            dict(lr=0.1, momentum=0.9, nesterov=True), dict(lr=0.1, weight_decay=0.1),
            dict(lr=0.1, maximize=True),
            dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01, maximize=True)],
    "Adagrad": [dict(), dict(lr=0.1, lr_decay=0.1), dict(weight_decay=0.1),
                dict(initial_accumulator_value=0.1), dict(eps=1e-3, maximize=True)],
    "Adadelta": [dict(), dict(lr=0.5, rho=0.5), dict(weight_decay=0.1), dict(eps=1e-3, maximize=True)],
    "RMSprop": [dict(), dict(alpha=0.9, eps=1e-3), dict(centered=True), dict(momentum=0.9),
                dict(centered=True, momentum=0.5, weight_decay=0.1), dict(maximize=True)],
    "Adam": [dict(), dict(lr=0.01, betas=(0.5, 0.9)), dict(amsgrad=True), dict(weight_decay=0.1),
             dict(eps=1e-3, maximize=True), dict(amsgrad=True, weight_decay=0.1, maximize=True)],
    "AdamW": [dict(), dict(lr=0.01, weight_decay=0.1), dict(amsgrad=True), dict(maximize=True)],
}
CASES = [(name, kw) for name, kws in CONFIGS.items() for kw in kws]


def _data(seed=0):
    rng = np.random.default_rng(seed)
    w0 = [rng.standard_normal(s) for s in SHAPES]
    grads = [[rng.standard_normal(s) for s in SHAPES] for _ in range(STEPS)]
    return w0, grads


def _run_minigrad(name, kw, w0, grads, dtype=np.float64):
    ps = [nn.Parameter(mg.tensor(w.astype(dtype))) for w in w0]
    opt = getattr(optim, name)(ps, **kw)
    out = []
    for gs in grads:
        for p, g in zip(ps, gs):
            p.grad = mg.tensor(g.astype(dtype))
        opt.step()
        out.append([p.numpy().copy() for p in ps])
    return out, opt


def _run_torch(name, kw, w0, grads):
    ps = [torch.nn.Parameter(torch.from_numpy(w.copy())) for w in w0]
    opt = getattr(torch.optim, name)(ps, **kw)
    out = []
    for gs in grads:
        for p, g in zip(ps, gs):
            p.grad = torch.from_numpy(g.copy())
        opt.step()
        out.append([p.detach().numpy().copy() for p in ps])
    return out, opt


@pytest.mark.parametrize("name,kw", CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_matches_torch(name, kw):
    w0, grads = _data()
    ours, opt = _run_minigrad(name, kw, w0, grads)
    theirs, topt = _run_torch(name, kw, w0, grads)
    for step, (a, b) in enumerate(zip(ours, theirs)):
        for x, y in zip(a, b):
            np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-14, err_msg=f"step {step + 1}")
    # the optimizer state matches torch's too
    tstate = topt.state_dict()["state"]
    for i, st in opt.state_dict()["state"].items():
        for k, v in st.items():
            tv = tstate[i][k]
            tv = tv.item() if tv.ndim == 0 else tv.numpy()
            np.testing.assert_allclose(v, tv, rtol=1e-12, atol=1e-14, err_msg=k)


@pytest.mark.parametrize("name", list(CONFIGS))
def test_float32_updates_stay_float32(name):
    w0, grads = _data(1)
    ours32, _ = _run_minigrad(name, CONFIGS[name][-1], w0, grads, np.float32)
    ours64, _ = _run_minigrad(name, CONFIGS[name][-1], w0, grads)
    assert ours32[-1][0].dtype == np.float32
    np.testing.assert_allclose(ours32[-1][0], ours64[-1][0], rtol=1e-4, atol=1e-5)


def test_param_groups_per_group_options_match_torch():
    w0, grads = _data(2)
    ps = [nn.Parameter(mg.tensor(w)) for w in w0]
    tps = [torch.nn.Parameter(torch.from_numpy(w.copy())) for w in w0]
    opt = optim.SGD([{"params": [ps[0]]}, {"params": [ps[1]], "lr": 0.5, "momentum": 0.9}],
                    lr=0.1, momentum=0.1)
    topt = torch.optim.SGD([{"params": [tps[0]]}, {"params": [tps[1]], "lr": 0.5, "momentum": 0.9}],
                           lr=0.1, momentum=0.1)
    for gs in grads:
        for p, tp, g in zip(ps, tps, gs):
            p.grad, tp.grad = mg.tensor(g), torch.from_numpy(g.copy())
        opt.step()
        topt.step()
    for p, tp in zip(ps, tps):
        np.testing.assert_allclose(p.numpy(), tp.detach().numpy(), rtol=1e-12)
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[1]["momentum"] == 0.9


def test_add_param_group_and_errors():
    a, b = nn.Parameter(mg.zeros(2)), nn.Parameter(mg.zeros(3))
    opt = optim.Adam([a], lr=0.1)
    opt.add_param_group({"params": b, "lr": 0.01})
    assert opt.param_groups[1]["betas"] == (0.9, 0.999) and opt.param_groups[1]["lr"] == 0.01
    with pytest.raises(ValueError, match="more than one"):
        opt.add_param_group({"params": [a]})
    with pytest.raises(ValueError, match="empty"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="lr"):
        optim.SGD([a])
    with pytest.raises(ValueError, match="Nesterov"):
        optim.SGD([a], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([a * 2], lr=0.1)
    with pytest.raises(TypeError, match="single Tensor"):
        optim.SGD(a, lr=0.1)


def test_params_without_grad_are_skipped_and_zero_grad():
    a, b = nn.Parameter(mg.ones(2)), nn.Parameter(mg.ones(2))
    opt = optim.SGD([a, b], lr=1.0)
    a.grad = mg.ones(2)
    opt.step()
    np.testing.assert_array_equal(a.numpy(), [0, 0])
    np.testing.assert_array_equal(b.numpy(), [1, 1])
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(a.grad.numpy(), [0, 0])
    opt.zero_grad()
    assert a.grad is None


def test_step_bumps_version_so_stale_graph_is_refused():
    p = nn.Parameter(mg.tensor([1.0, 2.0]))
    opt = optim.SGD([p], lr=0.1)
    y = (p * p)
    p.grad = mg.ones(2)
    data_before = p.data
    opt.step()
    assert p.data is data_before        # updated in place
    with pytest.raises(RuntimeError, match="in-place"):
        y.backward(mg.ones(2))


def test_closure_and_training_reduces_loss():
    p = nn.Parameter(mg.tensor([3.0, -2.0]))
    opt = optim.Adam([p], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum() if hasattr(p, "sum") else None
        loss.backward()
        return loss
    if not hasattr(mg.functional, "sum"):
        pytest.skip("reductions not available yet")
    first = float(closure())
    for _ in range(50):
        opt.step(closure)
    assert float(closure()) < first


def _plain(obj):
    """True when obj is built only from dicts/lists/tuples, NumPy arrays, numbers, strings."""
    if isinstance(obj, dict):
        return all(_plain(v) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return all(_plain(v) for v in obj)
    return isinstance(obj, (np.ndarray, int, float, bool, str, type(None)))


@pytest.mark.parametrize("name", list(CONFIGS))
def test_state_dict_resume_equals_continuous(name, tmp_path):
    w0, grads = _data(3)
    kw = CONFIGS[name][-1]
    full, _ = _run_minigrad(name, kw, w0, grads)
    half, opt = _run_minigrad(name, kw, w0, grads[:3])
    sd = opt.state_dict()
    assert _plain(sd)
    # through npz: flatten the state to arrays, numbers in a JSON-able dict
    flat = {f"{i}.{k}": np.asarray(v) for i, st in sd["state"].items() for k, v in st.items()}
    np.savez(tmp_path / "opt.npz", **flat)
    loaded = np.load(tmp_path / "opt.npz", allow_pickle=False)
    state = {}
    for key in loaded.files:
        i, k = key.split(".", 1)
        state.setdefault(int(i), {})[k] = loaded[key]
    ps = [nn.Parameter(mg.tensor(w)) for w in half[-1]]
    opt2 = getattr(optim, name)(ps, lr=123.0) if name == "SGD" else getattr(optim, name)(ps)
    opt2.load_state_dict({"state": state, "param_groups": sd["param_groups"]})
    assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
    for gs in grads[3:]:
        for p, g in zip(ps, gs):
            p.grad = mg.tensor(g)
        opt2.step()
    for p, w in zip(ps, full[-1]):
        np.testing.assert_allclose(p.numpy(), w, rtol=1e-13)


def test_load_state_dict_group_mismatch():
    opt = optim.SGD([nn.Parameter(mg.zeros(2))], lr=0.1)
    other = optim.SGD([nn.Parameter(mg.zeros(2)), nn.Parameter(mg.zeros(2))], lr=0.1)
    with pytest.raises(ValueError, match="parameters"):
        opt.load_state_dict(other.state_dict())


def test_adam_tf_epsilon_form():
    w, g = np.array([0.5, -1.0]), np.array([0.3, -0.2])
    p = nn.Parameter(mg.tensor(w))
    opt = optim.Adam([p], lr=0.01, eps=1e-7, eps_mode="tf")
    m = v = 0
    for t in range(1, 4):
        p.grad = mg.tensor(g)
        opt.step()
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        lr_t = 0.01 * math.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        w = w - lr_t * m / (np.sqrt(v) + 1e-7)
        np.testing.assert_allclose(p.numpy(), w, rtol=1e-13)


# ----------------------------------------------------------------------------- clipping

def test_clip_grad_norm_matches_torch():
    rng = np.random.default_rng(4)
    gs = [rng.standard_normal(s) for s in SHAPES]
    for norm_type, max_norm in [(2.0, 1.0), (1.0, 0.5), (math.inf, 0.3), (2.0, 100.0)]:
        ps = [nn.Parameter(mg.zeros(*s, dtype=mg.float64)) for s in SHAPES]
        tps = [torch.zeros(*s, dtype=torch.float64, requires_grad=True) for s in SHAPES]
        for p, tp, g in zip(ps, tps, gs):
            p.grad, tp.grad = mg.tensor(g), torch.from_numpy(g.copy())
        total = nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
        ttotal = torch.nn.utils.clip_grad_norm_(tps, max_norm, norm_type)
        assert float(total) == pytest.approx(float(ttotal), rel=1e-12)
        for p, tp in zip(ps, tps):
            np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-12)


def test_clip_grad_value_and_nonfinite():
    p = nn.Parameter(mg.zeros(3, dtype=mg.float64))
    p.grad = mg.tensor([-2.0, 0.5, 3.0], dtype=mg.float64)
    nn.utils.clip_grad_value_([p], 1.0)
    np.testing.assert_array_equal(p.grad.numpy(), [-1.0, 0.5, 1.0])
    p.grad = mg.tensor([np.inf, 0.0, 0.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_(p, 1.0, error_if_nonfinite=True)


# ----------------------------------------------------------------------------- schedulers

def _pair(lr=0.1):
    p = nn.Parameter(mg.zeros(1))
    tp = torch.nn.Parameter(torch.zeros(1))
    return (optim.SGD([p], lr=lr), torch.optim.SGD([tp], lr=lr))


SCHEDULERS = [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[2, 5, 9], gamma=0.1)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=10, eta_min=0.01)),
    ("PolynomialLR", dict(total_iters=8, power=0.9)),
    ("LambdaLR", dict(lr_lambda=lambda t: 1 / (1 + t))),
]


@pytest.mark.parametrize("name,kw", SCHEDULERS, ids=[s[0] for s in SCHEDULERS])
def test_scheduler_matches_torch(name, kw):
    opt, topt = _pair()
    s = getattr(lrs, name)(opt, **kw)
    ts = getattr(torch.optim.lr_scheduler, name)(topt, **kw)
    for _ in range(12):
        assert s.get_last_lr() == pytest.approx(ts.get_last_lr(), rel=1e-12, abs=1e-15)
        assert opt.param_groups[0]["lr"] == pytest.approx(topt.param_groups[0]["lr"], rel=1e-12,
                                                          abs=1e-15)
        opt.step()
        topt.step()
        s.step()
        ts.step()


def test_book_schedules():
    opt, _ = _pair(3e-3)
    s = lrs.ExpFloorLR(opt, lr_min=1e-4, decay_speed=2000)
    assert opt.param_groups[0]["lr"] == pytest.approx(3e-3)
    for _ in range(2000):
        s.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(1e-4 + 2.9e-3 * math.exp(-1))
    opt, _ = _pair(1.0)
    s = lrs.ExpFloorLR(opt, lr_min=1e-4, amplitude=0.03, decay_speed=1000)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.0301)
    opt, _ = _pair(0.1)
    s = lrs.ExponentialDecayLR(opt, decay_rate=0.9, decay_steps=100, staircase=True)
    seen = []
    for t in range(301):
        seen.append(opt.param_groups[0]["lr"])
        s.step()
    assert seen[99] == pytest.approx(0.1) and seen[100] == pytest.approx(0.09)
    assert seen[299] == pytest.approx(0.081) and seen[300] == pytest.approx(0.0729)
    opt, _ = _pair(0.1)
    s = lrs.ExponentialDecayLR(opt, decay_rate=0.9, decay_steps=100, staircase=False)
    s.step(50)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1 * 0.9 ** 0.5)


@pytest.mark.parametrize("kw", [dict(), dict(mode="max", patience=2, cooldown=1),
                                dict(threshold_mode="abs", threshold=0.1, patience=1, min_lr=0.002)])
def test_reduce_on_plateau_matches_torch(kw):
    opt, topt = _pair()
    s = lrs.ReduceLROnPlateau(opt, **kw)
    ts = torch.optim.lr_scheduler.ReduceLROnPlateau(topt, **kw)
    metrics = [1.0, 0.9, 0.95, 0.95, 0.95, 0.89, 0.9] * 5 + [0.5] * 15
    for m in metrics:
        s.step(m)
        ts.step(m)
        assert opt.param_groups[0]["lr"] == pytest.approx(topt.param_groups[0]["lr"], rel=1e-12)


def test_scheduler_state_dict_round_trip():
    opt, _ = _pair()
    s = lrs.StepLR(opt, step_size=2, gamma=0.5)
    for _ in range(5):
        s.step()
    sd = s.state_dict()
    assert _plain(sd)
    opt2, _ = _pair()
    s2 = lrs.StepLR(opt2, step_size=7, gamma=0.9)
    s2.load_state_dict(sd)
    s.step()
    s2.step()
    assert s2.get_last_lr() == s.get_last_lr() and s2.last_epoch == 6
    p = lrs.ReduceLROnPlateau(opt)
    p.step(1.0)
    assert _plain(p.state_dict()) and p.state_dict()["best"] == 1.0


def test_frozen_subtree_bit_identical_and_two_optimizers_on_disjoint_subsets():
    """E-1: freezing keeps parameters bit-identical; GAN-style optimizers on disjoint subsets."""
    mg.manual_seed(0)
    gen, disc = nn.Linear(3, 3), nn.Linear(3, 1)
    frozen = nn.Linear(3, 3).requires_grad_(False)
    before = frozen.weight.numpy().copy()
    d_before = disc.weight.numpy().copy()
    opt_g = optim.Adam(gen.parameters(), lr=0.1, betas=(0.5, 0.999))
    opt_d = optim.SGD(disc.parameters(), lr=0.1)
    x = mg.randn(4, 3)
    for _ in range(3):
        opt_g.zero_grad()
        disc.zero_grad()
        out = disc(frozen(gen(x)))
        out.backward(mg.ones(*out.shape))
        opt_g.step()                         # only the generator moves
    np.testing.assert_array_equal(frozen.weight.numpy(), before)
    np.testing.assert_array_equal(disc.weight.numpy(), d_before)
    assert frozen.weight.grad is None
    opt_d.step()
    assert not np.array_equal(disc.weight.numpy(), d_before)


def test_inverse_time_and_warmup_piecewise():
    opt, _ = _pair(0.5)
    s = lrs.InverseTimeDecayLR(opt, decay=0.1)
    for _ in range(10):
        s.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(0.25)
    opt, _ = _pair(1e-2)                         # SD-20: 1e-3 -> 1e-2, then 1e-3 at 75, 1e-4 at 105
    s = lrs.WarmupPiecewiseLR(opt, warmup_steps=5, milestones=[75, 105], factors=[0.1, 0.01])
    seen = []
    for _ in range(110):
        seen.append(opt.param_groups[0]["lr"])
        s.step()
    assert seen[0] == pytest.approx(1e-3) and seen[5] == pytest.approx(1e-2)
    assert seen[3] == pytest.approx(1e-3 + 9e-3 * 3 / 5)
    assert seen[74] == pytest.approx(1e-2) and seen[75] == pytest.approx(1e-3)
    assert seen[104] == pytest.approx(1e-3) and seen[105] == pytest.approx(1e-4)
    with pytest.raises(ValueError):
        lrs.WarmupPiecewiseLR(opt, 5, milestones=[1], factors=[])
