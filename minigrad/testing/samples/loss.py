"""Samples for the loss ops."""
OPS = []
