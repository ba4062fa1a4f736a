"""Samples for the shape ops."""
OPS = []
