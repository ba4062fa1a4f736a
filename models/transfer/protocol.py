"""V-25 transfer learning without downloadable weights: the stand-in protocol (specs V-25) and the
book's two listings.

Source: PDL ch. 3, sections *Transfer learning* and *Guidelines*, Listing 3-8 (retrain the last
layer of a pretrained InceptionV3), Listing 3-9 (pretrained VGG16 features + a new sigmoid head);
HOA ch. 5 (pretrained MobileNet inference).

Stand-in protocol *(minigrad choice)*:

1. **Source model**: VGG-S (:mod:`models.transfer.vgg_s`) trained on a source task - digits 0-4
   (DS-01 real MNIST) or shapes 0-4 (DS-10) - and saved as npz (``minigrad.save``).
2. **Target tasks**: digits 5-9, DS-10 classes 5 vs 6 (500 training images) or DS-12 faces.
3. **Mechanics**: the saved weights are reloaded by parameter name (strict); predictions after
   save -> load are bit-identical; the strategy freezes parts (``requires_grad=False`` + eval
   mode that a training loop cannot undo, :func:`models.transfer.freezing.freeze`), replaces the
   head, gives the optimizer only the trainable parameters, and after fine-tuning every frozen
   parameter and batch-norm buffer is checked to be bit-identical.
4. **Strategies** (the text's table): ``"finetune_all"`` (large and similar: keep the
   architecture, new output layer, initialise from the source, train all), ``"scratch"``
   (large and dissimilar: train from scratch - also the baseline), ``"head_only"`` (small and
   similar: freeze everything, train only the new output layer), ``"partial"`` (small and
   dissimilar: freeze the first conv block, retrain the rest).

Listing 3-9 (book-faithful head, :func:`listing_3_9`): VGG16 (V-19) in inference mode, features
= FC7 (4096), head dense 4096 -> 1 with W, b ~ N(0, 0.02^2), sigmoid, mean BCE, Adam over the
head only (lr 1e-3: the listing leaves ``learning_rate`` undefined), BGR mean subtraction,
80/20 split, batches of 32 drawn with replacement, 50 steps, validation cost every step.
Errata (3-9): undefined ``learning_rate``, validation arrays and class dictionary; inconsistent
head variable names; a mis-indented path; SciPy's removed ``imresize`` (Pillow here); BGR input to
an RGB-trained checkpoint; the reported validation accuracy comes from one fixed batch of 32 ->
minigrad evaluates the whole validation split.

Listing 3-8 (:func:`listing_3_8`, retrain-script defaults): cache the penultimate features once,
train a new softmax layer with gradient descent lr 0.01, batch 100, 4,000 steps, evaluating every
10 steps; 10 % validation and 10 % test chosen by a stable hash of each file name
(:func:`hash_split`, the retrain script's rule).
"""
import hashlib
import os
import re

import numpy as np

import minigrad as mg
import minigrad.functional as F
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset
from minigrad.training import Trainer, metrics

from .freezing import changed_tensors, freeze, snapshot, trainable_parameters
from .vgg_s import CONFIGS as VGGS_CONFIGS, VGGS

__all__ = ["STRATEGIES", "PIPELINES", "load_task", "fit", "evaluate", "pretrain",
           "apply_strategy", "transfer", "run_protocol", "listing_3_9", "listing_3_8",
           "hash_split", "BGR_MEANS", "bgr_mean_subtract"]

STRATEGIES = ("finetune_all", "scratch", "head_only", "partial")
PIPELINES = {"digits": ("digits_0_4", ("digits_5_9",)),
             "shapes": ("shapes_0_4", ("shapes_5_6", "faces"))}
BGR_MEANS = (103.939, 116.779, 123.68)
_TINY_N = {"train": 600, "test": 200}


def _subset(x, y, keep, n, offset=0):
    idx = np.flatnonzero(np.isin(y, keep))
    if n is not None:
        idx = idx[:n]
    return x[idx].astype(np.float32), (y[idx] - offset).astype(np.int64)


def load_task(name, split="train", config="book"):
    """``(x float32 [N, C, H, W], y int64 [N])`` of a source / target task (see module doc).
    ``config="tiny"`` keeps at most 600 training / 200 test images."""
    from minigrad.data import datasets
    n = _TINY_N[split] if config == "tiny" else None
    if name in ("digits_0_4", "digits_5_9"):
        x, y = datasets.mnist_arrays(split)
        lo = 0 if name == "digits_0_4" else 5
        return _subset(x, y, range(lo, lo + 5), n, lo)
    if name in ("shapes_0_4", "shapes_5_6"):
        x, y = datasets.load_cifar10(split, "tiny" if config == "tiny" else "book")
        x = x.astype(np.float32) / 255.0
        if name == "shapes_0_4":
            return _subset(x, y, range(5), n)
        n = n if n is not None else (500 if split == "train" else None)   # small target: 500
        return _subset(x, y, (5, 6), n, 5)
    if name == "faces":
        x, y = datasets.load_faces(split, size=32, channels=3)
        return x.astype(np.float32), y.astype(np.int64)
    raise ValueError(f"load_task: unknown task {name!r}")


