"""Samples for the conv ops."""
OPS = []
