"""Samples for the indexing ops."""
OPS = []
