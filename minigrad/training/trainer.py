"""A small fit loop (E-13): epochs or steps, validation, metrics, callbacks, an lr schedule,
a progress bar, history, and checkpoints that resume bit-exactly.

    trainer = Trainer(model, optim.Adam(model.parameters(), 1e-3), F.cross_entropy,
                      train_loader, val_loader, metrics={"acc": metrics.accuracy},
                      callbacks=[Checkpoint("runs/x", every_n_steps=200)])
    history = trainer.fit(epochs=5)
    trainer.resume("runs/x"); trainer.fit(epochs=5)     # after a crash: continues where it was

**Resuming.** ``state_dict()`` captures everything the rest of the run depends on: parameters,
optimizer and scheduler state, epoch and step counters, the training loader's position (its
seed, epoch and batches already consumed — the batch order is a pure function of those),
minigrad's default CPU RNG state (dropout, augmentation), the running sums of the epoch in
progress, the history and every callback's state. A run killed at any point and resumed from
its last checkpoint therefore ends with bit-identical parameters to an uninterrupted run
(``tests/minigrad/test_resume.py`` kills one with SIGKILL to prove it). On the GPU the CuPy
generator state cannot be saved, so dropout masks after a resume differ there.

Customise a step by subclassing and overriding :meth:`Trainer.training_step`.
"""
import math
import os
import sys
import time

import numpy as np

from ..autograd import no_grad
from ..data.dataloader import _to_device
from ..random import default_generator
from .callbacks import Callback
from .metrics import StreamingMean

__all__ = ["Trainer", "History", "progress_enabled"]


