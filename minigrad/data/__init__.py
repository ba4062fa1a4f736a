"""Data pipeline: datasets, a seeded resumable :class:`DataLoader`, transforms, the IDX
format and offline dataset loaders (``minigrad.data.datasets``).

    from minigrad.data import DataLoader, datasets
    x, y = datasets.mnist_arrays("train")                 # 4,000 real digits, N×1×28×28
    loader = DataLoader(TensorDataset(x, y), batch_size=100, shuffle=True, seed=0)
"""
from . import datasets, transforms  # noqa: F401
from .dataloader import DataLoader, default_collate
from .dataset import (ArrayDataset, ConcatDataset, Dataset, Subset, TensorDataset,
                      random_split, stratified_indices, validation_split)
from .errors import DataFormatError, DataSourceMissing
from .idx import read_idx, write_idx

__all__ = ["Dataset", "TensorDataset", "ArrayDataset", "Subset", "ConcatDataset",
           "random_split", "stratified_indices", "validation_split", "DataLoader",
           "default_collate", "DataFormatError", "DataSourceMissing", "read_idx", "write_idx",
           "datasets", "transforms"]
