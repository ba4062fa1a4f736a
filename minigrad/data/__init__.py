"""Datasets, data loaders and transforms (being written; see CONTRIBUTING.md)."""
