"""A training run killed with SIGKILL mid-epoch and resumed from its last checkpoint ends with
parameters bit-identical to an uninterrupted run with the same seed (separate processes)."""
import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import minigrad as mg

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SCRIPT = textwrap.dedent('''
    import sys, time
    import numpy as np
    import minigrad as mg
    import minigrad.functional as F
    from minigrad import nn, optim
    from minigrad.data import DataLoader, TensorDataset
    from minigrad.training import Checkpoint, LambdaCallback, Trainer, metrics

    out, resume, delay = sys.argv[1], sys.argv[2] == "resume", float(sys.argv[3])
    mg.manual_seed(0)
    rng = np.random.default_rng(0)
    y = rng.integers(0, 4, 320)
    x = (np.eye(4, 6)[y] * 2 + rng.standard_normal((320, 6))).astype(np.float32)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = nn.Linear(6, 32), nn.Linear(32, 4)
        def forward(self, x):
            return self.b(F.dropout(self.a(x).relu(), 0.3, training=self.training))

    model = Net()
    opt = optim.Adam(model.parameters(), lr=0.01)
    sched = optim.lr_scheduler.ExpFloorLR(opt, lr_min=1e-3, decay_speed=20)
    loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)   # seed from manual_seed
    def report(t, logs):
        print("STEP", t.step, flush=True)
        time.sleep(delay)
    trainer = Trainer(model, opt, F.cross_entropy, loader, scheduler=sched,
                      metrics={"acc": metrics.accuracy}, progress=False, verbose=False,
                      callbacks=[Checkpoint(out + "/ckpt", every_n_steps=4, every_n_epochs=None),
                                 LambdaCallback(on_step_end=report)])
    if resume:
        print("RESUMED", trainer.resume(out + "/ckpt"), flush=True)
    trainer.fit(epochs=3)
    mg.save({"params": dict(model.state_dict()), "history": trainer.history.as_dict()["steps"]},
            out + "/final.npz")
    print("DONE", trainer.step, flush=True)
''')


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_sigkill_mid_epoch_then_resume_is_bit_identical(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    full, crash = tmp_path / "full", tmp_path / "crash"
    full.mkdir()
    crash.mkdir()
    subprocess.run([sys.executable, str(script), str(full), "fresh", "0"], check=True,
                   env=_env(), capture_output=True, timeout=300)
    # 10 steps per epoch; kill after step 17 was reported (epoch 2, batch 7)
    proc = subprocess.Popen([sys.executable, str(script), str(crash), "fresh", "0.05"],
                            stdout=subprocess.PIPE, text=True, env=_env())
    try:
        for line in proc.stdout:
            if line.strip() == "STEP 17":
                os.kill(proc.pid, signal.SIGKILL)
                break
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert not (crash / "final.npz").exists()
    latest = mg.io.latest_checkpoint(crash / "ckpt")
    step = mg.io.CheckpointManager.step_of(latest)
    assert 16 <= step < 30 and step % 10                # a mid-epoch checkpoint survived
    done = subprocess.run([sys.executable, str(script), str(crash), "resume", "0"], check=True,
                          env=_env(), capture_output=True, text=True, timeout=300)
    assert f"RESUMED {latest}" in done.stdout and "DONE 30" in done.stdout
    a, b = mg.load(full / "final.npz"), mg.load(crash / "final.npz")
    assert set(a["params"]) == set(b["params"])
    for k in a["params"]:
        np.testing.assert_array_equal(a["params"][k].numpy(), b["params"][k].numpy())
    assert a["history"] == b["history"]


@pytest.mark.parametrize("bad", ["truncated", "garbage"])
def test_damaged_newest_file_does_not_replace_the_index_target(tmp_path, bad):
    """The index names a checkpoint only after it is complete; a stray damaged file beside it
    (e.g. a leftover from a crash) is never picked up."""
    mgr = mg.io.CheckpointManager(tmp_path)
    mgr.save({"step": 1}, 1)
    (tmp_path / ".ckpt-2.npz.abc.tmp").write_bytes(b"PK\x03\x04" if bad == "truncated" else b"x")
    assert mg.load(mg.io.latest_checkpoint(tmp_path))["step"] == 1