def fit(model, params, x, y, epochs=2, batch_size=32, lr=1e-3, seed=0, verbose=False,
        x_val=None, y_val=None, callbacks=()):
    """Adam(``params``) on softmax CE with the shared Trainer; returns the Trainer."""
    loader = DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True, seed=seed)
    val = None if x_val is None else DataLoader(TensorDataset(x_val, y_val), batch_size=256)
    trainer = Trainer(model, optim.Adam(params, lr=lr), F.cross_entropy, loader, val,
                      metrics={"acc": metrics.accuracy}, progress=None if verbose else False,
                      verbose=verbose, callbacks=list(callbacks))
    trainer.fit(epochs=epochs)
    return trainer


def evaluate(model, x, y, batch_size=256):
    """Accuracy of ``model`` on arrays (eval mode, no graph)."""
    was = model.training
    model.eval()
    preds = []
    with mg.no_grad():
        for s in range(0, len(x), batch_size):
            preds.append(model(mg.tensor(x[s:s + batch_size])).numpy().argmax(1))
    model.train(was)
    return float((np.concatenate(preds) == y).mean())


def pretrain(source="digits_0_4", config="book", epochs=3, seed=0, verbose=False):
    """Train VGG-S on the source task; returns ``(model, trainer)``."""
    x, y = load_task(source, "train", config)
    mg.manual_seed(seed)
    model = VGGS(**{**VGGS_CONFIGS[config], "num_classes": int(y.max()) + 1,
                    "in_channels": x.shape[1]})
    trainer = fit(model, model.parameters(), x, y, epochs=epochs, seed=seed, verbose=verbose)
    return model, trainer


def apply_strategy(model, strategy, num_classes):
    """Configure a source-initialised VGG-S for ``strategy`` in place: a new head of
    ``num_classes`` outputs, parts frozen. Returns the list of frozen module names."""
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    model.head = nn.Linear(model.hidden, num_classes)
    if strategy == "head_only":
        freeze(model.features)
        freeze(model.fc)
        return ["features", "fc"]
    if strategy == "partial":
        freeze(model.features[0])
        return ["features.0"]
    return []


def transfer(source_state, strategy, target, config="book", epochs=3, seed=0, in_channels=None,
             verbose=False):
    """Fine-tune on ``target`` from ``source_state`` (a VGG-S state dict) with ``strategy``.
    Returns a report: accuracy, the frozen modules, the frozen tensors that changed (must be
    empty), the number of optimised tensors."""
    x, y = load_task(target, "train", config)
    xt, yt = load_task(target, "test", config)
    k = int(max(y.max(), yt.max())) + 1
    mg.manual_seed(seed)
    src_classes = source_state["head.weight"].shape[0]
    model = VGGS(**{**VGGS_CONFIGS[config], "num_classes": src_classes,
                    "in_channels": x.shape[1]})
    if strategy != "scratch":
        model.load_state_dict(source_state)
    frozen = apply_strategy(model, strategy, k)
    before = {name: snapshot(model.get_submodule(name)) for name in frozen}
    params = trainable_parameters(model)
    trainer = fit(model, params, x, y, epochs=epochs, seed=seed, verbose=verbose)
    changed = {name: changed_tensors(model.get_submodule(name), snap)
               for name, snap in before.items()}
    return {"strategy": strategy, "target": target, "accuracy": evaluate(model, xt, yt),
            "frozen": frozen, "frozen_changed": {k: v for k, v in changed.items() if v},
            "frozen_tensors": sum(len(s) for s in before.values()),
            "optimised_tensors": len(params), "model": model, "trainer": trainer}


def run_protocol(pipeline="digits", config="book", out_dir="runs/V-25", epochs=3,
                 target_epochs=None, strategies=STRATEGIES, seed=0, verbose=False):
    """The whole stand-in protocol: pretrain, save, reload (strict, predictions bit-identical),
    then every strategy on every target task of ``pipeline``. Returns a report dict."""
    source, targets = PIPELINES[pipeline]
    model, trainer = pretrain(source, config, epochs, seed, verbose)
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"vgg_s_{source}.npz")
    mg.save(model.state_dict(), path)
    state = mg.load(path)
    clone = VGGS(**{**VGGS_CONFIGS[config], "num_classes": model.head.out_features,
                    "in_channels": model.features[0][0].in_channels})
    clone.load_state_dict(state)
    xs, ys = load_task(source, "test", config)
    model.eval(), clone.eval()
    with mg.no_grad():
        probe = mg.tensor(xs[:64])
        identical = bool(np.array_equal(model(probe).numpy(), clone(probe).numpy()))
    report = {"source": source, "source_accuracy": evaluate(model, xs, ys), "checkpoint": path,
              "reload_identical": identical, "source_trainer": trainer, "results": []}
    for target in targets:
        for strategy in strategies:
            r = transfer(state, strategy, target, config, target_epochs or epochs, seed,
                         verbose=verbose)
            report["results"].append(r)
    return report


