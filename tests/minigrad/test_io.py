"""minigrad.save / minigrad.load (npz, no pickle, atomic writes) and CheckpointManager."""
import json
import math
import os
import zipfile

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim
from minigrad.io import CheckpointManager, atomic_open, latest_checkpoint


def test_round_trip_of_nested_structures(tmp_path):
    obj = {
        "w": mg.randn(3, 4), "idx": mg.tensor([1, 2, 3]), "arr": np.arange(6).reshape(2, 3),
        "f16": np.ones(2, np.float16), "scalar": np.float32(1.5), "flag": np.bool_(True),
        "n": 3, "x": 2.5, "nan": float("nan"), "inf": -math.inf, "s": "héllo", "none": None,
        "yes": True, "raw": b"\x00\xff", "tup": (1, "a", (2.0,)), "lst": [mg.zeros(1), {"k": 1}],
        "state": {0: {"step": 4}, 1: {"step": 5}}, ("a", 1): "tuple key", "$odd": 1, "empty": {},
    }
    path = tmp_path / "obj.npz"
    mg.save(obj, path)
    back = mg.load(path)
    assert set(back) == set(obj)
    assert isinstance(back["w"], mg.Tensor) and back["w"].dtype == np.float32
    np.testing.assert_array_equal(back["w"].numpy(), obj["w"].numpy())
    assert back["idx"].dtype == np.int64 and back["idx"].tolist() == [1, 2, 3]
    assert isinstance(back["arr"], np.ndarray) and back["arr"].tolist() == obj["arr"].tolist()
    assert back["f16"].dtype == np.float16
    assert back["scalar"] == np.float32(1.5) and back["scalar"].dtype == np.float32
    assert back["flag"] is np.True_ or back["flag"] == True  # noqa: E712
    assert back["n"] == 3 and isinstance(back["n"], int) and back["x"] == 2.5
    assert math.isnan(back["nan"]) and back["inf"] == -math.inf
    assert back["s"] == "héllo" and back["none"] is None and back["yes"] is True
    assert back["raw"] == b"\x00\xff"
    assert back["tup"] == (1, "a", (2.0,)) and isinstance(back["tup"][2], tuple)
    assert isinstance(back["lst"], list) and back["lst"][1] == {"k": 1}
    assert back["state"] == {0: {"step": 4}, 1: {"step": 5}}
    assert back[("a", 1)] == "tuple key" and back["$odd"] == 1 and back["empty"] == {}


def test_compressed_save(tmp_path):
    w = mg.zeros(10000)
    mg.save({"w": w}, tmp_path / "plain.npz")
    mg.save({"w": w}, tmp_path / "small.npz", compress=True)
    assert os.path.getsize(tmp_path / "small.npz") < os.path.getsize(tmp_path / "plain.npz") / 10
    np.testing.assert_array_equal(mg.load(tmp_path / "small.npz")["w"].numpy(), w.numpy())


def test_file_is_plain_npz_without_pickle(tmp_path):
    path = tmp_path / "ckpt.npz"
    mg.save({"w": mg.ones(2), "meta": {"epoch": 1}}, path)
    with np.load(path, allow_pickle=False) as z:                 # loads without pickle
        assert all(z[k].dtype != object for k in z.files)
    with zipfile.ZipFile(path) as z:
        assert all(n.endswith(".npy") for n in z.namelist())


def test_unsupported_objects_are_refused(tmp_path):
    with pytest.raises(TypeError, match="no pickle"):
        mg.save({"f": lambda x: x}, tmp_path / "a.npz")
    with pytest.raises(TypeError, match="object array"):
        mg.save({"o": np.array([{}, 1], dtype=object)}, tmp_path / "a.npz")
    with pytest.raises(TypeError, match="key"):
        mg.save({object(): 1}, tmp_path / "a.npz")
    assert not os.listdir(tmp_path)


def test_pickled_npz_is_rejected(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, o=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="not a readable"):
        mg.load(path)


def test_plain_numpy_npz_loads_as_tensors(tmp_path):
    np.savez(tmp_path / "plain.npz", a=np.arange(3), b=np.ones((2, 2), np.float32))
    back = mg.load(tmp_path / "plain.npz")
    assert isinstance(back["a"], mg.Tensor) and back["b"].shape == (2, 2)


def test_corrupt_and_missing_files(tmp_path):
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="bad.npz"):
        mg.load(tmp_path / "bad.npz")
    with pytest.raises(FileNotFoundError):
        mg.load(tmp_path / "missing.npz")


def test_crash_mid_write_keeps_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    mg.save({"epoch": 1, "w": mg.ones(1000)}, path)
    before = path.read_bytes()

    def crash(f, **arrays):
        f.write(b"PK partial garbage")
        raise KeyboardInterrupt("killed mid-write")

    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(KeyboardInterrupt):
        mg.save({"epoch": 2, "w": mg.zeros(1000)}, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["ckpt.npz"]
    monkeypatch.undo()
    assert mg.load(path)["epoch"] == 1


def test_atomic_open_text_mode(tmp_path):
    with atomic_open(tmp_path / "a.json", "w") as f:
        json.dump({"a": 1}, f)
    assert json.loads((tmp_path / "a.json").read_text()) == {"a": 1}


def test_model_and_optimizer_state_round_trip(tmp_path):
    model = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))
    opt = optim.Adam(model.parameters(), lr=0.1)
    sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    for _ in range(2):
        loss = (model(mg.randn(5, 4)) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    mg.save({"model": model.state_dict(), "optimizer": opt.state_dict(),
             "scheduler": sched.state_dict(), "rng": mg.get_rng_state()}, tmp_path / "c.npz")
    ck = mg.load(tmp_path / "c.npz")
    model2 = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))
    opt2 = optim.Adam(model2.parameters(), lr=0.1)
    sched2 = optim.lr_scheduler.StepLR(opt2, step_size=1, gamma=0.5)
    model2.load_state_dict(ck["model"])
    opt2.load_state_dict(ck["optimizer"])
    sched2.load_state_dict(ck["scheduler"])
    mg.set_rng_state(ck["rng"])
    x = mg.randn(5, 4)
    mg.set_rng_state(ck["rng"])
    x2 = mg.randn(5, 4)
    np.testing.assert_array_equal(x.numpy(), x2.numpy())
    for m, o, s in ((model, opt, sched), (model2, opt2, sched2)):
        loss = (m(x) ** 2).mean()
        o.zero_grad()
        loss.backward()
        o.step()
        s.step()
    for p, q in zip(model.parameters(), model2.parameters()):
        np.testing.assert_array_equal(p.numpy(), q.numpy())
    assert opt.param_groups[0]["lr"] == opt2.param_groups[0]["lr"]


def test_checkpoint_manager_rotation_and_latest(tmp_path):
    mgr = CheckpointManager(tmp_path, prefix="run", max_to_keep=2)
    assert mgr.latest is None and mgr.restore() is None
    for step in (10, 20, 30):
        mgr.save({"step": step}, step, config={"lr": 0.1})
    assert sorted(os.listdir(tmp_path)) == ["checkpoint.json", "run-20.json", "run-20.npz",
                                            "run-30.json", "run-30.npz"]
    assert latest_checkpoint(tmp_path) == str(tmp_path / "run-30.npz")
    assert mgr.restore()["step"] == 30 and CheckpointManager.step_of(mgr.latest) == 30
    assert [os.path.basename(p) for p in mgr.checkpoints] == ["run-20.npz", "run-30.npz"]
    assert latest_checkpoint(tmp_path / "empty") is None
