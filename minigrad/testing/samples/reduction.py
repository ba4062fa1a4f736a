"""Samples for the reduction ops."""
OPS = []
