"""Datasets: indexable collections of samples (PyTorch's ``torch.utils.data`` surface).

A :class:`Dataset` has ``__len__`` and ``__getitem__(i)``. Array-backed datasets
(:class:`TensorDataset`, :class:`ArrayDataset`, :class:`Subset` of one) also provide
``get_batch(indices)``, which the :class:`~minigrad.data.DataLoader` uses to fetch a whole batch
with one fancy-indexing call instead of one Python call per sample.
"""
import numpy as np

from ..tensor import Tensor

__all__ = ["Dataset", "TensorDataset", "ArrayDataset", "Subset", "ConcatDataset",
           "random_split", "stratified_indices", "validation_split"]


class Dataset:
    """Base class: subclasses implement ``__getitem__(index)`` and ``__len__()``."""

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must implement __len__")

    def __add__(self, other):
        return ConcatDataset([self, other])


def _as_index_array(indices):
    return np.asarray(indices, dtype=np.int64)


def _check_lengths(name, arrays):
    n = {len(a) for a in arrays}
    if len(n) != 1:
        raise ValueError(f"{name}: all arrays must have the same first dimension, got "
                         f"{[tuple(a.shape) for a in arrays]}")


class TensorDataset(Dataset):
    """Sample ``i`` is ``tuple(t[i] for t in tensors)``; tensors share their first dimension."""

    def __init__(self, *tensors):
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        tensors = tuple(t if isinstance(t, Tensor) else Tensor(np.asarray(t)) for t in tensors)
        _check_lengths("TensorDataset", tensors)
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(Tensor(t.data[index]) for t in self.tensors)

    def __len__(self):
        return len(self.tensors[0])

    def get_batch(self, indices):
        """The samples at ``indices`` already stacked: one tensor per field."""
        idx = _as_index_array(indices)
        return tuple(Tensor(t.data[idx]) for t in self.tensors)


class ArrayDataset(Dataset):
    """NumPy arrays (images, labels, ...) with optional per-sample transforms.

    ``transform`` applies to the first array, ``target_transform`` to the second. Without
    transforms, batches are fetched vectorised (``get_batch``)."""

    def __init__(self, *arrays, transform=None, target_transform=None):
        if not arrays:
            raise ValueError("ArrayDataset needs at least one array")
        arrays = tuple(np.asarray(a) for a in arrays)
        _check_lengths("ArrayDataset", arrays)
        self.arrays = arrays
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self):
        return len(self.arrays[0])

    def _apply(self, fields):
        fields = list(fields)
        if self.transform is not None:
            fields[0] = self.transform(fields[0])
        if self.target_transform is not None and len(fields) > 1:
            fields[1] = self.target_transform(fields[1])
        return tuple(fields)

    def __getitem__(self, index):
        return self._apply(a[index] for a in self.arrays)

    @property
    def batchable(self):
        return self.transform is None and self.target_transform is None

    def get_batch(self, indices):
        idx = _as_index_array(indices)
        return tuple(Tensor(a[idx]) for a in self.arrays)


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices`` (in that order)."""

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = _as_index_array(indices)

    def __getitem__(self, index):
        return self.dataset[int(self.indices[index])]

    def __len__(self):
        return len(self.indices)

    @property
    def batchable(self):
        return _batchable(self.dataset)

    def get_batch(self, indices):
        return self.dataset.get_batch(self.indices[_as_index_array(indices)])


def _batchable(dataset):
    """True when ``dataset.get_batch`` can replace per-sample fetching + default collation."""
    return hasattr(dataset, "get_batch") and getattr(dataset, "batchable", True)


class ConcatDataset(Dataset):
    """Several datasets one after the other."""

    def __init__(self, datasets):
        self.datasets = list(datasets)
        self.cumulative_sizes = np.cumsum([len(d) for d in self.datasets]).tolist()

    def __len__(self):
        return self.cumulative_sizes[-1] if self.cumulative_sizes else 0

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"index {index} out of range for a ConcatDataset of length {len(self)}")
        k = int(np.searchsorted(self.cumulative_sizes, index, side="right"))
        start = self.cumulative_sizes[k - 1] if k else 0
        return self.datasets[k][index - start]


def _labels_of(dataset):
    """Integer labels for stratification: the second field of every sample."""
    if isinstance(dataset, (TensorDataset, ArrayDataset)):
        arrays = dataset.tensors if isinstance(dataset, TensorDataset) else dataset.arrays
        if len(arrays) < 2:
            raise ValueError("random_split(stratify=True) needs a dataset with labels as its "
                             "second field")
        return np.asarray(arrays[1])
    return np.asarray([np.asarray(dataset[i][1]) for i in range(len(dataset))])


def random_split(dataset, lengths, seed=0, stratify=False):
    """Split ``dataset`` into non-overlapping :class:`Subset` s of the given lengths.

    ``lengths`` are counts summing to ``len(dataset)`` or fractions summing to 1 (remainders go
    to the first splits, as in PyTorch). The permutation comes from
    ``numpy.random.Generator(PCG64(seed))`` so a split is the same on every platform.
    ``stratify=True`` keeps the class proportions (labels = the second field of each sample)
    in every split, up to rounding."""
    n = len(dataset)
    lengths = list(lengths)
    if all(isinstance(x, float) for x in lengths) and abs(sum(lengths) - 1) < 1e-6:
        counts = [int(np.floor(n * f)) for f in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
    if sum(lengths) != n or any(x < 0 for x in lengths):
        raise ValueError(f"random_split: lengths {lengths} must be non-negative and sum to the "
                         f"dataset length {n} (or be fractions summing to 1)")
    rng = np.random.Generator(np.random.PCG64(seed))
    if not stratify:
        perm = rng.permutation(n)
        bounds = np.cumsum([0] + lengths)
        return [Subset(dataset, perm[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
    return [Subset(dataset, p) for p in stratified_indices(_labels_of(dataset), lengths, rng)]


def stratified_indices(labels, lengths, rng):
    """Disjoint index arrays of the given ``lengths`` (summing to ``len(labels)``), each with
    the class proportions of ``labels`` (up to rounding) and in random order."""
    labels = np.asarray(labels)
    parts = [[] for _ in lengths]
    fractions = np.asarray(lengths, dtype=np.float64) / max(len(labels), 1)
    for c in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == c))
        cuts = np.round(np.cumsum(fractions) * len(members)).astype(int)
        for k, (a, b) in enumerate(zip(np.r_[0, cuts[:-1]], cuts)):
            parts[k].append(members[a:b])
    parts = [rng.permutation(np.concatenate(p)) if p else np.zeros(0, np.int64) for p in parts]
    # rounding per class can leave a split one or two off; move samples to match `lengths`
    for k in range(len(parts) - 1):
        while len(parts[k]) > lengths[k]:
            parts[k + 1] = np.r_[parts[k + 1], parts[k][-1]]
            parts[k] = parts[k][:-1]
        while len(parts[k]) < lengths[k]:
            parts[k] = np.r_[parts[k], parts[k + 1][-1]]
            parts[k + 1] = parts[k + 1][:-1]
    return parts


def validation_split(dataset, fraction):
    """Keras ``validation_split``: the **last** ``fraction`` of the samples, taken before any
    shuffling, as validation; also a chronological split for time series (S-08).
    Returns ``(train, validation)`` subsets."""
    if not 0 <= fraction < 1:
        raise ValueError(f"validation_split: fraction must be in [0, 1), got {fraction}")
    n = len(dataset)
    n_val = int(n * fraction)
    return Subset(dataset, np.arange(n - n_val)), Subset(dataset, np.arange(n - n_val, n))
