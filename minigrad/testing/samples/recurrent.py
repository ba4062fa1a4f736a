"""Samples for the recurrent ops."""
OPS = []
