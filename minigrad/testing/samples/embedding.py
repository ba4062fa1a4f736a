"""Samples for the embedding ops."""
OPS = []
