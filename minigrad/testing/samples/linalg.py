"""Samples for the linalg ops."""
OPS = []
