"""Samples for the dropout ops."""
OPS = []
