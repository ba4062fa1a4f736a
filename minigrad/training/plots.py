"""PNG outputs of a run: the loss/accuracy curve (matplotlib, Agg backend) and image grids
(Pillow). Files are written atomically (temporary file + rename)."""
import math
import os

import numpy as np

from ..io import atomic_open

__all__ = ["plot_history", "save_image_grid"]


def plot_history(history, path, title=None):
    """Loss (per step, and per epoch for training and validation) and, when recorded,
    accuracy-like metrics per epoch, against the optimizer step; written to ``path`` (PNG)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    h = history.as_dict() if hasattr(history, "as_dict") else history
    epochs, steps = h["epochs"], h["steps"]
    metric_names = [k for k in epochs if k not in ("epoch", "step", "loss", "val_loss", "lr",
                                                   "time") and not k.startswith("val_")]
    ncols = 2 if metric_names else 1
    fig, axes = plt.subplots(1, ncols, figsize=(6 * ncols, 4), squeeze=False)
    ax = axes[0, 0]
    if steps.get("step"):
        ax.plot(steps["step"], steps["loss"], color="tab:blue", alpha=0.3, lw=0.8,
                label="train loss (step)")
    if "loss" in epochs:
        ax.plot(epochs["step"], epochs["loss"], "o-", color="tab:blue", ms=3,
                label="train loss (epoch mean)")
    if "val_loss" in epochs:
        ax.plot(epochs["step"], epochs["val_loss"], "s-", color="tab:orange", ms=3,
                label="validation loss")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    if steps.get("loss") and min(steps["loss"]) > 0 and \
            max(steps["loss"]) / min(steps["loss"]) > 50:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend()
    if metric_names:
        ax = axes[0, 1]
        for k in metric_names:
            ax.plot(epochs["step"], epochs[k], "o-", ms=3, label=f"train {k}")
            if f"val_{k}" in epochs:
                ax.plot(epochs["step"], epochs[f"val_{k}"], "s-", ms=3, label=f"validation {k}")
        ax.set_xlabel("step")
        ax.set_ylabel(", ".join(metric_names))
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with atomic_open(path) as f:
        fig.savefig(f, format="png", dpi=100)
    plt.close(fig)
    return path


def save_image_grid(images, path, nrow=None, padding=2, normalize=True):
    """Tile ``images`` (``N×H×W``, ``N×C×H×W`` with C 1 or 3, arrays or tensors) into one PNG.
    With ``normalize`` each image is min-max scaled to 0..255 on its own (GAN sample grids)."""
    from PIL import Image

    a = np.asarray(images.numpy() if hasattr(images, "numpy") else images, dtype=np.float64)
    if a.ndim == 3:
        a = a[:, None]
    if a.ndim != 4 or a.shape[1] not in (1, 3):
        raise ValueError(f"save_image_grid: expected N×H×W or N×C×H×W with C in (1, 3), got "
                         f"shape {a.shape}")
    n, c, h, w = a.shape
    if normalize:
        lo = a.min(axis=(1, 2, 3), keepdims=True)
        span = a.max(axis=(1, 2, 3), keepdims=True) - lo
        a = (a - lo) / np.where(span > 0, span, 1)
    a = (np.clip(a, 0, 1) * 255).round().astype(np.uint8)
    nrow = nrow or int(math.ceil(math.sqrt(n)))
    rows = int(math.ceil(n / nrow))
    grid = np.zeros((c, rows * (h + padding) + padding, nrow * (w + padding) + padding), np.uint8)
    for i in range(n):
        r, q = divmod(i, nrow)
        y, x = padding + r * (h + padding), padding + q * (w + padding)
        grid[:, y:y + h, x:x + w] = a[i]
    img = Image.fromarray(grid[0] if c == 1 else np.moveaxis(grid, 0, -1))
    with atomic_open(path) as f:
        img.save(f, format="PNG")
    return path
