"""Samples for the pooling ops."""
OPS = []