def progress_enabled(stream=None):
    """Progress bars are drawn only on a terminal and never when ``CI`` is set."""
    stream = sys.stderr if stream is None else stream
    if os.environ.get("CI"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class History:
    """Per-epoch rows (``epochs``: name → list) and per-step training loss (``steps``)."""

    def __init__(self):
        self.epochs = {}
        self.steps = {"step": [], "loss": []}

    def append(self, row):
        n = len(next(iter(self.epochs.values()))) if self.epochs else 0
        for k in row:
            if k not in self.epochs:
                self.epochs[k] = [math.nan] * n
        for k, values in self.epochs.items():
            values.append(float(row.get(k, math.nan)))

    def __getitem__(self, key):
        return self.epochs[key]

    def __contains__(self, key):
        return key in self.epochs

    def as_dict(self):
        return {"epochs": self.epochs, "steps": self.steps}

    def load_dict(self, d):
        self.epochs = {k: [float(v) for v in vals] for k, vals in d["epochs"].items()}
        self.steps = {k: list(v) for k, v in d["steps"].items()}


def _to(batch, device):
    return batch if device is None else _to_device(batch, device)


class Trainer:
    """Train ``model`` with ``optimizer`` on ``loss_fn(outputs, targets)``.

    Batches are ``(inputs..., targets)``; the model is called on the inputs. ``metrics`` maps
    names to ``fn(y_true, y_pred) -> float`` (:mod:`minigrad.training.metrics`); they are
    averaged over the training batches (train-mode outputs, as Keras reports them) and computed
    on the whole validation set. ``scheduler`` is stepped every optimizer step
    (``scheduler_interval="step"``) or every epoch (``"epoch"``; a ``ReduceLROnPlateau`` gets the
    ``monitor`` value). ``progress``: ``None`` draws a tqdm bar only on a terminal without
    ``CI``; ``verbose`` prints epoch summary lines (at most ~20 per run).
    """

    def __init__(self, model, optimizer, loss_fn, train_loader, val_loader=None,
                 scheduler=None, scheduler_interval="step", metrics=None, callbacks=(),
                 device=None, progress=None, verbose=True, monitor="val_loss"):
        if scheduler_interval not in ("step", "epoch"):
            raise ValueError(f"scheduler_interval must be 'step' or 'epoch', got "
                             f"{scheduler_interval!r}")
        self.model, self.optimizer, self.loss_fn = model, optimizer, loss_fn
        self.train_loader, self.val_loader = train_loader, val_loader
        self.scheduler, self.scheduler_interval = scheduler, scheduler_interval
        self.metrics = dict(metrics or {})
        self.callbacks = list(callbacks)
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"callbacks must be Callback instances, got {type(cb).__name__}")
        self.device = device
        self.progress = progress_enabled() if progress is None else progress
        self.verbose = verbose
        self.monitor = monitor
        self.epoch = 0                 # epochs completed
        self.step = 0                  # optimizer steps taken
        self.stop_training = False
        self.history = History()
        self._running = {}             # name -> StreamingMean for the epoch in progress
        if device is not None:
            model.to(device)

    # ------------------------------------------------------------------ one step
    def _split(self, batch):
        if isinstance(batch, (tuple, list)) and len(batch) >= 2:
            return tuple(_to(b, self.device) for b in batch[:-1]), _to(batch[-1], self.device)
        raise TypeError("Trainer: batches must be (inputs..., targets); override "
                        "training_step for other layouts")

    def training_step(self, batch):
        """Forward and loss for one batch: returns ``(loss, outputs, targets)``."""
        inputs, targets = self._split(batch)
        outputs = self.model(*inputs)
        return self.loss_fn(outputs, targets), outputs, targets

    def _train_step(self, batch):
        self.model.train()
        loss, outputs, targets = self.training_step(batch)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        self.step += 1
        n = len(targets) if hasattr(targets, "__len__") else 1
        value = float(loss.item())
        self._running.setdefault("loss", StreamingMean()).update(value, n)
        for name, fn in self.metrics.items():
            self._running.setdefault(name, StreamingMean()).update(fn(targets, outputs.detach()), n)
        lr = self.optimizer.param_groups[0]["lr"]
        if self.scheduler is not None and self.scheduler_interval == "step":
            self.scheduler.step()
        self.history.steps["step"].append(self.step)
        self.history.steps["loss"].append(value)
        return {"loss": value, "lr": lr}

    # ------------------------------------------------------------------ evaluation
    def evaluate(self, loader):
        """Mean loss and metrics over ``loader`` (eval mode, no gradients)."""
        was_training = self.model.training
        self.model.eval()
        total, count, outs, ys = 0.0, 0, [], []
        with no_grad():
            for batch in loader:
                inputs, targets = self._split(batch)
                outputs = self.model(*inputs)
                n = len(targets)
                total += float(self.loss_fn(outputs, targets).item()) * n
                count += n
                if self.metrics:
                    outs.append(outputs.numpy())
                    ys.append(targets.numpy())
        self.model.train(was_training)
        result = {"loss": total / max(count, 1)}
        if self.metrics and outs:
            out, y = np.concatenate(outs), np.concatenate(ys)
            result.update({name: float(fn(y, out)) for name, fn in self.metrics.items()})
        return result

    def predict(self, loader):
        """Model outputs over ``loader`` as one NumPy array (eval mode, no gradients)."""
        was_training = self.model.training
        self.model.eval()
        outs = []
        with no_grad():
            for batch in loader:
                inputs = self._split(batch)[0] if isinstance(batch, (tuple, list)) \
                    else (_to(batch, self.device),)
                outs.append(self.model(*inputs).numpy())
        self.model.train(was_training)
        return np.concatenate(outs)

    # ------------------------------------------------------------------ the loop
    def _call(self, hook, *args):
        for cb in self.callbacks:
            getattr(cb, hook)(self, *args)

    def _end_epoch(self, t0):
        logs = {name: m.result() for name, m in self._running.items()}
        if self.val_loader is not None:
            logs.update({f"val_{k}": v for k, v in self.evaluate(self.val_loader).items()})
        self.epoch += 1
        row = {"epoch": self.epoch, "step": self.step, **logs,
               "lr": self.optimizer.param_groups[0]["lr"], "time": time.perf_counter() - t0}
        if self.scheduler is not None and self.scheduler_interval == "epoch":
            if hasattr(self.scheduler, "is_better"):             # ReduceLROnPlateau
                key = self.monitor if self.monitor in logs else "loss"
                self.scheduler.step(logs[key])
            else:
                self.scheduler.step()
        self.history.append(row)
        self._running = {}
        self._call("on_epoch_end", logs)
        return row

    def _print(self, row, bar, every):
        if not self.verbose or (self.epoch % every and not self.stop_training):
            return
        parts = [f"epoch {self.epoch}", f"step {self.step}"]
        parts += [f"{k} {v:.4f}" for k, v in row.items()
                  if k not in ("epoch", "step", "time", "lr") and not math.isnan(v)]
        parts.append(f"{row['time']:.1f}s")
        line = "  ".join(parts)
        if bar is not None:
            bar.write(line)
        else:
            print(line, flush=True)

    def fit(self, epochs=None, max_steps=None):
        """Train until ``epochs`` epochs or ``max_steps`` optimizer steps have been done in
        total (counting those before a resume), or a callback sets ``stop_training``.
        Returns the :class:`History`."""
        if epochs is None and max_steps is None:
            raise ValueError("fit: give epochs and/or max_steps")
        per_epoch = len(self.train_loader)
        total = max_steps if max_steps is not None else epochs * per_epoch
        if epochs is not None and max_steps is not None:
            total = min(total, epochs * per_epoch)
        n_epochs = epochs if epochs is not None else math.ceil(max_steps / per_epoch)
        every = max(1, math.ceil(n_epochs / 20))
        bar = None
        if self.progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=total, initial=min(self.step, total), unit="step", dynamic_ncols=True)
        self.stop_training = False
        self._call("on_train_begin")
        try:
            while not self.stop_training and self.step < total and \
                    (epochs is None or self.epoch < epochs):
                t0 = time.perf_counter()
                self._call("on_epoch_begin")
                for batch in self.train_loader:
                    logs = self._train_step(batch)
                    if bar is not None:
                        bar.update(1)
                        shown = {k: f"{m.result():.4f}" for k, m in self._running.items()}
                        bar.set_postfix(epoch=self.epoch + 1, **shown, refresh=False)
                    self._call("on_step_end", logs)
                    if self.stop_training or self.step >= total:
                        break
                row = self._end_epoch(t0)
                self._print(row, bar, every)
        finally:
            if bar is not None:
                bar.close()
        self._call("on_train_end")
        return self.history

    # ------------------------------------------------------------------ checkpoints
    def state_dict(self):
        """The full training state (see the module docstring); save with ``minigrad.save``."""
        try:
            rng = default_generator("cpu").get_state()
        except NotImplementedError:                 # pragma: no cover
            rng = None
        return {
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": None if self.scheduler is None else self.scheduler.state_dict(),
            "epoch": self.epoch, "step": self.step,
            "loader": self.train_loader.state_dict() if hasattr(self.train_loader, "state_dict")
            else None,
            "rng": rng,
            "running": {k: m.state_dict() for k, m in self._running.items()},
            "history": self.history.as_dict(),
            "callbacks": [cb.state_dict() if hasattr(cb, "state_dict") else None
                          for cb in self.callbacks],
        }

    def load_state_dict(self, state):
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        if self.scheduler is not None and state.get("scheduler") is not None:
            self.scheduler.load_state_dict(state["scheduler"])
        self.epoch, self.step = int(state["epoch"]), int(state["step"])
        if state.get("loader") is not None:
            self.train_loader.load_state_dict(state["loader"])
        if state.get("rng") is not None:
            default_generator("cpu").set_state(state["rng"])
        self._running = {}
        for k, s in state.get("running", {}).items():
            self._running[k] = StreamingMean()
            self._running[k].load_state_dict(s)
        self.history.load_dict(state["history"])
        for cb, s in zip(self.callbacks, state.get("callbacks", [])):
            if s is not None and hasattr(cb, "load_state_dict"):
                cb.load_state_dict(s)

    def save_checkpoint(self, path):
        from ..io import save

        save(self.state_dict(), path)

    def resume(self, path):
        """Restore from a checkpoint file, or from the latest checkpoint of a directory.
        Returns the path used, or ``None`` when the directory has no checkpoint yet."""
        from ..io import latest_checkpoint, load

        if os.path.isdir(path):
            path = latest_checkpoint(path)
            if path is None:
                return None
        self.load_state_dict(load(path))
        return path
