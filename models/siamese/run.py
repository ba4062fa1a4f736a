"""V-26 end to end: data (DS-19 faces or a digits check), pairs, training with the shared
Trainer, then the n-way one-shot tables of the Siamese net and of the nearest-neighbour baseline.

Datasets: ``"faces"`` - DS-19 ORL-like faces (or the real ORL files via ``MINIGRAD_DATA_ORL``),
40 subjects x 10 images (``tiny``: 10 subjects, images block-averaged to 56x46); ``"digits"`` -
the real-data check: DS-02 scikit-learn digits as 10 "subjects" (one per digit class) with 10
images each drawn by a seeded generator, upsampled to 28x28 (the network's input size adapts).
"""
import numpy as np

import minigrad as mg
from minigrad import optim
from minigrad.data import DataLoader, TensorDataset
from minigrad.training import Trainer

from . import pairs
from .network import CONFIGS, SiameseNet

__all__ = ["load_subjects", "pair_arrays", "train", "evaluate_n_way", "N_PAIRS"]

N_PAIRS = {"book": 8000, "tiny": 1000}


def load_subjects(dataset="faces", config="book", book_reshape=False, seed=0):
    """``(images float32 [M, 1, H, W], subjects int64 [M])``."""
    if dataset == "faces":
        from minigrad.data.datasets.orl_faces import load_orl_faces
        raw, subjects = load_orl_faces(config, seed)
        x = pairs.prepare_images(raw, book_reshape=book_reshape,
                                 downsample=2 if config == "tiny" else 1)
        return x, subjects
    if dataset == "digits":
        from minigrad.data.datasets import load_digits
        x, y = load_digits("all", size=28)
        rng = np.random.Generator(np.random.PCG64(seed))
        idx = np.concatenate([rng.choice(np.flatnonzero(y == k), 10, replace=False)
                              for k in range(10)])
        x = np.asarray(x[idx], np.float32)
        if x.max() > 1.0:
            x = x / np.float32(x.max())
        return x[:, None], np.repeat(np.arange(10), 10).astype(np.int64)
    raise ValueError(f"unknown dataset {dataset!r}: expected 'faces' or 'digits'")


def pair_arrays(images, subjects, n_pairs, protocol="clean", seed=42, train_ids=None):
    """Training and validation pair arrays ``([N, 2, 1, H, W], labels [N])`` per protocol;
    ``train_ids``: build the pairs from these subjects only (held-out evaluation)."""
    keep = np.arange(len(subjects)) if train_ids is None else \
        np.flatnonzero(np.isin(subjects, train_ids))
    left, right, labels = pairs.make_pairs(np.asarray(subjects)[keep], n_pairs, seed)
    left, right = keep[left], keep[right]
    (lt, rt, yt), (lv, rv, yv) = pairs.split_pairs(left, right, labels, protocol, 0.1, seed)
    stack = lambda l, r: np.stack([images[l], images[r]], axis=1)          # noqa: E731
    return (stack(lt, rt), yt), (stack(lv, rv), yv)


def train(dataset="faces", config="book", protocol="clean", book_reshape=False, epochs=None,
          seed=0, verbose=False, n_pairs=None, held_out=False):
    """Train V-26 (Adam 1e-3, batch 64, 10 epochs, BCE) on pairs; returns
    ``(model, trainer, images, subjects)``. ``held_out=True`` (clean-protocol option) trains on
    3/4 of the subjects (30 of 40) and sets ``model.test_subjects`` to the others, for
    :func:`evaluate_n_way` (n <= 10 there)."""
    x, subjects = load_subjects(dataset, config, book_reshape, seed)
    train_ids = test_ids = None
    if held_out:
        train_ids, test_ids = pairs.held_out_split(subjects, 3 * len(np.unique(subjects)) // 4, seed)
    (xt, yt), (xv, yv) = pair_arrays(x, subjects, n_pairs or N_PAIRS[config], protocol,
                                     train_ids=train_ids)
    mg.manual_seed(seed)
    model = SiameseNet(**{**CONFIGS[config], "input_size": x.shape[2:]})
    loader = DataLoader(TensorDataset(xt, yt), batch_size=64, shuffle=True, seed=seed)
    val = DataLoader(TensorDataset(xv, yv), batch_size=256)
    trainer = Trainer(model, optim.Adam(model.parameters(), lr=1e-3), model.loss, loader, val,
                      metrics={"acc": lambda y, out: model.accuracy(out, y)}, progress=None if verbose else False,
                      verbose=verbose)
    trainer.fit(epochs=epochs or (10 if config == "book" else 2))
    model.test_subjects = test_ids
    return model, trainer, x, subjects


def evaluate_n_way(model, images, subjects, n_ways=pairs.N_WAYS, trials=1000, protocol="clean",
                   seed=0):
    """``{n: (siamese accuracy, nearest-neighbour accuracy)}`` over ``trials`` trials each;
    n larger than the number of subjects is skipped in the clean protocol. Trials use only
    ``model.test_subjects`` when set (held-out evaluation)."""
    out = {}
    subset = getattr(model, "test_subjects", None)
    k = len(np.unique(subjects)) if subset is None else len(subset)
    for n in n_ways:
        if protocol == "clean" and n > k:
            continue
        t = pairs.one_shot_trials(subjects, n, trials, protocol, seed + n, subset=subset)
        out[n] = (pairs.model_one_shot(model, images, t, protocol),
                  pairs.knn_one_shot(images, t, protocol))
    return out