# ------------------------------------------------------------------------------ PDL listings
def bgr_mean_subtract(images_rgb_255):
    """PDL Listing 3-9 preprocessing: RGB ``[N, 3, H, W]`` in 0..255 -> BGR channel order minus
    the BGR means (103.939, 116.779, 123.68)."""
    x = np.asarray(images_rgb_255, np.float32)[:, ::-1]
    return x - np.asarray(BGR_MEANS, np.float32).reshape(1, 3, 1, 1)


def listing_3_9(backbone, images, labels, steps=50, batch_size=32, lr=1e-3, seed=0,
                feature_fn=None):
    """PDL Listing 3-9: frozen ``backbone`` (a V-19 VGG; features = its FC7 activations, or
    ``feature_fn(x)``), new head dense -> 1 with N(0, 0.02^2) init, sigmoid BCE, Adam over the
    head only, 80/20 split, batches of ``batch_size`` drawn with replacement, validation cost
    and accuracy on the whole validation split every step. ``images`` are preprocessed already.
    Returns ``(head, history)`` with history rows (step, loss, val_loss, val_acc)."""
    rng = np.random.Generator(np.random.PCG64(seed))
    freeze(backbone)
    feature_fn = feature_fn or backbone.fc7
    n = len(images)
    perm = rng.permutation(n)
    n_train = int(round(0.8 * n))
    tr, va = perm[:n_train], perm[n_train:]
    with mg.no_grad():
        feats = lambda idx: feature_fn(mg.tensor(images[idx]))          # noqa: E731
        val_feats = feats(va)
    dim = val_feats.shape[1]
    head = nn.Linear(dim, 1)
    nn.init.normal_(head.weight, 0.0, 0.02)
    nn.init.normal_(head.bias, 0.0, 0.02)
    opt = optim.Adam(head.parameters(), lr=lr)
    y = np.asarray(labels, np.float32)
    yv = mg.tensor(y[va])
    history = []
    for step in range(1, steps + 1):
        idx = tr[rng.integers(0, len(tr), batch_size)]               # with replacement
        with mg.no_grad():
            f = feats(idx)
        loss = F.binary_cross_entropy_with_logits(head(f).reshape(-1), mg.tensor(y[idx]))
        opt.zero_grad()
        loss.backward()
        opt.step()
        with mg.no_grad():
            logit = head(val_feats).reshape(-1)
            val_loss = float(F.binary_cross_entropy_with_logits(logit, yv).item())
            val_acc = float(((logit.numpy() > 0) == (y[va] > 0.5)).mean())
        history.append({"step": step, "loss": float(loss.item()), "val_loss": val_loss,
                        "val_acc": val_acc})
    return head, history


_MAX_PER_CLASS = 2 ** 27 - 1


def hash_split(file_name, validation_percentage=10, testing_percentage=10):
    """The retrain script's stable assignment of a file to ``"training"``, ``"validation"`` or
    ``"testing"``: SHA-1 of the base name with any ``_nohash_...`` suffix removed."""
    base = re.sub(r"_nohash_.*$", "", os.path.basename(file_name))
    h = int(hashlib.sha1(base.encode("utf-8")).hexdigest(), 16)
    pct = (h % (_MAX_PER_CLASS + 1)) * (100.0 / _MAX_PER_CLASS)
    if pct < validation_percentage:
        return "validation"
    if pct < validation_percentage + testing_percentage:
        return "testing"
    return "training"


def listing_3_8(features, labels, file_names, steps=4000, lr=0.01, batch_size=100,
                eval_every=10, seed=0):
    """PDL Listing 3-8: a new softmax layer trained by gradient descent on cached penultimate
    features ("bottlenecks"); splits by :func:`hash_split`. Returns ``(layer, history, test
    accuracy)``; history rows (step, loss, train_acc, val_acc) every ``eval_every`` steps."""
    parts = np.array([hash_split(f) for f in file_names])
    labels = np.asarray(labels, np.int64)
    k = int(labels.max()) + 1
    feats = np.asarray(features, np.float32)
    layer = nn.Linear(feats.shape[1], k)
    opt = optim.SGD(layer.parameters(), lr=lr)
    rng = np.random.Generator(np.random.PCG64(seed))
    tr, va, te = (np.flatnonzero(parts == p) for p in ("training", "validation", "testing"))
    history = []
    acc = lambda idx: float((layer(mg.tensor(feats[idx])).numpy().argmax(1) == labels[idx]).mean())  # noqa: E731
    for step in range(1, steps + 1):
        idx = tr[rng.integers(0, len(tr), batch_size)]
        loss = F.cross_entropy(layer(mg.tensor(feats[idx])), mg.tensor(labels[idx]))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % eval_every == 0 or step == steps:
            with mg.no_grad():
                history.append({"step": step, "loss": float(loss.item()), "train_acc": acc(idx),
                                "val_acc": acc(va) if len(va) else float("nan")})
    with mg.no_grad():
        test_acc = acc(te) if len(te) else float("nan")
    return layer, history, test_acc
