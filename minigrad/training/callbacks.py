"""Callbacks for :class:`~minigrad.training.Trainer` (E-13).

A callback overrides any of ``on_train_begin(trainer)``, ``on_epoch_begin(trainer)``,
``on_step_end(trainer, logs)``, ``on_epoch_end(trainer, logs)``, ``on_train_end(trainer)``.
``logs`` holds the step's ``loss`` (and ``lr``), or the epoch's means and validation results
(``loss``, ``acc``, ``val_loss``, ``val_acc``, ...). A callback with state that matters for
resuming defines ``state_dict()``/``load_state_dict()``; the trainer saves it in checkpoints.
"""
import json
import math
import os

import numpy as np

from ..io import CheckpointManager, atomic_open, save

__all__ = ["Callback", "EarlyStopping", "Checkpoint", "ModelCheckpoint", "HistoryLogger",
           "LambdaCallback", "Periodic"]


class Callback:
    def on_train_begin(self, trainer):
        pass

    def on_epoch_begin(self, trainer):
        pass

    def on_step_end(self, trainer, logs):
        pass

    def on_epoch_end(self, trainer, logs):
        pass

    def on_train_end(self, trainer):
        pass


class LambdaCallback(Callback):
    """Callbacks from plain functions, e.g. ``LambdaCallback(on_epoch_end=lambda t, logs: ...)``."""

    def __init__(self, **hooks):
        for name, fn in hooks.items():
            if not hasattr(Callback, name):
                raise ValueError(f"LambdaCallback: unknown hook {name!r}")
            setattr(self, name, fn)


class Periodic(Callback):
    """Call ``fn(trainer, logs)`` after every ``every_n_epochs``-th epoch (text samples, GAN
    image grids, ...)."""

    def __init__(self, fn, every_n_epochs=1):
        if every_n_epochs < 1:
            raise ValueError(f"Periodic: every_n_epochs must be >= 1, got {every_n_epochs}")
        self.fn, self.every_n_epochs = fn, every_n_epochs

    def on_epoch_end(self, trainer, logs):
        if trainer.epoch % self.every_n_epochs == 0:
            self.fn(trainer, logs)


def _mode(monitor, mode):
    if mode == "auto":
        return "max" if any(k in monitor for k in ("acc", "auc", "f1", "precision", "recall")) \
            else "min"
    if mode not in ("min", "max"):
        raise ValueError(f"mode must be 'min', 'max' or 'auto', got {mode!r}")
    return mode


def _monitored(logs, monitor, who):
    if monitor not in logs:
        raise KeyError(f"{who}: monitored quantity {monitor!r} is not in the epoch logs "
                       f"{sorted(logs)}; pass a validation loader or monitor one of those")
    return float(logs[monitor])


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience``
    epochs; with ``restore_best_weights`` the model ends with the weights of its best epoch."""

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, mode="auto",
                 restore_best_weights=False):
        self.monitor, self.min_delta, self.patience = monitor, abs(min_delta), patience
        self.mode = _mode(monitor, mode)
        self.restore_best_weights = restore_best_weights
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch, self.wait, self.stopped_epoch = None, 0, None
        self.best_weights = None

    def _improved(self, value):
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, trainer, logs):
        value = _monitored(logs, self.monitor, "EarlyStopping")
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, trainer.epoch, 0
            if self.restore_best_weights:
                self.best_weights = {k: np.array(v.numpy(), copy=True)
                                     for k, v in trainer.model.state_dict().items()}
        else:
            self.wait += 1
            if self.wait > self.patience:
                self.stopped_epoch = trainer.epoch
                trainer.stop_training = True

    def on_train_end(self, trainer):
        if self.restore_best_weights and self.best_weights is not None:
            trainer.model.load_state_dict(self.best_weights)

    def state_dict(self):
        return {"best": self.best, "best_epoch": self.best_epoch, "wait": self.wait,
                "stopped_epoch": self.stopped_epoch, "best_weights": self.best_weights}

    def load_state_dict(self, state):
        self.best, self.best_epoch = state["best"], state["best_epoch"]
        self.wait, self.stopped_epoch = state["wait"], state["stopped_epoch"]
        self.best_weights = state["best_weights"]


class Checkpoint(Callback):
    """Resumable checkpoints of the whole training state (model, optimizer, scheduler, epoch,
    step, data-loader position, RNG state, history, callback states) in ``directory``: every
    ``every_n_steps`` optimizer steps and/or every ``every_n_epochs`` epochs, as
    ``ckpt-{step}.npz`` with an index naming the latest and the ``max_to_keep`` newest kept.
    ``Trainer.resume(directory)`` continues from the latest one."""

    def __init__(self, directory, every_n_steps=None, every_n_epochs=1, max_to_keep=3):
        self.manager = CheckpointManager(directory, "ckpt", max_to_keep)
        self.every_n_steps, self.every_n_epochs = every_n_steps, every_n_epochs

    def save(self, trainer):
        """Write a checkpoint of ``trainer`` now (unless one of this step exists already)."""
        if CheckpointManager.step_of(self.manager.latest or "") != trainer.step:
            self.manager.save(trainer.state_dict(), trainer.step)
        return self.manager.latest

    def on_step_end(self, trainer, logs):
        if self.every_n_steps and trainer.step % self.every_n_steps == 0:
            self.save(trainer)

    def on_epoch_end(self, trainer, logs):
        if self.every_n_epochs and trainer.epoch % self.every_n_epochs == 0:
            self.save(trainer)


class ModelCheckpoint(Callback):
    """Save the model's weights after each epoch to ``filepath``, a template filled with
    ``epoch`` and the epoch logs (``"model-{epoch:03d}-{val_loss:.4f}.npz"``). With
    ``save_best_only`` only epochs that improve ``monitor`` are saved."""

    def __init__(self, filepath, monitor="val_loss", mode="auto", save_best_only=False):
        self.filepath, self.monitor, self.save_best_only = filepath, monitor, save_best_only
        self.mode = _mode(monitor, mode)
        self.best = math.inf if self.mode == "min" else -math.inf
        self.saved = []

    def on_epoch_end(self, trainer, logs):
        if self.save_best_only:
            value = _monitored(logs, self.monitor, "ModelCheckpoint")
            if not (value < self.best if self.mode == "min" else value > self.best):
                return
            self.best = value
        path = self.filepath.format(epoch=trainer.epoch, **logs)
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        save(trainer.model.state_dict(), path)
        self.saved.append(path)

    def state_dict(self):
        return {"best": self.best, "saved": self.saved}

    def load_state_dict(self, state):
        self.best, self.saved = state["best"], list(state["saved"])


class HistoryLogger(Callback):
    """Write the history (one entry per epoch) to ``path`` as JSON, or as CSV when the name
    ends in ``.csv``, after every epoch (atomically; replaces TensorBoard scalars)."""

    def __init__(self, path):
        self.path = path

    def on_epoch_end(self, trainer, logs):
        history = trainer.history.epochs
        with atomic_open(self.path, "w") as f:
            if self.path.endswith(".csv"):
                keys = list(history)
                f.write(",".join(keys) + "\n")
                for row in zip(*(history[k] for k in keys)):
                    f.write(",".join(repr(v) for v in row) + "\n")
            else:
                json.dump(trainer.history.as_dict(), f, indent=1)
