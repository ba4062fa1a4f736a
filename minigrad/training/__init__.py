"""Training utilities: :class:`Trainer` (fit loop, progress bar, history, resumable
checkpoints), callbacks, metrics and plots.

    from minigrad.training import Trainer, metrics, callbacks, plot_history
"""
from . import callbacks, metrics, plots  # noqa: F401
from .callbacks import (Callback, Checkpoint, EarlyStopping, HistoryLogger, LambdaCallback,
                        ModelCheckpoint, Periodic)
from .plots import plot_history, save_image_grid
from .trainer import History, Trainer, progress_enabled

__all__ = ["Trainer", "History", "progress_enabled", "Callback", "Checkpoint", "EarlyStopping",
           "HistoryLogger", "LambdaCallback", "ModelCheckpoint", "Periodic", "plot_history",
           "save_image_grid", "callbacks", "metrics", "plots"]
