"""DataLoader: batches of a dataset, in a seeded order that can be saved and resumed.

The order of epoch ``e`` is a permutation drawn from ``Generator(PCG64([seed, e]))``: it depends
only on the seed and the epoch number, never on what ran before. The loader's whole state is
therefore three integers (seed, epoch, batches already delivered in that epoch), which
``state_dict()`` returns and ``load_state_dict()`` restores, so a run resumed from a checkpoint
sees exactly the batches that the interrupted run would have seen::

    loader = DataLoader(ds, batch_size=100, shuffle=True, seed=0)
    for x, y in loader: ...                 # epoch 0
    state = loader.state_dict()             # {'seed': 0, 'epoch': 1, 'batch': 0}
"""
import math
import numbers

import numpy as np

from ..backend import get_array_module
from ..random import default_generator
from ..tensor import Tensor
from .dataset import _batchable

__all__ = ["DataLoader", "default_collate"]


def default_collate(samples):
    """Stack a list of samples into a batch (as ``torch.utils.data.default_collate``).

    Tensors and arrays are stacked into a tensor with a new first axis; Python ints become an
    int64 tensor, floats float64, bools bool; tuples, lists and dicts are collated field by
    field; strings are returned as a list."""
    if not samples:
        raise ValueError("default_collate: empty batch")
    elem = samples[0]
    if isinstance(elem, Tensor):
        return Tensor(get_array_module(elem.data).stack([s.data for s in samples]))
    if isinstance(elem, np.ndarray):
        return Tensor(np.stack(samples))
    if isinstance(elem, (bool, np.bool_)):
        return Tensor(np.asarray(samples, dtype=bool))
    if isinstance(elem, np.generic):
        return Tensor(np.asarray(samples, dtype=elem.dtype))
    if isinstance(elem, numbers.Integral):
        return Tensor(np.asarray(samples, dtype=np.int64))
    if isinstance(elem, numbers.Real):
        return Tensor(np.asarray(samples, dtype=np.float64))
    if isinstance(elem, str):
        return list(samples)
    if isinstance(elem, dict):
        return {k: default_collate([s[k] for s in samples]) for k in elem}
    if isinstance(elem, (tuple, list)):
        if any(len(s) != len(elem) for s in samples):
            raise ValueError("default_collate: samples have different numbers of fields")
        fields = [default_collate(list(f)) for f in zip(*samples)]
        return tuple(fields) if isinstance(elem, tuple) else fields
    raise TypeError(f"default_collate: cannot batch samples of type {type(elem).__name__}; "
                    "pass collate_fn=")


def _to_device(batch, device):
    if isinstance(batch, Tensor):
        return batch.to(device)
    if isinstance(batch, tuple):
        return tuple(_to_device(b, device) for b in batch)
    if isinstance(batch, list):
        return [_to_device(b, device) for b in batch]
    if isinstance(batch, dict):
        return {k: _to_device(v, device) for k, v in batch.items()}
    return batch


class DataLoader:
    """Iterate over ``dataset`` in batches.

    Arguments (PyTorch names): ``batch_size``; ``shuffle`` (a new seeded permutation every
    epoch, else the dataset order); ``drop_last`` (drop the final partial batch); ``seed``
    (``None``: drawn once from minigrad's default CPU generator, so ``minigrad.manual_seed``
    controls it); ``collate_fn`` (default :func:`default_collate`, or a vectorised fetch for
    array-backed datasets). minigrad additions: ``transform(inputs, rng)`` applied to the
    inputs of every batch (its first field) with a NumPy generator derived from (seed, epoch,
    batch index) — deterministic, resumable, vectorised augmentation such as
    ``transforms.RandomCrop(28, padding=2)`` — and ``device`` to move batches there.
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, seed=None,
                 collate_fn=None, transform=None, device=None, replacement=False,
                 num_samples=None):
        if not isinstance(batch_size, numbers.Integral) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive integer, got {batch_size!r}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        if seed is None:
            seed = int(default_generator("cpu").integers(0, 2**62, ()))
        self.seed = int(seed)
        self.collate_fn = collate_fn
        self.transform = transform
        self.device = device
        self.replacement = bool(replacement)
        if num_samples is not None and not replacement:
            raise ValueError("DataLoader: num_samples is only used with replacement=True")
        self.num_samples = num_samples
        self.epoch = 0               # the epoch the next (or current) iteration covers
        self._pos = None             # batches delivered in the epoch in progress (None: none)
        self._resume = False         # set by load_state_dict: the next __iter__ continues

    def _epoch_size(self):
        if self.replacement and self.num_samples is not None:
            return int(self.num_samples)
        return len(self.dataset)

    def __len__(self):
        n = self._epoch_size()
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def order(self, epoch):
        """The sample indices of ``epoch`` in the order they are delivered."""
        n = len(self.dataset)
        rng = np.random.Generator(np.random.PCG64([self.seed, int(epoch)]))
        if self.replacement:
            return rng.integers(0, n, self._epoch_size())
        return rng.permutation(n) if self.shuffle else np.arange(n)

    def batch_rng(self, epoch, batch):
        """The NumPy generator handed to ``transform`` for one batch."""
        return np.random.Generator(np.random.PCG64([self.seed, int(epoch), int(batch), 1]))

    def state_dict(self):
        """``{'seed', 'epoch', 'batch'}``: where the next batch comes from."""
        return {"seed": self.seed, "epoch": self.epoch, "batch": self._pos or 0}

    def load_state_dict(self, state):
        self.seed = int(state["seed"])
        self.epoch = int(state["epoch"])
        batch = int(state.get("batch", 0))
        self._pos = batch if batch else None
        self._resume = bool(batch)

    def fetch(self, indices):
        """The collated batch of the samples at ``indices``."""
        if self.collate_fn is None and _batchable(self.dataset):
            return self.dataset.get_batch(indices)
        collate = self.collate_fn or default_collate
        return collate([self.dataset[int(i)] for i in indices])

    def _transform(self, batch, rng):
        if isinstance(batch, (tuple, list)):
            return type(batch)([self.transform(batch[0], rng), *batch[1:]])
        return self.transform(batch, rng)

    def __iter__(self):
        if self._resume:
            start, self._resume = self._pos, False
        else:
            if self._pos is not None:          # the previous iteration was abandoned mid-epoch
                self.epoch += 1
            start = 0
        self._pos = start
        return self._batches(self.epoch, start)

    def _batches(self, epoch, start):
        order = self.order(epoch)
        n, b = len(order), self.batch_size
        n_batches = n // b if self.drop_last else math.ceil(n / b)
        for k in range(start, n_batches):
            batch = self.fetch(order[k * b:(k + 1) * b])
            if self.transform is not None:
                batch = self._transform(batch, self.batch_rng(epoch, k))
            if self.device is not None:
                batch = _to_device(batch, self.device)
            self._pos = k + 1
            yield batch
        self.epoch, self._pos = epoch + 1, None
