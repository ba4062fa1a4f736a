"""Optimizers and learning-rate schedules (being written; see CONTRIBUTING.md)."""
