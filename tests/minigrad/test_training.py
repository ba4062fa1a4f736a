"""Trainer: fitting, history, callbacks (early stopping, checkpoints, loggers), schedules,
in-process resume equality, progress-bar policy and PNG outputs."""
import json
import os

import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset
from minigrad.io import latest_checkpoint
from minigrad.training import (Checkpoint, EarlyStopping, HistoryLogger, LambdaCallback,
                               ModelCheckpoint, Trainer, metrics, plot_history,
                               progress_enabled, save_image_grid)


def blobs(n=240, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    centers = np.array([[2, 0], [-1, 1.7], [-1, -1.7]], np.float32)
    x = (centers[y] + 0.5 * rng.standard_normal((n, 2))).astype(np.float32)
    return x, y


class MLP(nn.Module):
    def __init__(self, p=0.2):
        super().__init__()
        self.fc1, self.fc2, self.p = nn.Linear(2, 16), nn.Linear(16, 3), p

    def forward(self, x):
        h = F.dropout(self.fc1(x).tanh(), self.p, training=self.training)
        return self.fc2(h)


def make_trainer(seed=0, callbacks=(), val=True, scheduler=None, interval="step", lr=0.05,
                 progress=False):
    mg.manual_seed(seed)
    x, y = blobs()
    model = MLP()
    opt = optim.Adam(model.parameters(), lr=lr)
    sched = scheduler(opt) if scheduler else None
    train = DataLoader(TensorDataset(x[:200], y[:200]), batch_size=25, shuffle=True, seed=seed)
    valid = DataLoader(TensorDataset(x[200:], y[200:]), batch_size=50) if val else None
    return Trainer(model, opt, F.cross_entropy, train, valid, scheduler=sched,
                   scheduler_interval=interval, metrics={"acc": metrics.accuracy},
                   callbacks=list(callbacks), progress=progress, verbose=False)


def params(model):
    return [p.numpy().copy() for p in model.parameters()]


def test_fit_learns_and_records_history():
    t = make_trainer()
    h = t.fit(epochs=4)
    assert t.epoch == 4 and t.step == 32
    assert h["epoch"] == [1, 2, 3, 4] and h["step"] == [8, 16, 24, 32]
    assert h["loss"][-1] < h["loss"][0] and h["val_acc"][-1] > 0.9
    assert len(h.steps["loss"]) == 32
    ev = t.evaluate(t.val_loader)
    assert ev["acc"] == pytest.approx(h["val_acc"][-1]) and ev["loss"] == pytest.approx(h["val_loss"][-1])
    out = t.predict(t.val_loader)
    assert out.shape == (40, 3)
    assert metrics.accuracy(blobs()[1][200:], out) == pytest.approx(ev["acc"])


def test_max_steps_stops_mid_epoch_and_totals_count_across_calls():
    t = make_trainer()
    t.fit(max_steps=11)
    assert t.step == 11 and t.epoch == 2 and t.history["step"] == [8, 11]
    t.fit(epochs=3)              # the partial epoch counted; one more full epoch follows
    assert t.epoch == 3 and t.step == 19 and t.history["step"] == [8, 11, 19]


def test_step_scheduler_and_epoch_plateau_scheduler():
    t = make_trainer(scheduler=lambda o: optim.lr_scheduler.ExpFloorLR(o, lr_min=1e-3,
                                                                      decay_speed=10))
    t.fit(epochs=2)
    assert t.optimizer.param_groups[0]["lr"] == pytest.approx(1e-3 + (0.05 - 1e-3) * np.exp(-1.6))
    t2 = make_trainer(scheduler=lambda o: optim.lr_scheduler.ReduceLROnPlateau(o, patience=0,
                                                                              factor=0.5),
                      interval="epoch", lr=1e-6)       # lr too small: val loss barely moves
    t2.fit(epochs=3)
    assert t2.history["lr"][-1] < 1e-6


def test_early_stopping_patience_and_best_weight_restore():
    model = nn.Linear(2, 1)

    class Fake:
        pass

    fake = Fake()
    fake.model, fake.stop_training = model, False
    es = EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    snapshots = []
    for epoch, loss in enumerate([3.0, 2.0, 2.5, 2.1, 2.6], 1):
        with mg.no_grad():
            model.weight.data[...] = epoch
        snapshots.append(params(model))
        fake.epoch = epoch
        es.on_epoch_end(fake, {"val_loss": loss})
        assert fake.stop_training == (epoch == 5)
    es.on_train_end(fake)
    assert es.best_epoch == 2 and es.stopped_epoch == 5
    np.testing.assert_array_equal(model.weight.numpy(), snapshots[1][0])
    with pytest.raises(KeyError, match="val_acc"):
        EarlyStopping("val_acc").on_epoch_end(fake, {"val_loss": 1.0})
    assert EarlyStopping("val_acc").mode == "max"


def test_early_stopping_stops_a_real_run():
    es = EarlyStopping(monitor="val_loss", patience=1, min_delta=10.0, restore_best_weights=True)
    t = make_trainer(callbacks=[es])
    t.fit(epochs=10)
    assert t.epoch == 3 and es.best_epoch == 1        # min_delta 10: nothing counts as better


def test_checkpoint_callbacks_and_loggers(tmp_path):
    ck = Checkpoint(tmp_path / "ck", every_n_steps=5, every_n_epochs=None, max_to_keep=2)
    best = ModelCheckpoint(str(tmp_path / "m" / "model-{epoch:02d}-{val_acc:.3f}.npz"),
                           monitor="val_acc", save_best_only=True)
    t = make_trainer(callbacks=[ck, best, HistoryLogger(str(tmp_path / "h.json")),
                                HistoryLogger(str(tmp_path / "h.csv"))])
    t.fit(epochs=3)
    assert sorted(os.listdir(tmp_path / "ck")) == ["checkpoint.json", "ckpt-15.npz", "ckpt-20.npz"]
    state = mg.load(latest_checkpoint(tmp_path / "ck"))
    assert state["step"] == 20 and state["loader"] == {"seed": 0, "epoch": 2, "batch": 4}
    assert set(state) >= {"model", "optimizer", "scheduler", "epoch", "rng", "history"}
    assert best.saved and all(os.path.exists(p) for p in best.saved)
    assert set(mg.load(best.saved[-1])) == {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"}
    h = json.loads((tmp_path / "h.json").read_text())
    assert h["epochs"]["epoch"] == [1, 2, 3]
    lines = (tmp_path / "h.csv").read_text().splitlines()
    assert lines[0].startswith("epoch,step,loss") and len(lines) == 4


def test_resume_in_process_is_bit_identical(tmp_path):
    ref = make_trainer()
    ref.fit(epochs=3)
    first = make_trainer(callbacks=[Checkpoint(tmp_path, every_n_steps=3, every_n_epochs=None)])
    first.fit(max_steps=13)                           # last checkpoint at step 12 (epoch 2, batch 4)
    resumed = make_trainer(seed=123, callbacks=[Checkpoint(tmp_path, every_n_steps=3,
                                                           every_n_epochs=None)])
    assert resumed.resume(str(tmp_path)).endswith("ckpt-12.npz")
    assert resumed.step == 12 and resumed.epoch == 1
    resumed.fit(epochs=3)
    for a, b in zip(params(ref.model), params(resumed.model)):
        np.testing.assert_array_equal(a, b)
    assert resumed.history.as_dict() == {**ref.history.as_dict(),
                                         "epochs": {**ref.history.epochs,
                                                    "time": resumed.history["time"]}}


def test_resume_from_empty_directory_returns_none_and_from_a_file(tmp_path):
    assert make_trainer().resume(str(tmp_path)) is None
    t = make_trainer()
    t.fit(max_steps=5)
    t.save_checkpoint(str(tmp_path / "c.npz"))
    t2 = make_trainer(seed=9)
    assert t2.resume(str(tmp_path / "c.npz")) == str(tmp_path / "c.npz") and t2.step == 5
    for a, b in zip(params(t.model), params(t2.model)):
        np.testing.assert_array_equal(a, b)


def test_progress_policy(monkeypatch, capsys):
    class Tty:
        def isatty(self):
            return True

    monkeypatch.delenv("CI", raising=False)
    assert progress_enabled(Tty()) and not progress_enabled(open(os.devnull, "w"))
    monkeypatch.setenv("CI", "true")
    assert not progress_enabled(Tty())
    t = make_trainer(progress=None)
    assert t.progress is False
    t.progress, t.verbose = True, True
    t.fit(epochs=1)
    err = capsys.readouterr()
    assert "8/8" in err.err and "epoch 1" in err.err + err.out


def test_plot_history_and_image_grid(tmp_path):
    from PIL import Image

    t = make_trainer()
    t.fit(epochs=2)
    path = plot_history(t.history, str(tmp_path / "curve.png"), title="blobs")
    with Image.open(path) as im:
        assert im.format == "PNG" and im.size[0] > 500
    grid = save_image_grid(np.random.default_rng(0).random((10, 1, 8, 8)), str(tmp_path / "g.png"),
                           nrow=5)
    with Image.open(grid) as im:
        assert im.size == (5 * 10 + 2, 2 * 10 + 2)
    assert sorted(os.listdir(tmp_path)) == ["curve.png", "g.png"]
    with pytest.raises(ValueError):
        save_image_grid(np.zeros((2, 2, 4, 4)), str(tmp_path / "bad.png"))


def test_bad_arguments():
    t = make_trainer()
    with pytest.raises(ValueError, match="epochs"):
        t.fit()
    with pytest.raises(ValueError, match="scheduler_interval"):
        make_trainer(interval="batch")
    with pytest.raises(TypeError, match="Callback"):
        make_trainer(callbacks=[object()])
    cb = LambdaCallback(on_step_end=lambda tr, logs: setattr(tr, "stop_training", True))
    t2 = make_trainer(callbacks=[cb])
    t2.fit(epochs=5)
    assert t2.step == 1
    with pytest.raises(ValueError, match="unknown hook"):
        LambdaCallback(on_batch=lambda: 0)


def test_periodic_callback():
    from minigrad.training import Periodic

    seen = []
    t = make_trainer(callbacks=[Periodic(lambda tr, logs: seen.append(tr.epoch), every_n_epochs=2)])
    t.fit(epochs=5)
    assert seen == [2, 4]
    with pytest.raises(ValueError):
        Periodic(print, 0)
