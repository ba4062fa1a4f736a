"""Samples for the normalization ops."""
OPS = []
