"""Softmax regression: V-01 (DLVR class 11) and V-02, its checkpointing variant (PDL ch. 6).

Both are one dense layer on flattened 28×28 digits: ``logits = x·W + b`` (minigrad keeps PyTorch's
``W [10, 784]`` layout), ``pred = softmax(logits)``. They differ in initialisation, loss and
optimizer, which the zoo configs carry (specs/zoo-vision.md):

====  ==========================  =========================================  ===================
ID    init                        loss                                       optimizer
====  ==========================  =========================================  ===================
V-01  W = 0, b = 0                softmax CE **summed** over the batch       SGD lr 0.003, 100/10k
V-02  W, b ~ N(0, 0.02²)          ``loss="sigmoid_bce"`` (book) or           Adam 1e-3, 256/1k
                                  ``"softmax_ce"`` (default)
====  ==========================  =========================================  ===================

Errata corrected (V-01): the slides' ``log(softmax)`` turns into −∞/NaN once a probability
underflows; minigrad's cross-entropy uses the fused log-softmax (identical where finite). The
slides' ``feed=`` keyword and deprecated initialiser call are typos; the original tutorial code
uses lr 0.005, the slides 0.003 (the book config follows the slides).

Errata corrected (V-02, PDL Listings 6-6a/6-6b): the ``epochs``/``batches`` variables are unused;
the text names files with step 9999 while the code's last step is 999; it says four checkpoints
are kept where TF keeps five (minigrad: ``max_to_keep=5``); save and restore directories differ
(minigrad: one directory); each accuracy comes from a *different* random test batch of 256, so
before/after-restore numbers differ by sampling noise — minigrad evaluates on the full test set
and the restore check compares predictions on the *same* fixed batch (bit-identical).
Book-faithful switch: ``loss="sigmoid_bce"`` trains the softmax classifier with one-vs-all
sigmoid BCE over the N×10 logits, as the listing does.

The checkpoint demo itself (save every 100 steps with the step in the file name, keep the 5
newest, an index naming the latest, restore by parameter name) is :func:`checkpoint_demo`.
"""
import os

import numpy as np

import minigrad as mg
import minigrad.functional as F
from minigrad import nn

from ._book import BookClassifier, flat_input, init_layer

__all__ = ["SoftmaxRegression", "CheckpointedSoftmaxRegression", "checkpoint_demo"]


class SoftmaxRegression(BookClassifier):
    """V-01 softmax regression (DLVR class 11): flatten → Linear(784, 10), zero init, summed
    softmax cross-entropy. ``model.probabilities(x)`` is the slides' ``Y = softmax(X·W + b)``."""

    def __init__(self, in_features=784, num_classes=10, init="zeros", loss="softmax_ce_sum"):
        super().__init__([("flatten", nn.Flatten()),
                          ("linear", nn.Linear(in_features, num_classes))], loss=loss,
                         input_shape=flat_input(in_features))
        init_layer(self.linear, init, 0.0 if init == "zeros" else init)

    def probabilities(self, x):
        """``softmax(x·W + b)`` per row (the slides' Y; the book's ``pred`` tensor)."""
        return F.softmax(self(x), dim=1)


class CheckpointedSoftmaxRegression(SoftmaxRegression):
    """V-02 softmax regression with checkpointing (PDL ch. 6, Listings 6-6a/6-6b).

    W, b ~ N(0, 0.02²); ``loss="softmax_ce"`` (default: mean softmax CE) or ``"sigmoid_bce"``
    (book: mean over N×10 of sigmoid-CE-with-logits against one-hot labels)."""

    LOSS_SWITCH = {"softmax_ce": "softmax_ce", "sigmoid_bce": "sigmoid_bce_onehot"}

    def __init__(self, in_features=784, num_classes=10, loss="softmax_ce"):
        if loss not in self.LOSS_SWITCH:
            raise ValueError(f"CheckpointedSoftmaxRegression: loss must be 'softmax_ce' or "
                             f"'sigmoid_bce', got {loss!r}")
        super().__init__(in_features, num_classes, init=("normal", 0.02),
                         loss=self.LOSS_SWITCH[loss])
        self.book_loss = loss

    def extra_repr(self):
        return f"loss={self.book_loss!r}"


def checkpoint_demo(model, batches, directory, steps=1000, save_every=100, max_to_keep=5,
                    lr=1e-3, fixed_batch=None):
    """Listings 6-6a/6-6b in minigrad: train ``model`` with Adam (TF ε placement) on
    ``batches`` (an iterator of ``(x, y)``) for ``steps`` steps, saving a checkpoint
    ``directory/model-{step}.npz`` every ``save_every`` steps and at the end (the newest
    ``max_to_keep`` kept, an index file naming the latest); then build a *fresh* model of the
    same class, restore the latest checkpoint by parameter name and return
    ``(restored_model, latest_path)``. With ``fixed_batch``, also asserts that the restored
    model's predictions on it are bit-identical to the trained model's."""
    from minigrad.io import CheckpointManager   # the shared checkpoint utility (E-13)

    os.makedirs(directory, exist_ok=True)
    opt = mg.optim.Adam(model.parameters(), lr=lr, eps=1e-8, eps_mode="tf")
    manager = CheckpointManager(directory, prefix="model", max_to_keep=max_to_keep)
    model.train()
    for step, (x, y) in zip(range(1, steps + 1), batches):
        opt.zero_grad()
        loss = model.loss(model(x), y)
        loss.backward()
        opt.step()
        if step % save_every == 0 or step == steps:
            manager.save(model.state_dict(), step)
    latest = manager.latest
    fresh = type(model)(model.linear.in_features, model.linear.out_features,
                        **({"loss": model.book_loss} if hasattr(model, "book_loss") else {}))
    fresh.load_state_dict(manager.restore(latest))
    if fixed_batch is not None:
        model.eval(), fresh.eval()
        with mg.no_grad():
            a, b = model(fixed_batch).numpy(), fresh(fixed_batch).numpy()
        if not np.array_equal(a, b):
            raise AssertionError("checkpoint_demo: restored predictions differ from the trained "
                                 "model's on the same batch")
    return fresh, latest
